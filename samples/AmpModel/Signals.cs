using System;

namespace AmpModelSample;

/// <summary>Makes training signals and the "amp" the model learns: a one-pole low-pass filter into a soft clipper.</summary>
public static class Signals
{
    /// <summary>The effect: y_t = tanh(3·s_t), s_t = 0.7·s_{t−1} + 0.3·x_t. It has memory, so a recurrent model is needed.</summary>
    public static void Amp(ReadOnlySpan<float> x, Span<float> y)
    {
        float s = 0;
        for (int t = 0; t < x.Length; t++)
        {
            s = 0.7f * s + 0.3f * x[t];
            y[t] = MathF.Tanh(3f * s);
        }
    }

    /// <summary>A random chord of three sines with random amplitude, as a guitar might play.</summary>
    public static void Chord(Random random, Span<float> x)
    {
        Span<float> frequency = stackalloc float[3];
        Span<float> phase = stackalloc float[3];
        for (int k = 0; k < 3; k++)
        {
            frequency[k] = 0.02f + 0.2f * random.NextSingle();
            phase[k] = 6.2831853f * random.NextSingle();
        }
        float gain = 0.3f + 0.7f * random.NextSingle();
        for (int t = 0; t < x.Length; t++)
        {
            float v = 0;
            for (int k = 0; k < 3; k++) v += MathF.Sin(frequency[k] * t + phase[k]);
            x[t] = gain * v / 3f;
        }
    }
}
