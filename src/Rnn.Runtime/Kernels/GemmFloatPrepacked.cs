using System;

namespace Rnn.Kernels
{
    /// <summary>
    /// The float GEMM over a right-hand operand packed in advance (<see cref="Gemm.MatMulPacked{T}"/>): B̂[K, N] is
    /// stored as zero-padded panels of NR columns (the micro-kernel's width), panel-major, each panel K rows of NR
    /// contiguous floats. A call then only runs the micro-kernel: the same cache blocks, tiles and arithmetic as
    /// <see cref="GemmFloatPacked"/> (so C is bit-identical to <see cref="Gemm.MatMul{T}"/> on the unpacked B̂) minus
    /// the per-call packing, which for a recurrent step's A·W_hhᵀ (a transpose) cost as much as the product.
    /// </summary>
    internal static unsafe class GemmFloatPrepacked
    {
        /// <summary>Floats needed for B̂[k, n] packed in panels of <paramref name="nr"/> columns.</summary>
        public static long Length(int n, int k, int nr) => (long)(n + nr - 1) / nr * nr * k;

        /// <summary>Packs B̂ = B[k, n] (row-major, rows contiguous: the b of <see cref="Gemm.MatMul{T}"/>).</summary>
        public static void Pack(float* b, int n, int k, int nr, float* dst)
        {
            for (int j = 0; j < n; j += nr)
            {
                int width = Math.Min(nr, n - j);
                float* panel = dst + (nint)j * k;
                float* src = b + j;
                if (width == nr)
                {
                    GemmFloatPacked.CopyRows(src, n, panel, nr, k);
                    continue;
                }

                for (int q = 0; q < k; q++)
                {
                    float* d = panel + (nint)q * nr;
                    new ReadOnlySpan<float>(src + (nint)q * n, width).CopyTo(new Span<float>(d, width));
                    new Span<float>(d + width, nr - width).Clear();
                }
            }
        }

        /// <summary>Packs B̂ = Bᵀ for B[n, k] (row-major: the b of <see cref="Gemm.MatMulTransB{T}"/>), with AVX transposes.</summary>
        public static void PackTransposed(float* b, int n, int k, int nr, float* dst)
        {
            for (int j = 0; j < n; j += nr)
            {
                GemmFloatPacked.TransposeInto(b + (nint)j * k, k, Math.Min(nr, n - j), k, dst + (nint)j * k, nr);
            }
        }

        /// <summary>
        /// Computes the problem (B pre-packed: <see cref="GemmProblem.PanelStride"/> set, NR = <c>RsB</c>, A with
        /// contiguous rows) on the calling thread, block by block in the order of <see cref="GemmFloatPacked.Run{TKernel}"/>.
        /// </summary>
        [System.Runtime.CompilerServices.SkipLocalsInit]
        public static void Run<TKernel>(in GemmProblem p)
            where TKernel : struct, IFloatMicroKernel
        {
            int mr = TKernel.MR;
            int nr = TKernel.NR;
            System.Diagnostics.Debug.Assert(p.RsB == nr && p.CsA == 1 && p.PanelStride != 0, "a pre-packed problem of this kernel's width");
            int panels = (p.N + nr - 1) / nr;
            float* edge = stackalloc float[8 * 32];
            nint ldc = p.Ldc;
            for (int pc = 0; pc < p.K; pc += GemmFloatPacked.BlockK)
            {
                int kc = Math.Min(GemmFloatPacked.BlockK, p.K - pc);
                bool add = p.Accumulate || pc > 0;
                for (int ic = 0; ic < p.M; ic += GemmFloatPacked.BlockM)
                {
                    int mc = Math.Min(GemmFloatPacked.BlockM, p.M - ic);
                    float* aBlock = p.A + ic * p.RsA + pc;
                    float* cBlock = p.C + ic * ldc;
                    for (int jp = 0; jp < panels; jp++)
                    {
                        int j = jp * nr;
                        float* panel = p.B + jp * p.PanelStride + (nint)pc * nr;
                        GemmFloatPacked.PanelTiles<TKernel>(
                            aBlock, p.RsA, 1, mr * p.RsA, mc, panel, nr, Math.Min(nr, p.N - j), kc, cBlock + j, ldc, add, edge);
                    }
                }
            }
        }
    }
}
