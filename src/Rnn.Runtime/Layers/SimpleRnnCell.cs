using System;
using System.Numerics;

namespace Rnn.Layers
{
    /// <summary>One step of the vanilla RNN for one sequence: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.</summary>
    internal static class SimpleRnnCell
    {
        /// <param name="gates">In: the pre-activation sum, [H]. Out: h'.</param>
        public static void Forward<T>(Span<T> gates, Span<T> h, bool relu, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int k = 0; k < hidden; k++)
            {
                T v = relu ? Scalar<T>.Relu(gates[k]) : T.Tanh(gates[k]);
                gates[k] = v;
                h[k] = v;
            }
        }

        /// <summary>dpre = dh ⊙ act'(h'), act' from the output: 1 − h'² for tanh, [h' &gt; 0] for relu.</summary>
        public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> dh, Span<T> dGates, bool relu, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int k = 0; k < hidden; k++)
            {
                T y = gates[k];
                dGates[k] = relu ? (y > T.Zero ? dh[k] : T.Zero) : dh[k] * (T.One - y * y);
            }
        }
    }
}
