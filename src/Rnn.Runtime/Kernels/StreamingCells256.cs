using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// The AVX2 + FMA streaming steps: blocks of 8 units, groups of two blocks, one sum per gate (eight accumulators: with
    /// sixteen registers, partial sums would spill).
    /// </summary>
    internal static partial class StreamingCells
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Lstm256(float* p, float* x, int n, int hidden, float* c, float* h, float* hNew)
        {
            const int W = 8;
            float* w = p, bias = p + 4 * (n + hidden) * hidden;
            int b = 0;
            for (; b + 2 * W <= hidden; b += 2 * W) w = LstmGroup256<TwoBlocks>(w, bias + 4 * b, x, n, h, hidden, c + b, hNew + b);
            if (b < hidden) LstmGroup256<OneBlock>(w, bias + 4 * b, x, n, h, hidden, c + b, hNew + b);
        }

        /// <summary>One group of an LSTM step (see <see cref="LstmGroup512{TGroup}"/>), one sum per gate.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe float* LstmGroup256<TGroup>(float* w, float* bias, float* x, int n, float* h, int hidden, float* c, float* hNew)
            where TGroup : struct, IGroup
        {
            const int W = 8;
            int row = TGroup.Two ? 8 * W : 4 * W;
            Vector256<float> ia = Load256(bias), fa = Load256(bias + W), ga = Load256(bias + 2 * W), oa = Load256(bias + 3 * W);
            Vector256<float> ib = default, fb = default, gb = default, ob = default;
            if (TGroup.Two)
            {
                ib = Load256(bias + 4 * W); fb = Load256(bias + 5 * W); gb = Load256(bias + 6 * W); ob = Load256(bias + 7 * W);
            }

            float* v = x;
            int count = n;
            for (int part = 0; part < 2; part++, v = h, count = hidden)
            {
                for (int k = 0; k < count; k++, w += row)
                {
                    var s = Vector256.Create(v[k]);
                    ia = Acc(s, w, ia); fa = Acc(s, w + W, fa); ga = Acc(s, w + 2 * W, ga); oa = Acc(s, w + 3 * W, oa);
                    if (TGroup.Two) { ib = Acc(s, w + 4 * W, ib); fb = Acc(s, w + 5 * W, fb); gb = Acc(s, w + 6 * W, gb); ob = Acc(s, w + 7 * W, ob); }
                }
            }

            LstmUpdate256(ia, fa, ga, oa, c, hNew);
            if (TGroup.Two) LstmUpdate256(ib, fb, gb, ob, c + W, hNew + W);
            return w;
        }

        /// <summary>c ← σ(f)⊙c + σ(i)⊙tanh(g), h ← σ(o)⊙tanh(c) for one block, from sums whose sigmoid gates are halved.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void LstmUpdate256(Vector256<float> i, Vector256<float> f, Vector256<float> g, Vector256<float> o, float* c, float* hNew)
        {
            var cell = Fma.MultiplyAdd(FloatMath.GateSigmoidOfHalf(f), Load256(c), Avx.Multiply(FloatMath.GateSigmoidOfHalf(i), FloatMath.Tanh(g)));
            Avx.Store(c, cell);
            Avx.Store(hNew, Avx.Multiply(FloatMath.GateSigmoidOfHalf(o), FloatMath.Tanh(cell)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Gru256(float* p, float* x, int n, int hidden, float* h, float* hNew)
        {
            const int W = 8;
            float* w = p, bias = p + 3 * (n + hidden) * hidden;
            int b = 0;
            for (; b + 2 * W <= hidden; b += 2 * W) w = GruGroup256<TwoBlocks>(w, bias + 4 * b, x, n, h, hidden, b, hNew + b);
            if (b < hidden) GruGroup256<OneBlock>(w, bias + 4 * b, x, n, h, hidden, b, hNew + b);
        }

        /// <summary>One group of a GRU step (see <see cref="GruGroup512{TGroup}"/>), one sum per gate.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe float* GruGroup256<TGroup>(float* w, float* bias, float* x, int n, float* h, int hidden, int b, float* hNew)
            where TGroup : struct, IGroup
        {
            const int W = 8;
            int row = TGroup.Two ? 6 * W : 3 * W;
            Vector256<float> ra = Load256(bias), za = Load256(bias + W), xa = Load256(bias + 2 * W), ha = Load256(bias + 3 * W);
            Vector256<float> rb = default, zb = default, xb = default, hb = default;
            if (TGroup.Two)
            {
                rb = Load256(bias + 4 * W); zb = Load256(bias + 5 * W); xb = Load256(bias + 6 * W); hb = Load256(bias + 7 * W);
            }

            for (int k = 0; k < n; k++, w += row)
            {
                var s = Vector256.Create(x[k]);
                ra = Acc(s, w, ra); za = Acc(s, w + W, za); xa = Acc(s, w + 2 * W, xa);
                if (TGroup.Two) { rb = Acc(s, w + 3 * W, rb); zb = Acc(s, w + 4 * W, zb); xb = Acc(s, w + 5 * W, xb); }
            }
            for (int k = 0; k < hidden; k++, w += row)
            {
                var s = Vector256.Create(h[k]);
                ra = Acc(s, w, ra); za = Acc(s, w + W, za); ha = Acc(s, w + 2 * W, ha);
                if (TGroup.Two) { rb = Acc(s, w + 3 * W, rb); zb = Acc(s, w + 4 * W, zb); hb = Acc(s, w + 5 * W, hb); }
            }

            GruUpdate256(ra, za, xa, ha, h + b, hNew);
            if (TGroup.Two) GruUpdate256(rb, zb, xb, hb, h + b + W, hNew + W);
            return w;
        }

        /// <summary>n = tanh(x_n + σ(r)⊙h_n); h = n + σ(z)⊙(h_prev − n), r and z halved.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void GruUpdate256(Vector256<float> r, Vector256<float> z, Vector256<float> xn, Vector256<float> hn, float* hPrev, float* hNew)
        {
            var nn = FloatMath.Tanh(Fma.MultiplyAdd(FloatMath.GateSigmoidOfHalf(r), hn, xn));
            Avx.Store(hNew, Fma.MultiplyAdd(FloatMath.GateSigmoidOfHalf(z), Avx.Subtract(Load256(hPrev), nn), nn));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<float> Load256(float* p) => Avx.LoadVector256(p);

        /// <summary>acc + s · w[0 … 7].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<float> Acc(Vector256<float> s, float* w, Vector256<float> acc) =>
            Fma.MultiplyAdd(s, Avx.LoadVector256(w), acc);
    }
}
