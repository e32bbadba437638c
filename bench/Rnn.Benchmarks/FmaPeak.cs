using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Benchmarks
{
    /// <summary>
    /// This CPU's single-core FP32 peak, measured: 12 independent chains of fused multiply-adds on the widest vectors
    /// the runtime accelerates (enough chains to cover the FMA latency × issue width of current x64 cores), 2 FLOPs per
    /// lane per FMA. The "at least 50 % of one core's FP32 FMA peak" is GFLOP/s against this number.
    /// </summary>
    public static class FmaPeak
    {
        /// <summary>The best of five ~<paramref name="seconds"/>/5 rounds, in GFLOP/s; 0 on a CPU without FMA.</summary>
        public static double Measure(double seconds = 0.5)
        {
            if (!Fma.IsSupported) return 0;
            Chains(1000);   // tier-1 code before timing
            double best = 0;
            for (int round = 0; round < 5; round++)
            {
                long iterations = 1 << 16;
                while (true)
                {
                    long start = Stopwatch.GetTimestamp();
                    double flops = Chains(iterations);
                    double elapsed = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
                    if (elapsed >= seconds / 5)
                    {
                        best = Math.Max(best, flops / elapsed / 1e9);
                        break;
                    }

                    iterations *= 2;
                }
            }

            return best;
        }

        /// <summary>Runs the chains and returns the FLOPs done (the result is kept alive through a volatile sink).</summary>
        private static double Chains(long iterations) =>
            Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Chains512(iterations) : Chains256(iterations);

        private static volatile float s_sink;

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static double Chains256(long iterations)
        {
            Vector256<float> m = Vector256.Create(0.9999999f), b = Vector256.Create(1e-7f);
            Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
            Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Fma.MultiplyAdd(a0, m, b); a1 = Fma.MultiplyAdd(a1, m, b); a2 = Fma.MultiplyAdd(a2, m, b);
                a3 = Fma.MultiplyAdd(a3, m, b); a4 = Fma.MultiplyAdd(a4, m, b); a5 = Fma.MultiplyAdd(a5, m, b);
                a6 = Fma.MultiplyAdd(a6, m, b); a7 = Fma.MultiplyAdd(a7, m, b); a8 = Fma.MultiplyAdd(a8, m, b);
                a9 = Fma.MultiplyAdd(a9, m, b); a10 = Fma.MultiplyAdd(a10, m, b); a11 = Fma.MultiplyAdd(a11, m, b);
            }

            s_sink = ((a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) + (a8 + a9 + a10 + a11)).ToScalar();
            return iterations * 12.0 * Vector256<float>.Count * 2;
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static double Chains512(long iterations)
        {
            Vector512<float> m = Vector512.Create(0.9999999f), b = Vector512.Create(1e-7f);
            Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
            Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Avx512F.FusedMultiplyAdd(a0, m, b); a1 = Avx512F.FusedMultiplyAdd(a1, m, b); a2 = Avx512F.FusedMultiplyAdd(a2, m, b);
                a3 = Avx512F.FusedMultiplyAdd(a3, m, b); a4 = Avx512F.FusedMultiplyAdd(a4, m, b); a5 = Avx512F.FusedMultiplyAdd(a5, m, b);
                a6 = Avx512F.FusedMultiplyAdd(a6, m, b); a7 = Avx512F.FusedMultiplyAdd(a7, m, b); a8 = Avx512F.FusedMultiplyAdd(a8, m, b);
                a9 = Avx512F.FusedMultiplyAdd(a9, m, b); a10 = Avx512F.FusedMultiplyAdd(a10, m, b); a11 = Avx512F.FusedMultiplyAdd(a11, m, b);
            }

            s_sink = ((a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) + (a8 + a9 + a10 + a11)).ToScalar();
            return iterations * 12.0 * Vector512<float>.Count * 2;
        }
    }
}
