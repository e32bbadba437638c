using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// Cache-blocked float GEMM in the GotoBLAS/BLIS style: for each block of <see cref="BlockK"/> values of p, B̂ is
    /// packed into zero-padded panels of NR columns (a plain copy when B̂'s rows are contiguous, a transpose for
    /// A·Bᵀ), then every MR × NR tile of C is computed by a register-blocked micro-kernel that streams one packed
    /// panel from L1 and broadcasts A from memory. A is read in place, also when it is transposed (Aᵀ·B: the MR
    /// values of one p are contiguous, rows of A are m floats apart): that measured 1.1–1.5× faster than packing it,
    /// except when A's row stride is a multiple of 4 KiB (m a multiple of 1024), where the kc rows a tile reads fall
    /// into a few cache sets (0.9×); only then is A packed into MR-row micro-panels.
    /// </summary>
    /// <remarks>
    /// Arithmetic (the same for every tiling, thread split and vector width): C(i, j) is computed block by block;
    /// block b (p in [256·b, 256·b + kc)) is one chain of fused multiply-adds over p in increasing order starting
    /// from zero, added to the current C(i, j) if b &gt; 0 or the call accumulates, stored otherwise. So with K ≤ 256 an
    /// element is one FMA chain (+ old C), with larger K the sum of 256-deep chains taken left to right.
    /// </remarks>
    internal static unsafe class GemmFloatPacked
    {
        /// <summary>Depth of one packed block (values of p).</summary>
        internal const int BlockK = 256;

        /// <summary>Rows of C computed against one packed panel before moving to the next panel.</summary>
        internal const int BlockM = 96;

        /// <summary>
        /// When B̂'s rows are contiguous (A·B, Aᵀ·B) and C has at most this many rows, full panels are read in place
        /// instead of packed: with few row tiles per panel the copy costs more than it saves.
        /// </summary>
        internal static int DirectMaxRows = 48;

        /// <summary>Packs a transposed A (Aᵀ·B) for every stride, not just multiples of 4 KiB (for tests).</summary>
        internal static bool AlwaysPackTransposedA;

        /// <summary>Computes the problem on the calling thread with micro-kernel <typeparamref name="TKernel"/>.</summary>
        [SkipLocalsInit]
        public static void Run<TKernel>(in GemmProblem p)
            where TKernel : struct, IFloatMicroKernel
        {
            int mr = TKernel.MR;
            int nr = TKernel.NR;
            int panels = (p.N + nr - 1) / nr;
            int maxKc = Math.Min(BlockK, p.K);
            float* packed = PackingBuffers.PackB(panels * nr * maxKc);
            float* edge = stackalloc float[8 * 32];
            // Only a transposed A (Aᵀ·B: RsA == 1) has CsA != 1.
            bool packA = p.CsA != 1 && (AlwaysPackTransposedA || p.CsA % 1024 == 0);
            nint panelA = (nint)mr * maxKc;
            float* packedA = packA ? PackingBuffers.PackA((int)(BlockM / mr * panelA)) : null;
            nint rsA = packA ? 1 : p.RsA;
            nint csA = packA ? mr : p.CsA;
            nint ldc = p.Ldc;
            bool direct = p.CsB == 1 && p.M <= DirectMaxRows;
            int fullPanels = p.N / nr;

            for (int pc = 0; pc < p.K; pc += BlockK)
            {
                int kc = Math.Min(BlockK, p.K - pc);
                bool add = p.Accumulate || pc > 0;
                for (int ic = 0; ic < p.M; ic += BlockM)
                {
                    int mc = Math.Min(BlockM, p.M - ic);
                    float* aBlock;
                    if (packA)
                    {
                        PackA(p.A + ic * p.RsA + pc * p.CsA, p.CsA, mc, kc, mr, packedA, panelA);
                        aBlock = packedA;
                    }
                    else
                    {
                        aBlock = p.A + ic * rsA + pc * csA;
                    }

                    float* cBlock = p.C + ic * ldc;
                    for (int jp = 0; jp < panels; jp++)
                    {
                        int j = jp * nr;
                        if (direct && mc <= 2 && jp + 4 <= fullPanels)
                        {
                            // One or two rows: eight accumulators across four panels keep both FMA pipes busy.
                            for (int r = 0; r < mc; r++)
                            {
                                TKernel.RowWide(aBlock + r * rsA, csA, p.B + pc * p.RsB + j, p.RsB, kc, cBlock + r * ldc + j, add);
                            }

                            jp += 3;
                            continue;
                        }

                        int width = Math.Min(nr, p.N - j);
                        float* panel = packed + (nint)jp * nr * kc;
                        nint ldb = nr;
                        if (direct && width == nr)
                        {
                            panel = p.B + pc * p.RsB + j;
                            ldb = p.RsB;
                        }
                        else if (ic == 0)
                        {
                            // Pack just in time, so the first row block finds the panel in L1; later blocks reuse it.
                            PackPanel(p, pc, kc, nr, j, width, panel);
                        }

                        nint tileA = packA ? panelA : mr * rsA;
                        PanelTiles<TKernel>(aBlock, rsA, csA, tileA, mc, panel, ldb, width, kc, cBlock + j, ldc, add, edge);
                    }
                }
            }
        }

        /// <summary>
        /// All row tiles of one panel: C[0..mc, 0..width) (+)= Â[0..mc, 0..kc) · panel, where row tile t of A starts
        /// at <c>aBlock + t·tileA</c> (in place: MR rows of stride rsA; packed: one micro-panel) and the panel holds kc
        /// rows of NR floats, <paramref name="ldb"/> apart. A partial panel (width &lt; NR, zero-padded) is computed
        /// into <paramref name="edge"/> (MR × NR floats) and its valid columns copied out.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void PanelTiles<TKernel>(
            float* aBlock, nint rsA, nint csA, nint tileA, int mc, float* panel, nint ldb, int width, int kc, float* cPanel, nint ldc, bool add, float* edge)
            where TKernel : struct, IFloatMicroKernel
        {
            int mr = TKernel.MR;
            int nr = TKernel.NR;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                float* aTile = aBlock + ir / mr * tileA;
                if (width == nr)
                {
                    TKernel.Tile(aTile, rsA, csA, panel, ldb, kc, cPanel + ir * ldc, ldc, add, rows);
                    continue;
                }

                if (add)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        new ReadOnlySpan<float>(cPanel + (ir + r) * ldc, width).CopyTo(new Span<float>(edge + r * nr, width));
                    }
                }

                TKernel.Tile(aTile, rsA, csA, panel, ldb, kc, edge, nr, add, rows);
                for (int r = 0; r < rows; r++)
                {
                    new ReadOnlySpan<float>(edge + r * nr, width).CopyTo(new Span<float>(cPanel + (ir + r) * ldc, width));
                }
            }
        }

        /// <summary>
        /// Packs a transposed Â[0..mc, 0..kc) (element (i, p) at <c>a[i + p·csA]</c>) into micro-panels of
        /// <paramref name="mr"/> rows, <paramref name="panelStride"/> floats apart: panel t holds, for each p, the mr
        /// values Â(t·mr + r, p) contiguously (a partial last panel keeps stride mr). A is walked row by row, each
        /// source row read once and sequentially, the mr-float pieces dropped into the panels with vector copies.
        /// </summary>
        private static void PackA(float* a, nint csA, int mc, int kc, int mr, float* dst, nint panelStride)
        {
            int full = mc / mr;
            int tail = mc - full * mr;
            for (int q = 0; q < kc; q++)
            {
                float* s = a + q * csA;
                float* d = dst + q * mr;
                if (mr == 8)
                {
                    for (int t = 0; t < full; t++)
                    {
                        Vector256.Store(Vector256.Load(s + t * 8), d + t * panelStride);
                    }
                }
                else if (mr == 6)
                {
                    for (int t = 0; t < full; t++)
                    {
                        float* st = s + t * 6;
                        float* dt = d + t * panelStride;
                        Vector128.Store(Vector128.Load(st), dt);
                        *(ulong*)(dt + 4) = *(ulong*)(st + 4);
                    }
                }
                else
                {
                    for (int t = 0; t < full; t++)
                    {
                        new ReadOnlySpan<float>(s + t * mr, mr).CopyTo(new Span<float>(d + t * panelStride, mr));
                    }
                }

                float* sTail = s + full * mr;
                float* dTail = d + full * panelStride;
                for (int r = 0; r < tail; r++)
                {
                    dTail[r] = sTail[r];
                }
            }
        }

        /// <summary>Packs rows <c>[pc, pc + kc)</c>, columns <c>[j, j + width)</c> of B̂ into one panel of <paramref name="nr"/> columns, zero-padded.</summary>
        private static void PackPanel(in GemmProblem p, int pc, int kc, int nr, int j, int width, float* dst)
        {
            if (p.CsB == 1)
            {
                float* src = p.B + pc * p.RsB + j;
                if (width == nr)
                {
                    CopyRows(src, p.RsB, dst, nr, kc);
                }
                else
                {
                    for (int q = 0; q < kc; q++)
                    {
                        float* d = dst + q * nr;
                        float* s = src + q * p.RsB;
                        int c = 0;
                        for (; c < width; c++)
                        {
                            d[c] = s[c];
                        }

                        for (; c < nr; c++)
                        {
                            d[c] = 0f;
                        }
                    }
                }
            }
            else
            {
                // B̂(p, j) = B[p·RsB + j·CsB] with RsB == 1: column c of the panel is a contiguous source row.
                TransposeInto(p.B + pc * p.RsB + j * p.CsB, p.CsB, width, kc, dst, nr);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void CopyRows(float* src, nint srcStride, float* dst, int nr, int kc)
        {
            if (nr == 32 && Vector512.IsHardwareAccelerated)
            {
                for (int q = 0; q < kc; q++)
                {
                    Vector512.Store(Vector512.Load(src), dst);
                    Vector512.Store(Vector512.Load(src + 16), dst + 16);
                    src += srcStride;
                    dst += 32;
                }
            }
            else if (nr == 16 && Vector256.IsHardwareAccelerated)
            {
                for (int q = 0; q < kc; q++)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector256.Store(Vector256.Load(src + 8), dst + 8);
                    src += srcStride;
                    dst += 16;
                }
            }
            else
            {
                for (int q = 0; q < kc; q++)
                {
                    new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(dst, nr));
                    src += srcStride;
                    dst += nr;
                }
            }
        }

        /// <summary>Transposes the 8 × 8 block s[c·stride + q] into d[q·ld + c] with AVX shuffles.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose8x8(float* s, nint stride, float* d, nint ld)
        {
            Vector256<float> r0 = Avx.LoadVector256(s);
            Vector256<float> r1 = Avx.LoadVector256(s + stride);
            Vector256<float> r2 = Avx.LoadVector256(s + 2 * stride);
            Vector256<float> r3 = Avx.LoadVector256(s + 3 * stride);
            Vector256<float> r4 = Avx.LoadVector256(s + 4 * stride);
            Vector256<float> r5 = Avx.LoadVector256(s + 5 * stride);
            Vector256<float> r6 = Avx.LoadVector256(s + 6 * stride);
            Vector256<float> r7 = Avx.LoadVector256(s + 7 * stride);
            Vector256<float> t0 = Avx.UnpackLow(r0, r1);
            Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3);
            Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5);
            Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7);
            Vector256<float> t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
            Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
            Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
            Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
            Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + ld, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 2 * ld, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 3 * ld, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 4 * ld, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 5 * ld, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 6 * ld, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 7 * ld, Avx.Permute2x128(u3, u7, 0x31));
        }

        /// <summary>dst[q·nr + c] = src[c·srcStride + q] for c &lt; width, q &lt; kc; columns width … nr-1 are zero.</summary>
        internal static void TransposeInto(float* src, nint srcStride, int width, int kc, float* dst, int nr)
        {
            int c0 = 0;
            if (Avx.IsSupported)
            {
                int kc8 = kc & ~7;
                for (; c0 + 8 <= width; c0 += 8)
                {
                    float* s = src + c0 * srcStride;
                    for (int q = 0; q < kc8; q += 8)
                    {
                        Transpose8x8(s + q, srcStride, dst + q * nr + c0, nr);
                    }

                    for (int c = c0; c < c0 + 8; c++)
                    {
                        float* sc = src + c * srcStride;
                        for (int q = kc8; q < kc; q++)
                        {
                            dst[q * nr + c] = sc[q];
                        }
                    }
                }
            }

            for (int c = c0; c < width; c++)
            {
                float* s = src + c * srcStride;
                float* d = dst + c;
                for (int q = 0; q < kc; q++)
                {
                    d[q * nr] = s[q];
                }
            }

            for (int c = width; c < nr; c++)
            {
                float* d = dst + c;
                for (int q = 0; q < kc; q++)
                {
                    d[q * nr] = 0f;
                }
            }
        }
    }
}
