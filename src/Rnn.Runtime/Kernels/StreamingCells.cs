using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// One streaming step (batch 1) of an LSTM or GRU layer for float in one pass: the gate sums over x and h and the cell
    /// update, group by group of units, the accumulators never leaving the registers.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Layout (<see cref="PackLstm"/>, <see cref="PackGru"/>): the units go in groups of two blocks of <see cref="Width"/>
    /// (a last group of one block when H is an odd number of blocks). A group's weights are one contiguous run, row after
    /// row (k = 0 … n + H − 1, x's rows first), each row the gate vectors of its first block then of its second
    /// (LSTM i f g o, GRU r z n, where n holds W_in for x's rows and W_hn for h's). The biases follow all the weights, per
    /// group and block: LSTM b_ih + b_hh per gate, GRU b_ir + b_hr, b_iz + b_hz, b_in, b_hn. The sigmoid gates' weights and
    /// biases (LSTM i f o, GRU r z) are stored times ½ — exact in float — because σ(s) = ½·tanh(s/2) + ½ then needs no
    /// multiplication on the step's critical path (<see cref="FloatMath.GateSigmoidOfHalf(System.Runtime.Intrinsics.Vector512{float})"/>).
    /// </para>
    /// <para>
    /// With AVX-512 every gate has two partial sums (even and odd rows: sixteen accumulators for a group), which halves the
    /// chain of dependent FMAs; the activations of a group run while the next group's sums are in flight. AVX2 has sixteen
    /// registers, so there each gate has one sum. <see cref="ReferenceLstm"/> and <see cref="ReferenceGru"/> are the naive
    /// kernels on PyTorch's own layout (scalar, double accumulation); tests compare the fused kernels with them.
    /// </para>
    /// </remarks>
    internal static partial class StreamingCells
    {
        /// <summary>Units per block: 16 with AVX-512, 8 with AVX2 + FMA, 0 when neither (or SIMD is off).</summary>
        public static int Width
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => !KernelOptions.UseSimd ? 0 : Avx512F.IsSupported ? 16 : Avx2.IsSupported && Fma.IsSupported ? 8 : 0;
        }

        /// <summary>Whether the fused step applies to a layer of <paramref name="hidden"/> units (a whole number of blocks).</summary>
        public static bool Applies(int hidden)
        {
            int w = Width;
            return w != 0 && (hidden & (w - 1)) == 0;
        }

        /// <summary>Floats of the packed LSTM weights and biases for input n, hidden h.</summary>
        public static int LstmSize(int n, int h) => 4 * h * (n + h + 1);

        /// <summary>Floats of the packed GRU weights and biases for input n, hidden h.</summary>
        public static int GruSize(int n, int h) => 3 * h * (n + h) + 4 * h;

        /// <summary>Packs PyTorch's LSTM tensors (W_ih [4H, n], W_hh [4H, H], b_ih, b_hh [4H]) for <see cref="Lstm"/>.</summary>
        public static void PackLstm(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh,
            int n, int h, Span<float> packed)
        {
            int w = Width, o = PackWeights(wih, whh, n, h, 4, packed);
            for (int b = 0; b < h; b += w)
                for (int gate = 0; gate < 4; gate++)
                    for (int u = 0; u < w; u++) packed[o++] = SigmoidGateScale(gate) * (bih[gate * h + b + u] + bhh[gate * h + b + u]);
        }

        /// <summary>Packs PyTorch's GRU tensors (W_ih [3H, n], W_hh [3H, H], b_ih, b_hh [3H]) for <see cref="Gru"/>.</summary>
        public static void PackGru(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh,
            int n, int h, Span<float> packed)
        {
            int w = Width, o = PackWeights(wih, whh, n, h, 3, packed);
            for (int b = 0; b < h; b += w)
            {
                for (int u = 0; u < w; u++) packed[o++] = 0.5f * (bih[b + u] + bhh[b + u]);
                for (int u = 0; u < w; u++) packed[o++] = 0.5f * (bih[h + b + u] + bhh[h + b + u]);
                for (int u = 0; u < w; u++) packed[o++] = bih[2 * h + b + u];
                for (int u = 0; u < w; u++) packed[o++] = bhh[2 * h + b + u];
            }
        }

        /// <summary>
        /// LSTM step: gates = W [x; h] + b, i f o = σ, g = tanh, c ← f⊙c + i⊙g, h ← o⊙tanh(c). Reads x [n] and h [H], updates
        /// c [H] and h [H] in place (x is neither); scratch holds at least H floats.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Lstm(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, int n, int hidden,
            Span<float> c, Span<float> h, Span<float> scratch)
        {
            fixed (float* p = packed, px = x, pc = c, ph = h, s = scratch)
            {
                float* hNew = OneGroup(hidden) ? ph : s;
                if (Avx512F.IsSupported) Lstm512(p, px, n, hidden, pc, ph, hNew);
                else Lstm256(p, px, n, hidden, pc, ph, hNew);
                if (hNew != ph) CopyOut(hNew, ph, hidden);
            }
        }

        /// <summary>
        /// GRU step: r = σ(·), z = σ(·), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h ← (1 − z)⊙n + z⊙h. Reads x [n] and
        /// h [H], updates h in place (x is not h); scratch holds at least H floats.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Gru(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, int n, int hidden,
            Span<float> h, Span<float> scratch)
        {
            fixed (float* p = packed, px = x, ph = h, s = scratch)
            {
                float* hNew = OneGroup(hidden) ? ph : s;
                if (Avx512F.IsSupported) Gru512(p, px, n, hidden, ph, hNew);
                else Gru256(p, px, n, hidden, ph, hNew);
                if (hNew != ph) CopyOut(hNew, ph, hidden);
            }
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

        /// <summary>Units in the group that starts at unit <paramref name="b"/>: two blocks, or one when only one is left.</summary>
        private static int GroupUnits(int b, int h, int w) => h - b >= 2 * w ? 2 * w : w;

        /// <summary>
        /// Writes the weights of every group for <paramref name="gates"/> gates (LSTM i f g o, GRU r z n): per group the
        /// rows k = 0 … n + H − 1 (W_ih for k &lt; n, W_hh after), each row the gate vectors of its blocks, the sigmoid gates
        /// times ½. Returns the number of floats written (where the biases start).
        /// </summary>
        private static int PackWeights(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, int n, int h, int gates, Span<float> packed)
        {
            int w = Width, rows = n + h, o = 0;
            for (int b = 0; b < h; b += GroupUnits(b, h, w))
            {
                int blocks = GroupUnits(b, h, w) / w;
                for (int k = 0; k < rows; k++)
                    for (int block = 0; block < blocks; block++)
                        for (int gate = 0; gate < gates; gate++)
                            for (int u = 0; u < w; u++)
                            {
                                int j = gate * h + b + block * w + u;
                                packed[o++] = SigmoidGateScale(gate) * (k < n ? wih[j * n + k] : whh[j * h + (k - n)]);
                            }
            }
            return o;
        }

        /// <summary>The packing factor of gate <paramref name="gate"/>: 1 for the tanh gate (LSTM g, GRU n, both third), ½ for the sigmoid gates.</summary>
        private static float SigmoidGateScale(int gate) => gate == 2 ? 1f : 0.5f;

        /// <summary>
        /// Whether the units form one group: it reads all of h (in its sums) before it writes any, so it can write the new h
        /// in place; with several groups the later ones still read the old h, and the new one waits in scratch.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool OneGroup(int hidden) => hidden <= 2 * Width;

        /// <summary>The new h from scratch to the state, a block at a time (whole aligned vectors: later loads forward from them).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void CopyOut(float* hNew, float* h, int hidden)
        {
            if (Avx512F.IsSupported)
            {
                for (int k = 0; k < hidden; k += 16) Avx512F.Store(h + k, Avx512F.LoadVector512(hNew + k));
                return;
            }
            for (int k = 0; k < hidden; k += 8) Avx.Store(h + k, Avx.LoadVector256(hNew + k));
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

        /// <summary>The shape of a group, as a type so that the JIT compiles one kernel per shape without a branch per row.</summary>
        private interface IGroup
        {
            /// <summary>Whether the group has a second block.</summary>
            static abstract bool Two { get; }
        }

        /// <summary>A group of one block (the last one when H is an odd number of blocks).</summary>
        private struct OneBlock : IGroup
        {
            public static bool Two => false;
        }

        /// <summary>A group of two blocks.</summary>
        private struct TwoBlocks : IGroup
        {
            public static bool Two => true;
        }
    }
}
