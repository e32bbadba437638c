using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Kernels
{
    /// <summary>
    /// Cache-blocked float GEMM in the GotoBLAS/BLIS style: for each block of <see cref="BlockK"/> values of p, B̂ is
    /// packed into zero-padded panels of NR columns (a plain copy when B̂'s rows are contiguous, a transpose for
    /// A·Bᵀ), then every MR × NR tile of C is computed by a register-blocked micro-kernel that streams one packed
    /// panel from L1 and broadcasts A directly from memory.
    /// </summary>
    internal static unsafe class GemmFloatPacked
    {
        /// <summary>Depth of one packed block (values of p).</summary>
        internal const int BlockK = 256;

        /// <summary>Rows of C computed against one packed panel before moving to the next panel.</summary>
        internal const int BlockM = 96;

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
            float* edge = stackalloc float[64];
            nint rsA = p.RsA;
            nint csA = p.CsA;
            nint ldc = p.Ldc;

            for (int pc = 0; pc < p.K; pc += BlockK)
            {
                int kc = Math.Min(BlockK, p.K - pc);
                bool add = p.Accumulate || pc > 0;
                Pack(p, pc, kc, nr, packed);
                for (int ic = 0; ic < p.M; ic += BlockM)
                {
                    int mc = Math.Min(BlockM, p.M - ic);
                    float* aBlock = p.A + ic * rsA + pc * csA;
                    float* cBlock = p.C + ic * ldc;
                    for (int jp = 0; jp < panels; jp++)
                    {
                        int j = jp * nr;
                        int width = Math.Min(nr, p.N - j);
                        float* panel = packed + (nint)jp * nr * kc;
                        float* cPanel = cBlock + j;
                        if (width == nr)
                        {
                            int ir = 0;
                            for (; ir + mr <= mc; ir += mr)
                            {
                                TKernel.Tile(aBlock + ir * rsA, rsA, csA, panel, nr, kc, cPanel + ir * ldc, ldc, add);
                            }

                            for (; ir < mc; ir++)
                            {
                                TKernel.Row(aBlock + ir * rsA, csA, panel, nr, kc, cPanel + ir * ldc, add);
                            }
                        }
                        else
                        {
                            for (int ir = 0; ir < mc; ir++)
                            {
                                float* cRow = cPanel + ir * ldc;
                                if (add)
                                {
                                    new ReadOnlySpan<float>(cRow, width).CopyTo(new Span<float>(edge, width));
                                }

                                TKernel.Row(aBlock + ir * rsA, csA, panel, nr, kc, edge, add);
                                new ReadOnlySpan<float>(edge, width).CopyTo(new Span<float>(cRow, width));
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Packs rows <c>[pc, pc + kc)</c> of B̂ into panels of <paramref name="nr"/> columns, zero-padding the last.</summary>
        private static void Pack(in GemmProblem p, int pc, int kc, int nr, float* packed)
        {
            int panels = (p.N + nr - 1) / nr;
            for (int jp = 0; jp < panels; jp++)
            {
                int j = jp * nr;
                int width = Math.Min(nr, p.N - j);
                float* dst = packed + (nint)jp * nr * kc;
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
                    float* src = p.B + pc * p.RsB + j * p.CsB;
                    TransposeInto(src, p.CsB, width, kc, dst, nr);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void CopyRows(float* src, nint srcStride, float* dst, int nr, int kc)
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

        /// <summary>dst[q·nr + c] = src[c·srcStride + q] for c &lt; width, q &lt; kc; columns width … nr-1 are zero.</summary>
        private static void TransposeInto(float* src, nint srcStride, int width, int kc, float* dst, int nr)
        {
            for (int c = 0; c < width; c++)
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
