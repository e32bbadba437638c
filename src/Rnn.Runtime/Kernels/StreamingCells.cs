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
    /// Two blocks go together (eight accumulators: enough independent FMAs to hide their latency); the sums go to a
    /// scratch block, and the activations and the cell update follow in loops whose iterations do not depend on each other.
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
        /// v is [x; h_prev] (n + H, a copy: h is overwritten), c [H] in place, h [H] out, scratch at least 4H floats.
        /// </summary>
        public static void Lstm(ReadOnlySpan<float> packed, ReadOnlySpan<float> v, int n, int hidden, Span<float> c, Span<float> h, Span<float> scratch)
        {
            if (Avx512F.IsSupported) Lstm512(packed, v, n, hidden, c, h, scratch);
            else Lstm256(packed, v, n, hidden, c, h, scratch);
        }

        /// <summary>
        /// GRU step: r = σ(·), z = σ(·), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h ← (1 − z)⊙n + z⊙h.
        /// v is [x; h_prev] (n + H, a copy: h is overwritten), h [H] out, scratch at least 4H floats.
        /// </summary>
        public static void Gru(ReadOnlySpan<float> packed, ReadOnlySpan<float> v, int n, int hidden, Span<float> h, Span<float> scratch)
        {
            if (Avx512F.IsSupported) Gru512(packed, v, n, hidden, h, scratch);
            else Gru256(packed, v, n, hidden, h, scratch);
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

        // ── AVX2 + FMA (8 units a block) ──
        // The gate sums of all blocks go to scratch first ([i f g o] or [r z x_n h_n], W units each); then the
        // activations run over all of them in one loop whose iterations are independent, then the cell update. Doing
        // the activations right after each block's sums leaves every σ/tanh chain waiting on the one before (measured
        // 1.3× slower on AVX2).

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Lstm256(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> cSpan, Span<float> hSpan, Span<float> scratch)
        {
            const int W = 8;
            int rows = n + hidden, block = rows * 4 * W;
            fixed (float* p = packedSpan, v = vSpan, c = cSpan, h = hSpan, sums = scratch)
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
                    float* s0 = sums + 4 * b;
                    Avx.Store(s0, i0); Avx.Store(s0 + W, f0); Avx.Store(s0 + 2 * W, g0); Avx.Store(s0 + 3 * W, o0);
                    Avx.Store(s0 + 4 * W, i1); Avx.Store(s0 + 5 * W, f1); Avx.Store(s0 + 6 * W, g1); Avx.Store(s0 + 7 * W, o1);
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
                    float* s0 = sums + 4 * b;
                    Avx.Store(s0, i0); Avx.Store(s0 + W, f0); Avx.Store(s0 + 2 * W, g0); Avx.Store(s0 + 3 * W, o0);
                }
                LstmActivate256(sums, hidden);
                LstmUpdate256(sums, c, h, hidden);
            }
        }

        /// <summary>i f o = σ, g = tanh, in place over every block's [i f g o].</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LstmActivate256(float* s, int hidden)
        {
            const int W = 8;
            for (float* end = s + 4 * hidden; s < end; s += 4 * W)
            {
                Avx.Store(s, FloatMath.GateSigmoid(Avx.LoadVector256(s)));
                Avx.Store(s + W, FloatMath.GateSigmoid(Avx.LoadVector256(s + W)));
                Avx.Store(s + 2 * W, FloatMath.Tanh(Avx.LoadVector256(s + 2 * W)));
                Avx.Store(s + 3 * W, FloatMath.GateSigmoid(Avx.LoadVector256(s + 3 * W)));
            }
        }

        /// <summary>c ← f⊙c + i⊙g, h ← o⊙tanh(c) from the activated gates.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LstmUpdate256(float* s, float* c, float* h, int hidden)
        {
            const int W = 8;
            for (int b = 0; b < hidden; b += W, s += 4 * W)
            {
                var cell = Fma.MultiplyAdd(Avx.LoadVector256(s + W), Avx.LoadVector256(c + b), Avx.LoadVector256(s) * Avx.LoadVector256(s + 2 * W));
                Avx.Store(c + b, cell);
                Avx.Store(h + b, Avx.LoadVector256(s + 3 * W) * FloatMath.Tanh(cell));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Gru256(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> hSpan, Span<float> scratch)
        {
            const int W = 8;
            int rows = n + hidden, block = rows * 3 * W;
            fixed (float* p = packedSpan, v = vSpan, h = hSpan, sums = scratch)
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
                    float* s0 = sums + 4 * b;
                    Avx.Store(s0, r0); Avx.Store(s0 + W, z0); Avx.Store(s0 + 2 * W, x0); Avx.Store(s0 + 3 * W, q0);
                    Avx.Store(s0 + 4 * W, r1); Avx.Store(s0 + 5 * W, z1); Avx.Store(s0 + 6 * W, x1); Avx.Store(s0 + 7 * W, q1);
                }
                for (; b < hidden; b += W)
                {
                    float* w0 = p + (b / W) * block, b0 = bias + b * 4;
                    var r0 = Avx.LoadVector256(b0); var z0 = Avx.LoadVector256(b0 + W); var x0 = Avx.LoadVector256(b0 + 2 * W); var q0 = Avx.LoadVector256(b0 + 3 * W);
                    int k = 0;
                    for (; k < n; k++, w0 += 3 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        r0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), r0);
                        z0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), z0);
                        x0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), x0);
                    }
                    for (; k < rows; k++, w0 += 3 * W)
                    {
                        var s = Vector256.Create(v[k]);
                        r0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0), r0);
                        z0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + W), z0);
                        q0 = Fma.MultiplyAdd(s, Avx.LoadVector256(w0 + 2 * W), q0);
                    }
                    float* s0 = sums + 4 * b;
                    Avx.Store(s0, r0); Avx.Store(s0 + W, z0); Avx.Store(s0 + 2 * W, x0); Avx.Store(s0 + 3 * W, q0);
                }
                GruUpdate256(sums, v + n, h, hidden);
            }
        }

        /// <summary>n = tanh(x_n + σ(r)⊙h_n); h = (1 − z)⊙n + z⊙h_prev = n + σ(z)⊙(h_prev − n).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void GruUpdate256(float* s, float* hPrev, float* h, int hidden)
        {
            const int W = 8;
            for (int b = 0; b < hidden; b += W, s += 4 * W)
            {
                var nn = FloatMath.Tanh(Fma.MultiplyAdd(FloatMath.GateSigmoid(Avx.LoadVector256(s)), Avx.LoadVector256(s + 3 * W), Avx.LoadVector256(s + 2 * W)));
                Avx.Store(h + b, Fma.MultiplyAdd(FloatMath.GateSigmoid(Avx.LoadVector256(s + W)), Avx.LoadVector256(hPrev + b) - nn, nn));
            }
        }

        // ── AVX-512 (16 units a block) ──
        // The gate sums of all blocks go to scratch first ([i f g o] or [r z x_n h_n], W units each); then the
        // activations run over all of them in one loop whose iterations are independent, then the cell update. Doing
        // the activations right after each block's sums leaves every σ/tanh chain waiting on the one before (measured
        // 1.3× slower on AVX2).

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Lstm512(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> cSpan, Span<float> hSpan, Span<float> scratch)
        {
            const int W = 16;
            int rows = n + hidden, block = rows * 4 * W;
            fixed (float* p = packedSpan, v = vSpan, c = cSpan, h = hSpan, sums = scratch)
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
                    float* s0 = sums + 4 * b;
                    Avx512F.Store(s0, i0); Avx512F.Store(s0 + W, f0); Avx512F.Store(s0 + 2 * W, g0); Avx512F.Store(s0 + 3 * W, o0);
                    Avx512F.Store(s0 + 4 * W, i1); Avx512F.Store(s0 + 5 * W, f1); Avx512F.Store(s0 + 6 * W, g1); Avx512F.Store(s0 + 7 * W, o1);
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
                    float* s0 = sums + 4 * b;
                    Avx512F.Store(s0, i0); Avx512F.Store(s0 + W, f0); Avx512F.Store(s0 + 2 * W, g0); Avx512F.Store(s0 + 3 * W, o0);
                }
                LstmActivate512(sums, hidden);
                LstmUpdate512(sums, c, h, hidden);
            }
        }

        /// <summary>i f o = σ, g = tanh, in place over every block's [i f g o].</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LstmActivate512(float* s, int hidden)
        {
            const int W = 16;
            for (float* end = s + 4 * hidden; s < end; s += 4 * W)
            {
                Avx512F.Store(s, FloatMath.GateSigmoid(Avx512F.LoadVector512(s)));
                Avx512F.Store(s + W, FloatMath.GateSigmoid(Avx512F.LoadVector512(s + W)));
                Avx512F.Store(s + 2 * W, FloatMath.Tanh(Avx512F.LoadVector512(s + 2 * W)));
                Avx512F.Store(s + 3 * W, FloatMath.GateSigmoid(Avx512F.LoadVector512(s + 3 * W)));
            }
        }

        /// <summary>c ← f⊙c + i⊙g, h ← o⊙tanh(c) from the activated gates.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LstmUpdate512(float* s, float* c, float* h, int hidden)
        {
            const int W = 16;
            for (int b = 0; b < hidden; b += W, s += 4 * W)
            {
                var cell = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(s + W), Avx512F.LoadVector512(c + b), Avx512F.LoadVector512(s) * Avx512F.LoadVector512(s + 2 * W));
                Avx512F.Store(c + b, cell);
                Avx512F.Store(h + b, Avx512F.LoadVector512(s + 3 * W) * FloatMath.Tanh(cell));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Gru512(ReadOnlySpan<float> packedSpan, ReadOnlySpan<float> vSpan, int n, int hidden, Span<float> hSpan, Span<float> scratch)
        {
            const int W = 16;
            int rows = n + hidden, block = rows * 3 * W;
            fixed (float* p = packedSpan, v = vSpan, h = hSpan, sums = scratch)
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
                    float* s0 = sums + 4 * b;
                    Avx512F.Store(s0, r0); Avx512F.Store(s0 + W, z0); Avx512F.Store(s0 + 2 * W, x0); Avx512F.Store(s0 + 3 * W, q0);
                    Avx512F.Store(s0 + 4 * W, r1); Avx512F.Store(s0 + 5 * W, z1); Avx512F.Store(s0 + 6 * W, x1); Avx512F.Store(s0 + 7 * W, q1);
                }
                for (; b < hidden; b += W)
                {
                    float* w0 = p + (b / W) * block, b0 = bias + b * 4;
                    var r0 = Avx512F.LoadVector512(b0); var z0 = Avx512F.LoadVector512(b0 + W); var x0 = Avx512F.LoadVector512(b0 + 2 * W); var q0 = Avx512F.LoadVector512(b0 + 3 * W);
                    int k = 0;
                    for (; k < n; k++, w0 += 3 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        r0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), r0);
                        z0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), z0);
                        x0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), x0);
                    }
                    for (; k < rows; k++, w0 += 3 * W)
                    {
                        var s = Vector512.Create(v[k]);
                        r0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0), r0);
                        z0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + W), z0);
                        q0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w0 + 2 * W), q0);
                    }
                    float* s0 = sums + 4 * b;
                    Avx512F.Store(s0, r0); Avx512F.Store(s0 + W, z0); Avx512F.Store(s0 + 2 * W, x0); Avx512F.Store(s0 + 3 * W, q0);
                }
                GruUpdate512(sums, v + n, h, hidden);
            }
        }

        /// <summary>n = tanh(x_n + σ(r)⊙h_n); h = (1 − z)⊙n + z⊙h_prev = n + σ(z)⊙(h_prev − n).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void GruUpdate512(float* s, float* hPrev, float* h, int hidden)
        {
            const int W = 16;
            for (int b = 0; b < hidden; b += W, s += 4 * W)
            {
                var nn = FloatMath.Tanh(Avx512F.FusedMultiplyAdd(FloatMath.GateSigmoid(Avx512F.LoadVector512(s)), Avx512F.LoadVector512(s + 3 * W), Avx512F.LoadVector512(s + 2 * W)));
                Avx512F.Store(h + b, Avx512F.FusedMultiplyAdd(FloatMath.GateSigmoid(Avx512F.LoadVector512(s + W)), Avx512F.LoadVector512(hPrev + b) - nn, nn));
            }
        }
    }
}
