using System;
using System.Numerics;

namespace Rnn;

/// <summary>The hyperparameters and the per-element update shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal sealed class AdamUpdate
{
    /// <summary>PyTorch's names for m and v.</summary>
    internal static readonly string[] StateNames = ["exp_avg", "exp_avg_sq"];

    private readonly double beta1AsWritten, beta2AsWritten, weightDecayAsWritten;
    private readonly float oneMinusBeta1, oneMinusBeta2;
    private readonly bool decoupled;

    /// <param name="decoupled">AdamW's decay p·(1 − lr·wd) instead of Adam's g + wd·p.</param>
    internal AdamUpdate(float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        CheckBeta(beta1, nameof(beta1));
        CheckBeta(beta2, nameof(beta2));
        Optimizer.CheckNonNegative(epsilon, nameof(epsilon));
        Optimizer.CheckNonNegative(weightDecay, nameof(weightDecay));
        (Beta1, Beta2, Epsilon, WeightDecay, this.decoupled) = (beta1, beta2, epsilon, weightDecay, decoupled);
        beta1AsWritten = Optimizer.AsWritten(beta1);
        beta2AsWritten = Optimizer.AsWritten(beta2);
        weightDecayAsWritten = Optimizer.AsWritten(weightDecay);
        oneMinusBeta1 = (float)(1 - beta1AsWritten);
        oneMinusBeta2 = (float)(1 - beta2AsWritten);
    }

    internal float Beta1 { get; }

    internal float Beta2 { get; }

    internal float Epsilon { get; }

    internal float WeightDecay { get; }

    /// <summary>Applies step <paramref name="step"/> (1 for the first) with learning rate <paramref name="lr"/> as written.</summary>
    internal void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, double lr, int step)
    {
        // Scalars as PyTorch makes them: in double from the written hyperparameters, then rounded to float.
        float stepSize = (float)(lr / (1 - Math.Pow(beta1AsWritten, step)));
        float bias2Sqrt = (float)Math.Sqrt(1 - Math.Pow(beta2AsWritten, step));
        float shrink = (float)(1 - (lr * weightDecayAsWritten));
        float b1 = Beta1, b2 = Beta2, c1 = oneMinusBeta1, c2 = oneMinusBeta2, eps = Epsilon, wd = WeightDecay;
        bool shrinkParameters = decoupled, decayGradient = !decoupled && wd != 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = new Vector<float>(parameters[i..]);
                var g = new Vector<float>(gradients[i..]);
                if (shrinkParameters)
                {
                    p *= shrink;
                }
                else if (decayGradient)
                {
                    g += wd * p;
                }

                Vector<float> mi = (b1 * new Vector<float>(m[i..])) + (c1 * g);
                Vector<float> vi = (b2 * new Vector<float>(v[i..])) + (c2 * g * g);
                Vector<float> denominator = (Vector.SquareRoot(vi) / bias2Sqrt) + new Vector<float>(eps);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (p - (stepSize * mi / denominator)).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float p = parameters[i], g = gradients[i];
            if (shrinkParameters)
            {
                p *= shrink;
            }
            else if (decayGradient)
            {
                g += wd * p;
            }

            float mi = (b1 * m[i]) + (c1 * g);
            float vi = (b2 * v[i]) + (c2 * g * g);
            float denominator = (MathF.Sqrt(vi) / bias2Sqrt) + eps;
            m[i] = mi;
            v[i] = vi;
            parameters[i] = p - (stepSize * mi / denominator);
        }
    }

    private static void CheckBeta(float beta, string name)
    {
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(name, beta, $"{name} must be in [0, 1).");
        }
    }
}
