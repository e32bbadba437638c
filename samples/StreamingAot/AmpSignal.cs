using System;

namespace StreamingAot;

/// <summary>The "amp" the model imitates and the guitar-like signal it plays through (shared with Training/).</summary>
public static class AmpSignal
{
    public const int SampleRate = 48_000;

    /// <summary>
    /// The effect, sample by sample: a one-pole low-pass into a tanh soft clipper, y_t = tanh(3·s_t),
    /// s_t = 0.7·s_{t−1} + 0.3·x_t. It has memory, so a recurrent model is needed.
    /// </summary>
    public static float Effect(ref float state, float x)
    {
        state = 0.7f * state + 0.3f * x;
        return MathF.Tanh(3f * state);
    }

    /// <summary>The effect over a block, starting from silence.</summary>
    public static void Effect(ReadOnlySpan<float> x, Span<float> y)
    {
        float state = 0;
        for (int t = 0; t < x.Length; t++) y[t] = Effect(ref state, x[t]);
    }

    /// <summary>
    /// Plucked chords: every <paramref name="noteLength"/> samples a new chord of three partials
    /// (150 Hz … 1.7 kHz at 48 kHz) starts at a random level and decays exponentially.
    /// </summary>
    public static void Guitar(Random random, Span<float> x, int noteLength)
    {
        Span<float> frequency = stackalloc float[3];
        Span<float> phase = stackalloc float[3];
        float gain = 0, decay = 1, level = 0;
        for (int t = 0; t < x.Length; t++)
        {
            int at = t % noteLength;
            if (at == 0)
            {
                for (int k = 0; k < 3; k++)
                {
                    frequency[k] = 0.02f + 0.2f * random.NextSingle();
                    phase[k] = 6.2831853f * random.NextSingle();
                }
                gain = 0.3f + 0.7f * random.NextSingle();
                decay = MathF.Exp(-1f / (noteLength * (0.2f + 0.6f * random.NextSingle())));
                level = gain;
            }
            float v = 0;
            for (int k = 0; k < 3; k++) v += MathF.Sin(frequency[k] * at + phase[k]);
            x[t] = level * v / 3f;
            level *= decay;
        }
    }
}
