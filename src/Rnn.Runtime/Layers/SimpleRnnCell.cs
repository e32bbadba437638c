using System;
using System.Numerics;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>One step of the vanilla RNN for one sequence: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.</summary>
    internal static class SimpleRnnCell
    {
        /// <param name="gates">In: the pre-activation sum, [H]. Out: h'.</param>
        public static void Forward<T>(Span<T> gates, Span<T> h, bool relu, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var pre = gates.Slice(0, hidden);
            if (relu) Elementwise.Relu<T>(pre, pre);
            else Elementwise.Tanh<T>(pre, pre);
            pre.CopyTo(h);
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
