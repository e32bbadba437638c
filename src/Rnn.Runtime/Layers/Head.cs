using System;
using System.Numerics;

namespace Rnn.Layers
{
    /// <summary>
    /// The head's activation and its loss, as the course table pairs them: linear (and tanh, relu) → mean squared
    /// error on the activated outputs; sigmoid → binary cross-entropy on the logits; softmax → cross-entropy over class ids.
    /// </summary>
    public static class Head
    {
        /// <summary>outputs = act(logits) [batch, steps, units]; rows at padding (t ≥ lengths[b]) are 0.</summary>
        // Fully optimised from the first call: the streaming path reaches its steady state at once instead of after
        // tiered compilation has caught up (measured: W1 Step at 1.3 µs for the first second, 0.7 µs after).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public static void Outputs<T>(Activation activation, ReadOnlySpan<T> logits, Span<T> outputs, int batch, int steps, int units, ReadOnlySpan<int> lengths)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int count = batch * steps * units;
            DenseLayer.Activate(activation, logits.Slice(0, count), outputs.Slice(0, count), units);
            if (lengths.IsEmpty) return;
            for (int b = 0; b < batch; b++)
                outputs.Slice((b * steps + lengths[b]) * units, (steps - lengths[b]) * units).Clear();
        }

        /// <summary>Mean loss against float targets; writes d loss / d logits. <paramref name="scratch"/> holds batch·steps·units values.</summary>
        public static T Loss<T>(Activation activation, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int batch, int steps, int units,
            ReadOnlySpan<int> lengths, Span<T> dLogits, Span<T> scratch)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int count = batch * steps * units;
            switch (activation)
            {
                case Activation.Sigmoid:
                    return Losses.SigmoidBinaryCrossEntropy(logits.Slice(0, count), targets, batch, steps, units, lengths, dLogits.Slice(0, count));
                case Activation.Softmax:
                    throw new ArgumentException("A softmax head takes class ids as targets.", nameof(targets));
                case Activation.Linear:
                    return Losses.MeanSquaredError(logits.Slice(0, count), targets, batch, steps, units, lengths, dLogits.Slice(0, count));
                default:
                {
                    var y = scratch.Slice(0, count);
                    DenseLayer.Activate(activation, logits.Slice(0, count), y);
                    T loss = Losses.MeanSquaredError<T>(y, targets, batch, steps, units, lengths, dLogits.Slice(0, count));
                    var d = dLogits.Slice(0, count);
                    for (int i = 0; i < count; i++)
                    {
                        d[i] *= activation == Activation.Tanh ? T.One - y[i] * y[i] : (y[i] > T.Zero ? T.One : T.Zero);
                    }
                    return loss;
                }
            }
        }

        /// <summary>Mean cross-entropy of a softmax head against class ids; writes d loss / d logits.</summary>
        public static T Loss<T>(Activation activation, ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int batch, int steps, int units,
            ReadOnlySpan<int> lengths, Span<T> dLogits, Span<T> scratch)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (activation != Activation.Softmax)
                throw new ArgumentException("Class-id targets need a softmax head.", nameof(targets));
            int count = batch * steps * units;
            return Losses.SoftmaxCrossEntropy(logits.Slice(0, count), targets, batch, steps, units, lengths, dLogits.Slice(0, count));
        }
    }
}
