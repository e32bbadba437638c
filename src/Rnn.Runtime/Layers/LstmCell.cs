using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>
    /// The fused elementwise pass of one LSTM step for one sequence (PyTorch's gate order [i|f|g|o]):
    /// i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c' = f⊙c + i⊙g; h' = o⊙tanh(c').
    /// </summary>
    internal static class LstmCell
    {
        /// <param name="gates">In: the pre-activation sums W_ih x + b_ih + W_hh h + b_hh, [4H]. Out: i, f, g, o.</param>
        public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && FusedCells.Applies(hidden))
            {
                FusedCells.Lstm(Floats(gates), Floats(cPrev), Floats(c), Floats(h), hidden);
                return;
            }
            // The activations run vectorised over whole gate blocks; c and h follow in one elementwise pass each.
            var iAndF = gates.Slice(0, 2 * hidden);
            var g = gates.Slice(2 * hidden, hidden);
            var o = gates.Slice(3 * hidden, hidden);
            Elementwise.Sigmoid<T>(iAndF, iAndF);
            Elementwise.Tanh<T>(g, g);
            Elementwise.Sigmoid<T>(o, o);
            var i = gates.Slice(0, hidden);
            var f = gates.Slice(hidden, hidden);
            for (int k = 0; k < hidden; k++) c[k] = f[k] * cPrev[k] + i[k] * g[k];
            Elementwise.Tanh<T>(c.Slice(0, hidden), h.Slice(0, hidden));
            TensorPrimitives.Multiply<T>(h.Slice(0, hidden), o, h.Slice(0, hidden));
        }

        /// <summary>
        /// Backward of one step: from dh (total gradient of h') and dc (gradient of c' from the next step) to the
        /// pre-activation gradients; dc becomes dc_prev. <paramref name="scratch"/> [H] receives tanh(c').
        /// </summary>
        public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c,
            ReadOnlySpan<T> dh, Span<T> dc, Span<T> dGates, Span<T> scratch, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var tanhC = scratch.Slice(0, hidden);
            Elementwise.Tanh<T>(c.Slice(0, hidden), tanhC);
            int k = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                var one = Vector<T>.One;
                for (; k <= hidden - Vector<T>.Count; k += Vector<T>.Count)
                {
                    var i = new Vector<T>(gates.Slice(k));
                    var f = new Vector<T>(gates.Slice(hidden + k));
                    var g = new Vector<T>(gates.Slice(2 * hidden + k));
                    var o = new Vector<T>(gates.Slice(3 * hidden + k));
                    var tc = new Vector<T>(tanhC.Slice(k));
                    var d = new Vector<T>(dh.Slice(k));
                    var dcNext = new Vector<T>(dc.Slice(k)) + d * o * (one - tc * tc);
                    (dcNext * g * i * (one - i)).CopyTo(dGates.Slice(k));
                    (dcNext * new Vector<T>(cPrev.Slice(k)) * f * (one - f)).CopyTo(dGates.Slice(hidden + k));
                    (dcNext * i * (one - g * g)).CopyTo(dGates.Slice(2 * hidden + k));
                    (d * tc * o * (one - o)).CopyTo(dGates.Slice(3 * hidden + k));
                    (dcNext * f).CopyTo(dc.Slice(k));
                }
            }
            for (; k < hidden; k++)
            {
                T ik = gates[k], fk = gates[hidden + k], gk = gates[2 * hidden + k], ok = gates[3 * hidden + k];
                T tc = tanhC[k];
                T dck = dc[k] + dh[k] * ok * (T.One - tc * tc);
                dGates[k] = dck * gk * ik * (T.One - ik);
                dGates[hidden + k] = dck * cPrev[k] * fk * (T.One - fk);
                dGates[2 * hidden + k] = dck * ik * (T.One - gk * gk);
                dGates[3 * hidden + k] = dh[k] * tc * ok * (T.One - ok);
                dc[k] = dck * fk;
            }
        }

        private static Span<float> Floats<T>(Span<T> values) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);

        private static ReadOnlySpan<float> Floats<T>(ReadOnlySpan<T> values) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);
    }
}
