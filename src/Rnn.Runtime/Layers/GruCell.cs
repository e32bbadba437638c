using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>
    /// The fused elementwise pass of one GRU step for one sequence (PyTorch's gate order [r|z|n]):
    /// r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n), h' = (1−z)⊙n + z⊙h,
    /// where x_· = W_i· x + b_i· and h_· = W_h· h + b_h·.
    /// </summary>
    internal static class GruCell
    {
        /// <param name="gates">In: x_r, x_z, x_n, [3H]. Out: r, z, n.</param>
        /// <param name="hh">h_r, h_z, h_n including b_hh, [3H].</param>
        /// <param name="hn">Out: h_n, kept for backward.</param>
        public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> hh, ReadOnlySpan<T> hPrev, Span<T> h, Span<T> hn, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && FusedCells.Applies(hidden))
            {
                var f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(gates);
                FusedCells.Gru(f, Cast(hh), Cast(hPrev), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(h), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(hn), hidden);
                return;
            }
            // r and z: one vectorised sigmoid over both blocks; n: the pre-activation, then one vectorised tanh.
            var rAndZ = gates.Slice(0, 2 * hidden);
            TensorPrimitives.Add<T>(rAndZ, hh.Slice(0, 2 * hidden), rAndZ);
            Elementwise.Sigmoid<T>(rAndZ, rAndZ);
            var n = gates.Slice(2 * hidden, hidden);
            hh.Slice(2 * hidden, hidden).CopyTo(hn);
            for (int k = 0; k < hidden; k++) n[k] += gates[k] * hn[k];
            Elementwise.Tanh<T>(n, n);
            for (int k = 0; k < hidden; k++)
            {
                T z = gates[hidden + k];
                h[k] = (T.One - z) * n[k] + z * hPrev[k];
            }
        }

        /// <summary>
        /// Backward of one step. Writes the gradients of the input-side sums (dX = [dr, dz, dn]), of the
        /// hidden-side sums (dH = [dr, dz, dn⊙r]) and the direct part of dh_prev (dh⊙z).
        /// </summary>
        public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hn, ReadOnlySpan<T> hPrev,
            ReadOnlySpan<T> dh, Span<T> dX, Span<T> dH, Span<T> dhPrevDirect, int hidden)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int k = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                // The scalar loop's operations in the same order, a vector at a time (bit-identical to it).
                var one = Vector<T>.One;
                for (; k <= hidden - Vector<T>.Count; k += Vector<T>.Count)
                {
                    var r = new Vector<T>(gates.Slice(k));
                    var z = new Vector<T>(gates.Slice(hidden + k));
                    var n = new Vector<T>(gates.Slice(2 * hidden + k));
                    var d = new Vector<T>(dh.Slice(k));
                    var dn = d * (one - z) * (one - n * n);
                    var dz = d * (new Vector<T>(hPrev.Slice(k)) - n) * z * (one - z);
                    var dr = dn * new Vector<T>(hn.Slice(k)) * r * (one - r);
                    dr.CopyTo(dX.Slice(k));
                    dz.CopyTo(dX.Slice(hidden + k));
                    dn.CopyTo(dX.Slice(2 * hidden + k));
                    dr.CopyTo(dH.Slice(k));
                    dz.CopyTo(dH.Slice(hidden + k));
                    (dn * r).CopyTo(dH.Slice(2 * hidden + k));
                    (d * z).CopyTo(dhPrevDirect.Slice(k));
                }
            }
            for (; k < hidden; k++)
            {
                T r = gates[k], z = gates[hidden + k], n = gates[2 * hidden + k];
                T dhk = dh[k];
                T dn = dhk * (T.One - z) * (T.One - n * n);
                T dz = dhk * (hPrev[k] - n) * z * (T.One - z);
                T dr = dn * hn[k] * r * (T.One - r);
                dX[k] = dr; dX[hidden + k] = dz; dX[2 * hidden + k] = dn;
                dH[k] = dr; dH[hidden + k] = dz; dH[2 * hidden + k] = dn * r;
                dhPrevDirect[k] = dhk * z;
            }
        }

        private static ReadOnlySpan<float> Cast<T>(ReadOnlySpan<T> values) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);
    }
}
