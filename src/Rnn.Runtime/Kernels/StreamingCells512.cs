using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>The AVX-512 streaming steps: blocks of 16 units, groups of two blocks, two partial sums per gate.</summary>
    internal static partial class StreamingCells
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Lstm512(float* p, float* x, int n, int hidden, float* c, float* h, float* hNew)
        {
            const int W = 16;
            float* w = p, bias = p + 4 * (n + hidden) * hidden;
            int b = 0;
            for (; b + 2 * W <= hidden; b += 2 * W) w = LstmGroup512<TwoBlocks>(w, bias + 4 * b, x, n, h, hidden, c + b, hNew + b);
            if (b < hidden) LstmGroup512<OneBlock>(w, bias + 4 * b, x, n, h, hidden, c + b, hNew + b);
        }

        /// <summary>
        /// One group of an LSTM step: sums over the group's rows (block a, and block b for <see cref="TwoBlocks"/>; partial 0
        /// from the halved biases over even rows, partial 1 over odd rows), then c and the new h of its units. Returns the
        /// next group's weights.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe float* LstmGroup512<TGroup>(float* w, float* bias, float* x, int n, float* h, int hidden, float* c, float* hNew)
            where TGroup : struct, IGroup
        {
            const int W = 16;
            int row = TGroup.Two ? 8 * W : 4 * W;
            Vector512<float> ia0 = Load512(bias), fa0 = Load512(bias + W), ga0 = Load512(bias + 2 * W), oa0 = Load512(bias + 3 * W);
            Vector512<float> ia1 = default, fa1 = default, ga1 = default, oa1 = default;
            Vector512<float> ib0 = default, fb0 = default, gb0 = default, ob0 = default;
            Vector512<float> ib1 = default, fb1 = default, gb1 = default, ob1 = default;
            if (TGroup.Two)
            {
                ib0 = Load512(bias + 4 * W); fb0 = Load512(bias + 5 * W); gb0 = Load512(bias + 6 * W); ob0 = Load512(bias + 7 * W);
            }

            // x's rows, then h's: rows k (partial 0) and k + 1 (partial 1) together; an odd last x row goes to partial 1.
            // (Pointer loops: half the scalar bookkeeping of index loops, in a step the out-of-order window cannot hold whole.)
            float* v = x, end = x + (n & ~1);
            for (int part = 0; part < 2; part++, v = h, end = h + hidden)
            {
                for (; v < end; v += 2, w += 2 * row)
                {
                    var s = Vector512.Create(v[0]);
                    ia0 = Acc(s, w, ia0); fa0 = Acc(s, w + W, fa0); ga0 = Acc(s, w + 2 * W, ga0); oa0 = Acc(s, w + 3 * W, oa0);
                    if (TGroup.Two) { ib0 = Acc(s, w + 4 * W, ib0); fb0 = Acc(s, w + 5 * W, fb0); gb0 = Acc(s, w + 6 * W, gb0); ob0 = Acc(s, w + 7 * W, ob0); }
                    var t = Vector512.Create(v[1]);
                    float* u = w + row;
                    ia1 = Acc(t, u, ia1); fa1 = Acc(t, u + W, fa1); ga1 = Acc(t, u + 2 * W, ga1); oa1 = Acc(t, u + 3 * W, oa1);
                    if (TGroup.Two) { ib1 = Acc(t, u + 4 * W, ib1); fb1 = Acc(t, u + 5 * W, fb1); gb1 = Acc(t, u + 6 * W, gb1); ob1 = Acc(t, u + 7 * W, ob1); }
                }
                if (part == 0 && (n & 1) != 0)
                {
                    var t = Vector512.Create(x[n - 1]);
                    ia1 = Acc(t, w, ia1); fa1 = Acc(t, w + W, fa1); ga1 = Acc(t, w + 2 * W, ga1); oa1 = Acc(t, w + 3 * W, oa1);
                    if (TGroup.Two) { ib1 = Acc(t, w + 4 * W, ib1); fb1 = Acc(t, w + 5 * W, fb1); gb1 = Acc(t, w + 6 * W, gb1); ob1 = Acc(t, w + 7 * W, ob1); }
                    w += row;
                }
            }

            LstmUpdate512(ia0 + ia1, fa0 + fa1, ga0 + ga1, oa0 + oa1, c, hNew);
            if (TGroup.Two) LstmUpdate512(ib0 + ib1, fb0 + fb1, gb0 + gb1, ob0 + ob1, c + W, hNew + W);
            return w;
        }

        /// <summary>c ← σ(f)⊙c + σ(i)⊙tanh(g), h ← σ(o)⊙tanh(c) for one block, from sums whose sigmoid gates are halved.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void LstmUpdate512(Vector512<float> i, Vector512<float> f, Vector512<float> g, Vector512<float> o, float* c, float* hNew)
        {
            var cell = Avx512F.FusedMultiplyAdd(FloatMath.GateSigmoidOfHalf(f), Load512(c), FloatMath.GateSigmoidOfHalf(i) * FloatMath.Tanh(g));
            Avx512F.Store(c, cell);
            Avx512F.Store(hNew, FloatMath.GateSigmoidOfHalf(o) * FloatMath.Tanh(cell));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Gru512(float* p, float* x, int n, int hidden, float* h, float* hNew)
        {
            const int W = 16;
            float* w = p, bias = p + 3 * (n + hidden) * hidden;
            int b = 0;
            for (; b + 2 * W <= hidden; b += 2 * W) w = GruGroup512<TwoBlocks>(w, bias + 4 * b, x, n, h, hidden, b, hNew + b);
            if (b < hidden) GruGroup512<OneBlock>(w, bias + 4 * b, x, n, h, hidden, b, hNew + b);
        }

        /// <summary>
        /// One group of a GRU step: r and z sum over every row, x_n over x's rows and h_n over h's (each in two partial sums,
        /// starting from the biases), then the new h of the group's units (from unit <paramref name="b"/>). Returns the next
        /// group's weights.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe float* GruGroup512<TGroup>(float* w, float* bias, float* x, int n, float* h, int hidden, int b, float* hNew)
            where TGroup : struct, IGroup
        {
            const int W = 16;
            int row = TGroup.Two ? 6 * W : 3 * W;
            Vector512<float> ra0 = Load512(bias), za0 = Load512(bias + W), xa0 = Load512(bias + 2 * W), ha0 = Load512(bias + 3 * W);
            Vector512<float> ra1 = default, za1 = default, xa1 = default, ha1 = default;
            Vector512<float> rb0 = default, zb0 = default, xb0 = default, hb0 = default;
            Vector512<float> rb1 = default, zb1 = default, xb1 = default, hb1 = default;
            if (TGroup.Two)
            {
                rb0 = Load512(bias + 4 * W); zb0 = Load512(bias + 5 * W); xb0 = Load512(bias + 6 * W); hb0 = Load512(bias + 7 * W);
            }

            int k = 0;
            for (; k + 2 <= n; k += 2, w += 2 * row)
            {
                var s = Vector512.Create(x[k]);
                ra0 = Acc(s, w, ra0); za0 = Acc(s, w + W, za0); xa0 = Acc(s, w + 2 * W, xa0);
                if (TGroup.Two) { rb0 = Acc(s, w + 3 * W, rb0); zb0 = Acc(s, w + 4 * W, zb0); xb0 = Acc(s, w + 5 * W, xb0); }
                var t = Vector512.Create(x[k + 1]);
                float* u = w + row;
                ra1 = Acc(t, u, ra1); za1 = Acc(t, u + W, za1); xa1 = Acc(t, u + 2 * W, xa1);
                if (TGroup.Two) { rb1 = Acc(t, u + 3 * W, rb1); zb1 = Acc(t, u + 4 * W, zb1); xb1 = Acc(t, u + 5 * W, xb1); }
            }
            if (k < n)
            {
                var t = Vector512.Create(x[k]);
                ra1 = Acc(t, w, ra1); za1 = Acc(t, w + W, za1); xa1 = Acc(t, w + 2 * W, xa1);
                if (TGroup.Two) { rb1 = Acc(t, w + 3 * W, rb1); zb1 = Acc(t, w + 4 * W, zb1); xb1 = Acc(t, w + 5 * W, xb1); }
                w += row;
            }
            for (float* v = h, end = h + hidden; v < end; v += 2, w += 2 * row)
            {
                var s = Vector512.Create(v[0]);
                ra0 = Acc(s, w, ra0); za0 = Acc(s, w + W, za0); ha0 = Acc(s, w + 2 * W, ha0);
                if (TGroup.Two) { rb0 = Acc(s, w + 3 * W, rb0); zb0 = Acc(s, w + 4 * W, zb0); hb0 = Acc(s, w + 5 * W, hb0); }
                var t = Vector512.Create(v[1]);
                float* u = w + row;
                ra1 = Acc(t, u, ra1); za1 = Acc(t, u + W, za1); ha1 = Acc(t, u + 2 * W, ha1);
                if (TGroup.Two) { rb1 = Acc(t, u + 3 * W, rb1); zb1 = Acc(t, u + 4 * W, zb1); hb1 = Acc(t, u + 5 * W, hb1); }
            }

            GruUpdate512(ra0 + ra1, za0 + za1, xa0 + xa1, ha0 + ha1, h + b, hNew);
            if (TGroup.Two) GruUpdate512(rb0 + rb1, zb0 + zb1, xb0 + xb1, hb0 + hb1, h + b + W, hNew + W);
            return w;
        }

        /// <summary>n = tanh(x_n + σ(r)⊙h_n); h = (1 − σ(z))⊙n + σ(z)⊙h_prev = n + σ(z)⊙(h_prev − n), r and z halved.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void GruUpdate512(Vector512<float> r, Vector512<float> z, Vector512<float> xn, Vector512<float> hn, float* hPrev, float* hNew)
        {
            var nn = FloatMath.Tanh(Avx512F.FusedMultiplyAdd(FloatMath.GateSigmoidOfHalf(r), hn, xn));
            Avx512F.Store(hNew, Avx512F.FusedMultiplyAdd(FloatMath.GateSigmoidOfHalf(z), Load512(hPrev) - nn, nn));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<float> Load512(float* p) => Avx512F.LoadVector512(p);

        /// <summary>acc + s · w[0 … 15].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<float> Acc(Vector512<float> s, float* w, Vector512<float> acc) =>
            Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(w), acc);
    }
}
