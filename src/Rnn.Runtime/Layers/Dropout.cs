using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Rnn.Layers
{
    /// <summary>
    /// Inverted dropout, as PyTorch and Keras do it while training: each value is kept with probability 1 − rate and
    /// then scaled by 1 / (1 − rate), so that nothing changes in expectation and inference needs no rescaling.
    /// The mask is kept for the backward pass, which multiplies the gradient by the same mask.
    /// </summary>
    public static class Dropout
    {
        /// <summary>Fills <paramref name="mask"/> with 0 (probability <paramref name="rate"/>) or 1 / (1 − rate), one draw of <paramref name="random"/> per value, in order.</summary>
        public static void Fill<T>(Span<T> mask, float rate, RandomSource random) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "A dropout rate lies in [0, 1).");
            T scale = T.One / (T.One - T.CreateChecked(rate));
            // keep ⇔ u ≥ rate for u uniform in [0, 1) with 2⁻³² resolution: compare the top 32 bits with rate·2³².
            ulong threshold = (ulong)Math.Ceiling(rate * 4294967296.0);
            for (int i = 0; i < mask.Length; i++) mask[i] = (random.NextUInt64() >> 32) >= threshold ? scale : T.Zero;
        }

        /// <summary>Draws a fresh mask and applies it: values ⊙= mask.</summary>
        public static void Apply<T>(Span<T> values, Span<T> mask, float rate, RandomSource random) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Fill(mask.Slice(0, values.Length), rate, random);
            TensorPrimitives.Multiply<T>(values, mask.Slice(0, values.Length), values);
        }

        /// <summary>The backward pass: gradient ⊙= mask.</summary>
        public static void Backward<T>(Span<T> gradient, ReadOnlySpan<T> mask) where T : unmanaged, IFloatingPointIeee754<T> =>
            TensorPrimitives.Multiply<T>(gradient, mask.Slice(0, gradient.Length), gradient);
    }
}
