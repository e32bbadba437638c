using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace Rnn.Kernels
{
    /// <summary>
    /// The float SIMD GEMM: picks the algorithm (dot products for A·Bᵀ with few rows, packed register-blocked tiles
    /// otherwise, or tiles over a B packed in advance by <see cref="GemmFloatPrepacked"/>), the vector width (AVX-512
    /// when accelerated, else AVX2 + FMA) and the thread split.
    /// </summary>
    /// <remarks>
    /// Threads split output rows or columns; every element is computed by exactly one thread with the same
    /// operations as on a single thread, so results are bit-identical for any <see cref="KernelOptions.MaxThreads"/>.
    /// </remarks>
    internal static unsafe class GemmFloat
    {
        /// <summary>Problems with at most this many multiply-adds (m·n·k) stay on one thread.</summary>
        internal static long ParallelThreshold = 1L << 18;

        /// <summary>A·Bᵀ with at most this many rows of A uses dot products instead of packing B.</summary>
        internal static int DotMaxRows = 24;

        /// <summary>Set to <see langword="false"/> to use the AVX2 + FMA kernels on AVX-512 hardware (for tests).</summary>
        internal static bool Allow512 = true;

        private static int s_parallelCalls;

        [ThreadStatic]
        private static GemmJob? t_job;

        private enum Algorithm
        {
            Packed,
            Dot,
            Prepacked,
        }

        /// <summary>Whether this hardware has a float SIMD path (AVX-512F, or AVX2 with FMA).</summary>
        public static bool IsSupported => Use512 || (Avx2.IsSupported && Fma.IsSupported);

        /// <summary>The number of calls so far that were split between threads (for tests).</summary>
        internal static int ParallelCalls => Volatile.Read(ref s_parallelCalls);

        /// <summary>Columns per panel (NR) of the micro-kernel in use: the layout of a pre-packed B.</summary>
        internal static int PanelWidth => Use512 ? FloatKernel512.NR : FloatKernel256.NR;

        private static bool Use512 => Allow512 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ; arguments already validated.</summary>
        public static void MatMulTransB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                var problem = new GemmProblem(pa, k, 1, pb, 1, k, pc, n, m, n, k, accumulate);
                Execute(problem, m <= DotMaxRows ? Algorithm.Dot : Algorithm.Packed);
            }
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n]; arguments already validated.</summary>
        public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                Execute(new GemmProblem(pa, k, 1, pb, n, 1, pc, n, m, n, k, accumulate), Algorithm.Packed);
            }
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n]; arguments already validated.</summary>
        public static void MatMulTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                Execute(new GemmProblem(pa, 1, m, pb, n, 1, pc, n, m, n, k, accumulate), Algorithm.Packed);
            }
        }

        /// <summary>
        /// C[m,n] (+)= A[m,k] · B̂[k,n] with B̂ pre-packed by <see cref="GemmFloatPrepacked"/> in panels of
        /// <see cref="PanelWidth"/> columns; arguments already validated.
        /// </summary>
        public static void MatMulPrepacked(ReadOnlySpan<float> a, float* packed, Span<float> c, int m, int n, int k, bool accumulate)
        {
            fixed (float* pa = a)
            fixed (float* pc = c)
            {
                int nr = PanelWidth;
                var problem = new GemmProblem(pa, k, 1, packed, nr, 1, pc, n, m, n, k, accumulate);
                problem.PanelStride = (nint)nr * k;
                Execute(problem, Algorithm.Prepacked);
            }
        }

        private static void Execute(in GemmProblem p, Algorithm algorithm)
        {
            if (p.M == 0 || p.N == 0)
            {
                return;
            }

            if (p.K == 0)
            {
                if (!p.Accumulate)
                {
                    for (int i = 0; i < p.M; i++)
                    {
                        new Span<float>(p.C + i * p.Ldc, p.N).Clear();
                    }
                }

                return;
            }

            int threads = KernelOptions.MaxThreads;
            if (threads > 1 && (long)p.M * p.N * p.K > ParallelThreshold && !KernelParallel.InPart)
            {
                int mr = Use512 ? FloatKernel512.MR : FloatKernel256.MR;
                int nr = Use512 ? FloatKernel512.NR : FloatKernel256.NR;
                bool splitRows;
                int unit;
                if (algorithm == Algorithm.Dot)
                {
                    splitRows = false;
                    unit = 16;
                }
                else
                {
                    // Splitting rows makes every thread pack all of B̂ (n·k; a pre-packed B̂ only read); splitting columns
                    // makes every thread read (and for some Aᵀ·B pack) all of A (m·k). Duplicate the smaller.
                    bool enoughRows = p.M >= 2 * mr * threads;
                    bool enoughColumns = p.N >= 2 * nr * threads;
                    bool preferRows = p.CsA != 1 || p.M >= p.N;
                    splitRows = enoughRows && (preferRows || !enoughColumns);
                    unit = splitRows ? mr : nr;
                }

                int extent = splitRows ? p.M : p.N;
                int units = (extent + unit - 1) / unit;
                int parts = Math.Min(threads, units);
                if (parts > 1)
                {
                    int chunk = (units + parts - 1) / parts * unit;
                    parts = (extent + chunk - 1) / chunk;
                    GemmJob job = t_job ??= new GemmJob();
                    job.Problem = p;
                    job.Algorithm = algorithm;
                    job.SplitRows = splitRows;
                    job.Chunk = chunk;
                    Interlocked.Increment(ref s_parallelCalls);
                    KernelParallel.Run(job, parts);
                    return;
                }
            }

            RunSerial(p, algorithm);
        }

        private static void RunSerial(in GemmProblem p, Algorithm algorithm)
        {
            switch (algorithm)
            {
                case Algorithm.Dot when Use512:
                    GemmFloatDot.Run512(p);
                    break;
                case Algorithm.Dot:
                    GemmFloatDot.Run256(p);
                    break;
                case Algorithm.Prepacked when Use512:
                    GemmFloatPrepacked.Run<FloatKernel512>(p);
                    break;
                case Algorithm.Prepacked:
                    GemmFloatPrepacked.Run<FloatKernel256>(p);
                    break;
                case Algorithm.Packed when Use512:
                    GemmFloatPacked.Run<FloatKernel512>(p);
                    break;
                default:
                    GemmFloatPacked.Run<FloatKernel256>(p);
                    break;
            }
        }

        /// <summary>One preallocated job per calling thread: a problem cut into equal chunks of rows or columns.</summary>
        private sealed class GemmJob : KernelJob
        {
            public GemmProblem Problem;
            public Algorithm Algorithm;
            public bool SplitRows;
            public int Chunk;

            public override void RunPart(int part)
            {
                int start = part * Chunk;
                int extent = SplitRows ? Problem.M : Problem.N;
                int count = Math.Min(Chunk, extent - start);
                if (count <= 0)
                {
                    return;
                }

                GemmProblem sub = SplitRows ? Problem.Rows(start, count) : Problem.Columns(start, count);
                RunSerial(sub, Algorithm);
            }
        }
    }
}
