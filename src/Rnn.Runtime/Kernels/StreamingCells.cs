using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// One streaming step (batch 1) of an LSTM or GRU layer for float in one pass: the gate sums over v = [x; h] and the
    /// cell update, block by block of <see cref="Width"/> units, the accumulators never leaving the registers. The weights
    /// are packed by <see cref="PackLstm"/> / <see cref="PackGru"/> so that each block reads one contiguous run:
    /// block b, row k holds the gates of units b·W … b·W + W − 1 for input k (LSTM: i f g o; GRU: r z n).
    /// Two blocks go together (eight accumulators: enough independent FMAs to hide their latency).
    /// <see cref="ReferenceLstm"/> and <see cref="ReferenceGru"/> are the naive kernels on PyTorch's own layout (scalar,
    /// double accumulation); tests compare the fused kernels with them.
    /// </summary>
    internal static class StreamingCells
    {
        /// <summary>Units per block: 16 with AVX-512, 8 with AVX2 + FMA, 0 when neither (or SIMD is off).</summary>
        public static int Width => !KernelOptions.UseSimd ? 0 : Avx512F.IsSupported ? 16 : Avx2.IsSupported && Fma.IsSupported ? 8 : 0;

        /// <summary>Whether the fused step applies to a layer of <paramref name="hidden"/> units.</summary>
        public static bool Applies(int hidden) => Width != 0 && hidden % Width == 0;

        /// <summary>Floats of the packed LSTM weights and biases for input n, hidden h.</summary>
        public static int LstmSize(int n, int h) => 4 * h * (n + h + 1);

        /// <summary>Floats of the packed GRU weights and biases for input n, hidden h.</summary>
        public static int GruSize(int n, int h) => 3 * h * (n + h) + 4 * h;

        /// <summary>
        /// Packs PyTorch's LSTM tensors (W_ih [4H, n], W_hh [4H, H], b_ih, b_hh [4H]) for <see cref="Lstm"/>:
        /// per block the rows k = 0 … n + H − 1, four gate vectors each, then the summed biases of every block.
        /// </summary>
        public static void PackLstm(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh,
            int n, int h, Span<float> packed)
        {
            int w = Width, rows = n + h, o = 0;
            for (int b = 0; b < h; b += w)
            {
                for (int k = 0; k < rows; k++)
                {
                    for (int gate = 0; gate < 4; gate++)
                    {
                        for (int u = 0; u < w; u++)
                        {
                            int j = gate * h + b + u;
                            packed[o++] = k < n ? wih[j * n + k] : whh[j * h + (k - n)];
                        }
                    }
                }
            }
            for (int b = 0; b < h; b += w)
                for (int gate = 0; gate < 4; gate++)
                    for (int u = 0; u < w; u++) packed[o++] = bih[gate * h + b + u] + bhh[gate * h + b + u];
        }

        /// <summary>
        /// Packs PyTorch's GRU tensors for <see cref="Gru"/>: per block the rows k = 0 … n + H − 1 with three gate vectors
        /// (r, z, and n: W_in for k &lt; n, W_hn after), then per block four bias vectors: b_ir + b_hr, b_iz + b_hz, b_in, b_hn.
        /// </summary>
        public static void PackGru(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh,
            int n, int h, Span<float> packed)
        {
            int w = Width, rows = n + h, o = 0;
            for (int b = 0; b < h; b += w)
            {
                for (int k = 0; k < rows; k++)
                {
                    for (int gate = 0; gate < 3; gate++)
                    {
                        for (int u = 0; u < w; u++)
                        {
                            int j = gate * h + b + u;
                            packed[o++] = k < n ? wih[j * n + k] : whh[j * h + (k - n)];
                        }
                    }
                }
            }
            for (int b = 0; b < h; b += w)
            {
                for (int u = 0; u < w; u++) packed[o++] = bih[b + u] + bhh[b + u];
                for (int u = 0; u < w; u++) packed[o++] = bih[h + b + u] + bhh[h + b + u];
                for (int u = 0; u < w; u++) packed[o++] = bih[2 * h + b + u];
                for (int u = 0; u < w; u++) packed[o++] = bhh[2 * h + b + u];
            }
        }

        /// <summary>
        /// LSTM step: gates = W [x; h] + b, i f o = σ, g = tanh, c ← f⊙c + i⊙g, h ← o⊙tanh(c).
        /// v is [x; h_prev] (n + H, a copy: h is overwritten), c [H] in place, h [H] out.
        /// </summary>
        public static void Lstm(ReadOnlySpan<float> packed, ReadOnlySpan<float> v, int n, int hidden, Span<float> c, Span<float> h)
        {
            if (Avx512F.IsSupported) Lstm512(packed, v, n, hidden, c, h);
            else Lstm256(packed, v, n, hidden, c, h);
        }

        /// <summary>
        /// GRU step: r = σ(·), z = σ(·), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h ← (1 − z)⊙n + z⊙h.
        /// v is [x; h_prev] (n + H, a copy: h is overwritten), h [H] out.
        /// </summary>
        public static void Gru(ReadOnlySpan<float> packed, ReadOnlySpan<float> v, int n, int hidden, Span<float> h)
        {
            if (Avx512F.IsSupported) Gru512(packed, v, n, hidden, h);
            else Gru256(packed, v, n, hidden, h);
        }

        /// <summary>The naive LSTM step on PyTorch's tensors: what <see cref="Lstm"/> computes, one unit at a time.</summary>
        public static void ReferenceLstm(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh,
            ReadOnlySpan<float> v, int n, int h, Span<float> c, Span<float> hOut)
        {
            for (int u = 0; u < h; u++)
            {
                double i = Sigmoid(Dot(wih, whh, v, n, h, u) + bih[u] + bhh[u]);
                double f = Sigmoid(Dot(wih, whh, v, n, h, h + u) + bih[h + u] + bhh[h + u]);
                double g = Math.Tanh(Dot(wih, whh, v, n, h, 2 * h + u) + bih[2 * h + u] + bhh[2 * h + u]);
                double o = Sigmoid(Dot(wih, whh, v, n, h, 3 * h + u) + bih[3 * h + u] + bhh[3 * h + u]);
                double cell = f * c[u] + i * g;
                c[u] = (float)cell;
                hOut[u] = (float)(o * Math.Tanh(cell));
            }
        }

        /// <summary>The naive GRU step on PyTorch's tensors: what <see cref="Gru"/> computes, one unit at a time.</summary>
        public static void ReferenceGru(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh,
            ReadOnlySpan<float> v, int n, int h, Span<float> hOut)
        {
            for (int u = 0; u < h; u++)
            {
                double r = Sigmoid(Dot(wih, default, v, n, 0, u) + bih[u] + Dot(default, whh, v, n, h, u) + bhh[u]);
                double z = Sigmoid(Dot(wih, default, v, n, 0, h + u) + bih[h + u] + Dot(default, whh, v, n, h, h + u) + bhh[h + u]);
                double nn = Math.Tanh(Dot(wih, default, v, n, 0, 2 * h + u) + bih[2 * h + u] + r * (Dot(default, whh, v, n, h, 2 * h + u) + bhh[2 * h + u]));
                hOut[u] = (float)((1 - z) * nn + z * v[n + u]);
            }
        }

        /// <summary>Row j of W_ih times x plus row j of W_hh times h, v = [x; h]; an empty matrix adds nothing.</summary>
        private static double Dot(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> v, int n, int h, int j)
        {
            double a = 0;
            if (!wih.IsEmpty) for (int k = 0; k < n; k++) a += (double)wih[j * n + k] * v[k];
            if (!whh.IsEmpty) for (int k = 0; k < h; k++) a += (double)whh[j * h + k] * v[n + k];
            return a;
        }

        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Lstm256(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> cSpan, Span<float> hSpan)
        {
            const int W = 8;
            int rows = n + hidden, block = rows * 4 * W;
            fixed (float* p = packedSpan, v = vSpan, c = cSpan, h = hSpan)
            {
                float* bias = p + (hidden / W) * block;
                int b = 0;
                for (; b + 2 * W <= hidden; b += 2 * W)
                {
                    float* w0 = p + (b / W) * block, w1 = w0 + block, b0 = bias + b * 4, b1 = b0 + 4 * W;
                    var i0 = Avx.LoadVector256(b0); var f0 = Avx.LoadVector256(b0 + W); var g0 = Avx.LoadVector256(b0 + 2 * W); var o0 = Avx.LoadVector256(b0 + 3 * W);
                    var i1 = Avx.LoadVector256(b1); var f1 = Avx.LoadVector256(b1 + W); var g1 = Avx.LoadVector256(b1 + 2 * W); var o1 = Avx.LoadVector256(b1 + 3 * W);
                    for (int k = 0; k < rows; k++, w0 += 4 * W, w1 += 4 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        i0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), i0);
                        f0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), f0);
                        g0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), g0);
                        o0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 3 * W), o0);
                        i1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1), i1);
                        f1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + W), f1);
                        g1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + 2 * W), g1);
                        o1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + 3 * W), o1);
                    }
                    LstmUnits256(i0, f0, g0, o0, c + b, h + b);
                    LstmUnits256(i1, f1, g1, o1, c + b + W, h + b + W);
                }
                for (; b < hidden; b += W)
                {
                    float* w0 = p + (b / W) * block, b0 = bias + b * 4;
                    var i0 = Avx.LoadVector256(b0); var f0 = Avx.LoadVector256(b0 + W); var g0 = Avx.LoadVector256(b0 + 2 * W); var o0 = Avx.LoadVector256(b0 + 3 * W);
                    for (int k = 0; k < rows; k++, w0 += 4 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        i0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), i0);
                        f0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), f0);
                        g0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), g0);
                        o0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 3 * W), o0);
                    }
                    LstmUnits256(i0, f0, g0, o0, c + b, h + b);
                }
            }
        }

        // Not inlined: σ and tanh inlined into the accumulating loop above would exceed the JIT's tracked locals and
        // spill every temporary to the stack (measured 3× slower).
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LstmUnits256(Vector256<float> i, Vector256<float> f, Vector256<float> g, Vector256<float> o, float* c, float* h)
        {
            var cell = Fma.MultiplyAdd(FloatMath.Sigmoid(f), Avx.LoadVector256(c), FloatMath.Sigmoid(i) * FloatMath.Tanh(g));
            Avx.Store(c, cell);
            Avx.Store(h, FloatMath.Sigmoid(o) * FloatMath.Tanh(cell));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Lstm512(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> cSpan, Span<float> hSpan)
        {
            const int W = 16;
            int rows = n + hidden, block = rows * 4 * W;
            fixed (float* p = packedSpan, v = vSpan, c = cSpan, h = hSpan)
            {
                float* bias = p + (hidden / W) * block;
                int b = 0;
                for (; b + 2 * W <= hidden; b += 2 * W)
                {
                    float* w0 = p + (b / W) * block, w1 = w0 + block, b0 = bias + b * 4, b1 = b0 + 4 * W;
                    var i0 = Avx512F.LoadVector512(b0); var f0 = Avx512F.LoadVector512(b0 + W); var g0 = Avx512F.LoadVector512(b0 + 2 * W); var o0 = Avx512F.LoadVector512(b0 + 3 * W);
                    var i1 = Avx512F.LoadVector512(b1); var f1 = Avx512F.LoadVector512(b1 + W); var g1 = Avx512F.LoadVector512(b1 + 2 * W); var o1 = Avx512F.LoadVector512(b1 + 3 * W);
                    for (int k = 0; k < rows; k++, w0 += 4 * W, w1 += 4 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        i0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), i0);
                        f0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), f0);
                        g0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), g0);
                        o0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 3 * W), o0);
                        i1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1), i1);
                        f1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + W), f1);
                        g1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + 2 * W), g1);
                        o1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + 3 * W), o1);
                    }
                    LstmUnits512(i0, f0, g0, o0, c + b, h + b);
                    LstmUnits512(i1, f1, g1, o1, c + b + W, h + b + W);
                }
                for (; b < hidden; b += W)
                {
                    float* w0 = p + (b / W) * block, b0 = bias + b * 4;
                    var i0 = Avx512F.LoadVector512(b0); var f0 = Avx512F.LoadVector512(b0 + W); var g0 = Avx512F.LoadVector512(b0 + 2 * W); var o0 = Avx512F.LoadVector512(b0 + 3 * W);
                    for (int k = 0; k < rows; k++, w0 += 4 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        i0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), i0);
                        f0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), f0);
                        g0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), g0);
                        o0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 3 * W), o0);
                    }
                    LstmUnits512(i0, f0, g0, o0, c + b, h + b);
                }
            }
        }

        // Not inlined: σ and tanh inlined into the accumulating loop above would exceed the JIT's tracked locals and
        // spill every temporary to the stack (measured 3× slower).
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LstmUnits512(Vector512<float> i, Vector512<float> f, Vector512<float> g, Vector512<float> o, float* c, float* h)
        {
            var cell = Avx512F.FusedMultiplyAdd(FloatMath.Sigmoid(f), Avx512F.LoadVector512(c), FloatMath.Sigmoid(i) * FloatMath.Tanh(g));
            Avx512F.Store(c, cell);
            Avx512F.Store(h, FloatMath.Sigmoid(o) * FloatMath.Tanh(cell));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Gru256(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> hSpan)
        {
            const int W = 8;
            int rows = n + hidden, block = rows * 3 * W;
            fixed (float* p = packedSpan, v = vSpan, h = hSpan)
            {
                float* bias = p + (hidden / W) * block;
                int b = 0;
                for (; b + 2 * W <= hidden; b += 2 * W)
                {
                    float* w0 = p + (b / W) * block, w1 = w0 + block, b0 = bias + b * 4, b1 = b0 + 4 * W;
                    var r0 = Avx.LoadVector256(b0); var z0 = Avx.LoadVector256(b0 + W); var x0 = Avx.LoadVector256(b0 + 2 * W); var q0 = Avx.LoadVector256(b0 + 3 * W);
                    var r1 = Avx.LoadVector256(b1); var z1 = Avx.LoadVector256(b1 + W); var x1 = Avx.LoadVector256(b1 + 2 * W); var q1 = Avx.LoadVector256(b1 + 3 * W);
                    int k = 0;
                    for (; k < n; k++, w0 += 3 * W, w1 += 3 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        r0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), r0);
                        z0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), z0);
                        x0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), x0);
                        r1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1), r1);
                        z1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + W), z1);
                        x1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + 2 * W), x1);
                    }
                    for (; k < rows; k++, w0 += 3 * W, w1 += 3 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        r0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), r0);
                        z0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), z0);
                        q0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), q0);
                        r1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1), r1);
                        z1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + W), z1);
                        q1 = Fma.MultiplyAdd(s, Avx.LoadVector256(w1 + 2 * W), q1);
                    }
                    GruUnits256(r0, z0, x0, q0, v + n + b, h + b);
                    GruUnits256(r1, z1, x1, q1, v + n + b + W, h + b + W);
                }
                for (; b < hidden; b += W)
                {
                    float* w0 = p + (b / W) * block, b0 = bias + b * 4;
                    var r0 = Avx.LoadVector256(b0); var z0 = Avx.LoadVector256(b0 + W); var x0 = Avx.LoadVector256(b0 + 2 * W); var q0 = Avx.LoadVector256(b0 + 3 * W);
                    for (int k = 0; k < rows; k++, w0 += 3 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        r0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), r0);
                        z0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), z0);
                        if (k < n) x0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), x0);
                        else q0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), q0);
                    }
                    GruUnits256(r0, z0, x0, q0, v + n + b, h + b);
                }
            }
        }

        /// <summary>n = tanh(x_n + r⊙h_n); h = (1 − z)⊙n + z⊙h_prev = n + z⊙(h_prev − n).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void GruUnits256(Vector256<float> r, Vector256<float> z, Vector256<float> xn, Vector256<float> hn, float* hPrev, float* h)
        {
            var nn = FloatMath.Tanh(Fma.MultiplyAdd(FloatMath.Sigmoid(r), hn, xn));
            Avx.Store(h, Fma.MultiplyAdd(FloatMath.Sigmoid(z), Avx.LoadVector256(hPrev) - nn, nn));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Gru512(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> hSpan)
        {
            const int W = 16;
            int rows = n + hidden, block = rows * 3 * W;
            fixed (float* p = packedSpan, v = vSpan, h = hSpan)
            {
                float* bias = p + (hidden / W) * block;
                int b = 0;
                for (; b + 2 * W <= hidden; b += 2 * W)
                {
                    float* w0 = p + (b / W) * block, w1 = w0 + block, b0 = bias + b * 4, b1 = b0 + 4 * W;
                    var r0 = Avx512F.LoadVector512(b0); var z0 = Avx512F.LoadVector512(b0 + W); var x0 = Avx512F.LoadVector512(b0 + 2 * W); var q0 = Avx512F.LoadVector512(b0 + 3 * W);
                    var r1 = Avx512F.LoadVector512(b1); var z1 = Avx512F.LoadVector512(b1 + W); var x1 = Avx512F.LoadVector512(b1 + 2 * W); var q1 = Avx512F.LoadVector512(b1 + 3 * W);
                    int k = 0;
                    for (; k < n; k++, w0 += 3 * W, w1 += 3 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        r0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), r0);
                        z0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), z0);
                        x0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), x0);
                        r1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1), r1);
                        z1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + W), z1);
                        x1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + 2 * W), x1);
                    }
                    for (; k < rows; k++, w0 += 3 * W, w1 += 3 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        r0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), r0);
                        z0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), z0);
                        q0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), q0);
                        r1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1), r1);
                        z1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + W), z1);
                        q1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w1 + 2 * W), q1);
                    }
                    GruUnits512(r0, z0, x0, q0, v + n + b, h + b);
                    GruUnits512(r1, z1, x1, q1, v + n + b + W, h + b + W);
                }
                for (; b < hidden; b += W)
                {
                    float* w0 = p + (b / W) * block, b0 = bias + b * 4;
                    var r0 = Avx512F.LoadVector512(b0); var z0 = Avx512F.LoadVector512(b0 + W); var x0 = Avx512F.LoadVector512(b0 + 2 * W); var q0 = Avx512F.LoadVector512(b0 + 3 * W);
                    for (int k = 0; k < rows; k++, w0 += 3 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        r0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), r0);
                        z0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), z0);
                        if (k < n) x0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), x0);
                        else q0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), q0);
                    }
                    GruUnits512(r0, z0, x0, q0, v + n + b, h + b);
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void GruUnits512(Vector512<float> r, Vector512<float> z, Vector512<float> xn, Vector512<float> hn, float* hPrev, float* h)
        {
            var nn = FloatMath.Tanh(Avx512F.FusedMultiplyAdd(FloatMath.Sigmoid(r), hn, xn));
            Avx512F.Store(h, Avx512F.FusedMultiplyAdd(FloatMath.Sigmoid(z), Avx512F.LoadVector512(hPrev) - nn, nn));
        }
    }
}
