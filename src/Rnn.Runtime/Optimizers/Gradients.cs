using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Rnn;

/// <summary>Gradient norms and clipping, as <c>torch.nn.utils.clip_grad_norm_</c> computes them.</summary>
public static class Gradients
{
    /// <summary>The L2 norm √(Σ g²), accumulated in double and rounded to float.</summary>
    /// <param name="gradients">The gradients.</param>
    public static float Norm(ReadOnlySpan<float> gradients)
    {
        var sum = Vector<double>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gradients.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(gradients[i..]), out Vector<double> low, out Vector<double> high);
                sum += (low * low) + (high * high);
            }
        }

        double total = Vector.Sum(sum);
        for (; i < gradients.Length; i++)
        {
            total += (double)gradients[i] * gradients[i];
        }

        return (float)Math.Sqrt(total);
    }

    /// <summary>The L2 norm √(Σ g²).</summary>
    /// <param name="gradients">The gradients.</param>
    public static double Norm(ReadOnlySpan<double> gradients) => TensorPrimitives.Norm(gradients);

    /// <summary>
    /// Scales <paramref name="gradients"/> so that their L2 norm is at most about <paramref name="maxNorm"/>: with
    /// coefficient = maxNorm / (norm + 1e-6), multiplies them by it when it is below 1 (a NaN norm leaves them as they are).
    /// </summary>
    /// <param name="gradients">The gradients, scaled in place.</param>
    /// <param name="maxNorm">The largest norm allowed, positive.</param>
    /// <returns>The norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive.</exception>
    public static float ClipByNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be positive.");
        }

        float norm = Norm(gradients);
        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            TensorPrimitives.Multiply(gradients, coefficient, gradients);
        }

        return norm;
    }

    /// <inheritdoc cref="ClipByNorm(Span{float}, float)"/>
    public static double ClipByNorm(Span<double> gradients, double maxNorm)
    {
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be positive.");
        }

        double norm = Norm(gradients);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            TensorPrimitives.Multiply(gradients, coefficient, gradients);
        }

        return norm;
    }
}
