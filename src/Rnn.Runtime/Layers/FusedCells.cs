using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>
    /// One-pass SIMD versions of the LSTM and GRU elementwise steps for float: AVX-512 (16 units at a time) or AVX2 + FMA
    /// (8 units at a time). Each gate block is read once, activated in registers (the runtime's vector gate σ and tanh) and
    /// written back for the backward pass. The per-block passes in <see cref="LstmCell"/> and <see cref="GruCell"/> stay
    /// the reference and the fallback (other sizes, double, no AVX2, or SIMD switched off).
    /// </summary>
    internal static class FusedCells
    {
        /// <summary>
        /// Whether the fused float kernels apply to <paramref name="hidden"/> units: SIMD on and H a whole number of
        /// vectors, the same block width as the streaming step's (<see cref="StreamingCells.Width"/>).
        /// </summary>
        public static bool Applies(int hidden) => StreamingCells.Applies(hidden);

        /// <summary>LSTM: gates [i|f|g|o] pre-activations in, activations out; c = f⊙cPrev + i⊙g; h = o⊙tanh(c).</summary>
        public static void Lstm(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden)
        {
            if (Avx512F.IsSupported) Lstm512(gates, cPrev, c, h, hidden);
            else Lstm256(gates, cPrev, c, h, hidden);
        }

        /// <summary>GRU: gates [x_r|x_z|x_n] in, [r|z|n] out; hh [h_r|h_z|h_n]; hnOut = h_n; h = (1 − z)⊙n + z⊙hPrev.</summary>
        public static void Gru(Span<float> gates, ReadOnlySpan<float> hh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> hnOut, int hidden)
        {
            if (Avx512F.IsSupported) Gru512(gates, hh, hPrev, h, hnOut, hidden);
            else Gru256(gates, hh, hPrev, h, hnOut, hidden);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Lstm512(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden)
        {
            fixed (float* g = gates, cp = cPrev, cn = c, hn = h)
            {
                for (int k = 0; k < hidden; k += 16)
                {
                    var i = FloatMath.GateSigmoid(Avx512F.LoadVector512(g + k));
                    var f = FloatMath.GateSigmoid(Avx512F.LoadVector512(g + hidden + k));
                    var gg = FloatMath.Tanh(Avx512F.LoadVector512(g + 2 * hidden + k));
                    var o = FloatMath.GateSigmoid(Avx512F.LoadVector512(g + 3 * hidden + k));
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Lstm256(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden)
        {
            fixed (float* g = gates, cp = cPrev, cn = c, hn = h)
            {
                for (int k = 0; k < hidden; k += 8)
                {
                    var i = FloatMath.GateSigmoid(Avx.LoadVector256(g + k));
                    var f = FloatMath.GateSigmoid(Avx.LoadVector256(g + hidden + k));
                    var gg = FloatMath.Tanh(Avx.LoadVector256(g + 2 * hidden + k));
                    var o = FloatMath.GateSigmoid(Avx.LoadVector256(g + 3 * hidden + k));
                    Avx.Store(g + k, i);
                    Avx.Store(g + hidden + k, f);
                    Avx.Store(g + 2 * hidden + k, gg);
                    Avx.Store(g + 3 * hidden + k, o);
                    var cell = Fma.MultiplyAdd(f, Avx.LoadVector256(cp + k), i * gg);
                    Avx.Store(cn + k, cell);
                    Avx.Store(hn + k, o * FloatMath.Tanh(cell));
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Gru512(Span<float> gates, ReadOnlySpan<float> hh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> hnOut, int hidden)
        {
            fixed (float* g = gates, q = hh, hp = hPrev, ho = h, hno = hnOut)
            {
                for (int k = 0; k < hidden; k += 16)
                {
                    var r = FloatMath.GateSigmoid(Avx512F.LoadVector512(g + k) + Avx512F.LoadVector512(q + k));
                    var z = FloatMath.GateSigmoid(Avx512F.LoadVector512(g + hidden + k) + Avx512F.LoadVector512(q + hidden + k));
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Gru256(Span<float> gates, ReadOnlySpan<float> hh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> hnOut, int hidden)
        {
            fixed (float* g = gates, q = hh, hp = hPrev, ho = h, hno = hnOut)
            {
                for (int k = 0; k < hidden; k += 8)
                {
                    var r = FloatMath.GateSigmoid(Avx.LoadVector256(g + k) + Avx.LoadVector256(q + k));
                    var z = FloatMath.GateSigmoid(Avx.LoadVector256(g + hidden + k) + Avx.LoadVector256(q + hidden + k));
                    var hnk = Avx.LoadVector256(q + 2 * hidden + k);
                    var n = FloatMath.Tanh(Fma.MultiplyAdd(r, hnk, Avx.LoadVector256(g + 2 * hidden + k)));
                    Avx.Store(g + k, r);
                    Avx.Store(g + hidden + k, z);
                    Avx.Store(g + 2 * hidden + k, n);
                    Avx.Store(hno + k, hnk);
                    Avx.Store(ho + k, Fma.MultiplyAdd(z, Avx.LoadVector256(hp + k) - n, n));
                }
            }
        }
    }
}
