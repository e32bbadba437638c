using System;

namespace LongMemorySample;

/// <summary>
/// How much the loss still feels each input step: for every t, the mean over a batch of ‖∂L_b/∂x_{b,t}‖, where
/// L_b is sequence b's own squared error and x_{b,t} its two features at step t. For a vanilla RNN this decays
/// exponentially going back from t = T (the vanishing gradient); gated cells keep it up.
/// </summary>
public static class GradientProfile
{
    /// <summary>Measures the profile of <paramref name="contender"/> on the first <paramref name="batch"/> sequences of <paramref name="set"/>.</summary>
    /// <remarks>Runs one Backward and clears the model's parameter gradients before and after; the parameters do not change.</remarks>
    public static double[] Measure(Contender contender, SequenceSet set, int batch)
    {
        batch = Math.Min(batch, set.Count);
        var (inputs, targets) = set.Slice(0, batch);
        contender.Model.ZeroGradients();
        contender.Backward(inputs.Span, batch, targets.Span);
        var gradients = contender.InputGradients;   // [batch, T, features] of the batch-mean loss
        contender.Model.ZeroGradients();

        int length = set.Length, features = AddingProblem.Features;
        var profile = new double[length];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < length; t++)
            {
                double sum = 0;
                for (int f = 0; f < features; f++)
                {
                    double g = gradients[(((b * length) + t) * features) + f] * (double)batch;   // × batch: per-sequence loss
                    sum += g * g;
                }

                profile[t] += Math.Sqrt(sum) / batch;
            }
        }

        return profile;
    }
}
