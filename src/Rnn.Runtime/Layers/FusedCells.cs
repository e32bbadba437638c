using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>
    /// One-pass AVX-512 versions of the LSTM and GRU elementwise steps for float, 16 units at a time: each gate block is
    /// read once, activated in registers (the runtime's vector σ and tanh) and written back for the backward pass. The
    /// per-block passes in <see cref="LstmCell"/> and <see cref="GruCell"/> stay the reference and the fallback (other
    /// sizes, double, no AVX-512, or SIMD switched off).
    /// </summary>
    internal static class FusedCells
    {
        /// <summary>Whether the fused float kernels apply to <paramref name="hidden"/> units.</summary>
        public static bool Applies(int hidden) => KernelOptions.UseSimd && Avx512F.IsSupported && hidden % 16 == 0;

        /// <summary>LSTM: gates [i|f|g|o] pre-activations in, activations out; c = f⊙cPrev + i⊙g; h = o⊙tanh(c).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Lstm(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden)
        {
            fixed (float* g = gates, cp = cPrev, cn = c, hn = h)
            {
                for (int k = 0; k < hidden; k += 16)
                {
                    var i = FloatMath.Sigmoid(Avx512F.LoadVector512(g + k));
                    var f = FloatMath.Sigmoid(Avx512F.LoadVector512(g + hidden + k));
                    var gg = FloatMath.Tanh(Avx512F.LoadVector512(g + 2 * hidden + k));
                    var o = FloatMath.Sigmoid(Avx512F.LoadVector512(g + 3 * hidden + k));
                    Avx512F.Store(g + k, i);
                    Avx512F.Store(g + hidden + k, f);
                    Avx512F.Store(g + 2 * hidden + k, gg);
                    Avx512F.Store(g + 3 * hidden + k, o);
                    var cell = Avx512F.FusedMultiplyAdd(f, Avx512F.LoadVector512(cp + k), i * gg);
                    Avx512F.Store(cn + k, cell);
                    Avx512F.Store(hn + k, o * FloatMath.Tanh(cell));
                }
            }
        }

        /// <summary>GRU: gates [x_r|x_z|x_n] in, [r|z|n] out; hh [h_r|h_z|h_n]; hnOut = h_n; h = (1 − z)⊙n + z⊙hPrev.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Gru(Span<float> gates, ReadOnlySpan<float> hh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> hnOut, int hidden)
        {
            fixed (float* g = gates, q = hh, hp = hPrev, ho = h, hno = hnOut)
            {
                for (int k = 0; k < hidden; k += 16)
                {
                    var r = FloatMath.Sigmoid(Avx512F.LoadVector512(g + k) + Avx512F.LoadVector512(q + k));
                    var z = FloatMath.Sigmoid(Avx512F.LoadVector512(g + hidden + k) + Avx512F.LoadVector512(q + hidden + k));
                    var hnk = Avx512F.LoadVector512(q + 2 * hidden + k);
                    var n = FloatMath.Tanh(Avx512F.FusedMultiplyAdd(r, hnk, Avx512F.LoadVector512(g + 2 * hidden + k)));
                    Avx512F.Store(g + k, r);
                    Avx512F.Store(g + hidden + k, z);
                    Avx512F.Store(g + 2 * hidden + k, n);
                    Avx512F.Store(hno + k, hnk);
                    // (1 − z)⊙n + z⊙h = n + z⊙(h − n)
                    Avx512F.Store(ho + k, Avx512F.FusedMultiplyAdd(z, Avx512F.LoadVector512(hp + k) - n, n));
                }
            }
        }
    }
}
