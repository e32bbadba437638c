using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using Rnn.Kernels;

namespace Rnn.Benchmarks
{
    /// <summary>
    /// The quick mode: a plain Stopwatch loop per workload, a few seconds each. Warm-up (so that tiered JIT has
    /// promoted the hot code and the workspaces have grown), then rounds of calls; the table reports the median and
    /// the best round per item, GFLOP/s from the median, and bytes allocated per call on the timing thread.
    /// </summary>
    /// <remarks>
    /// Usage: <c>quick [--seconds S] [--filter TEXT] [--tsv PATH] [--list]</c> (<c>--list</c> prints the workload names and exits). The TSV (workload, unit, median s/item,
    /// best s/item, GFLOP/s, bytes/call) is what bench/compare.sh joins with the PyTorch script's.
    /// </remarks>
    public static class QuickHarness
    {
        private const int Rounds = 7;

        public static int Run(string[] args)
        {
            double seconds = 3;
            string? filter = null, tsv = null;
            bool list = false;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--filter": filter = args[++i]; break;
                    case "--tsv": tsv = args[++i]; break;
                    case "--list": list = true; break;
                    default:
                        Console.Error.WriteLine($"unknown argument {args[i]}; usage: quick [--seconds S] [--filter TEXT] [--tsv PATH] [--list]");
                        return 2;
                }
            }

            if (list)
            {
                foreach (var make in WorkloadSet.All())
                {
                    string name = make().Name;
                    if (filter is null || name.Contains(filter, StringComparison.OrdinalIgnoreCase)) Console.WriteLine(name);
                }

                return 0;
            }

            Console.WriteLine($"RnnGen quick benchmarks: .NET {Environment.Version}, {Environment.ProcessorCount} cores, "
                + $"Vector512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}, SIMD {(KernelOptions.UseSimd ? "on" : "off")}, "
                + $"{seconds:0.#} s per workload");
            double peak = FmaPeak.Measure();
            Console.WriteLine($"one core's FP32 FMA peak, measured: {peak.ToString("F1", CultureInfo.InvariantCulture)} GFLOP/s");
            Console.WriteLine();
            Console.WriteLine(Row("workload", "median", "best", "GFLOP/s", "% peak", "bytes/call"));
            Console.WriteLine(new string('-', 86));
            var results = new List<Result>();
            int previousThreads = KernelOptions.MaxThreads;
            try
            {
                foreach (var make in WorkloadSet.All())
                {
                    Workload w = make();
                    if (filter is not null && !w.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    KernelOptions.MaxThreads = w.Threads;
                    Result r = Measure(w, seconds);
                    results.Add(r);
                    string share = peak > 0 ? (100 * r.GFlops / (peak * w.Threads)).ToString("F0", CultureInfo.InvariantCulture) : "-";
                    Console.WriteLine(Row(w.Name, Format(r.Median, w.Unit), Format(r.Best, w.Unit),
                        r.GFlops.ToString("F2", CultureInfo.InvariantCulture), share, r.BytesPerCall.ToString("F0", CultureInfo.InvariantCulture)));
                }
            }
            finally
            {
                KernelOptions.MaxThreads = previousThreads;
            }

            if (tsv is not null)
            {
                using var writer = new StreamWriter(tsv);
                writer.WriteLine("workload\tunit\tmedian_s\tbest_s\tgflops\tbytes_per_call");
                foreach (var r in results)
                {
                    writer.WriteLine(string.Join('\t', r.Name, r.Unit, G(r.Median), G(r.Best), G(r.GFlops), G(r.BytesPerCall)));
                }
            }

            Console.WriteLine();
            Console.WriteLine("median/best: per sample for stream/*, per call otherwise; bytes/call: allocated on the timing thread per");
            Console.WriteLine("Step (stream/*) or per call, after warm-up; GFLOP/s: nominal matrix-product FLOPs / median time;");
            Console.WriteLine("% peak: GFLOP/s over the measured one-core peak times the workload's threads.");
            return 0;
        }

        /// <summary>Times one workload: warm-up, then <see cref="Rounds"/> rounds of equal call counts.</summary>
        public static Result Measure(Workload w, double seconds)
        {
            // Warm-up: a fifth of the budget, at least 1.5 s and at least 3 calls (tier-1 code for the harness's
            // own loop and the framework's helpers, grown workspaces, thread pool up).
            var clock = Stopwatch.StartNew();
            int warm = 0;
            while (warm < 3 || clock.Elapsed.TotalSeconds < Math.Max(1.5, seconds * 0.2))
            {
                w.Run();
                warm++;
            }

            double perCall = clock.Elapsed.TotalSeconds / warm;
            int callsPerRound = Math.Max(1, (int)(seconds * 0.8 / Rounds / perCall));
            var rounds = new double[Rounds];
            long allocated = 0;
            for (int r = 0; r < Rounds; r++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < callsPerRound; i++)
                {
                    w.Run();
                }

                long stop = Stopwatch.GetTimestamp();
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                rounds[r] = (stop - start) / (double)Stopwatch.Frequency / callsPerRound / w.ItemsPerCall;
            }

            Array.Sort(rounds);
            double median = rounds[Rounds / 2];
            long calls = (long)Rounds * callsPerRound * w.ItemsPerCall;
            return new Result(w.Name, w.Unit, median, rounds[0], w.FlopsPerItem / median / 1e9, allocated / (double)calls);
        }

        private static string Row(string name, string median, string best, string gflops, string share, string bytes) =>
            $"{name,-20} {median,17} {best,17} {gflops,10} {share,7} {bytes,11}";

        private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

        /// <summary>Seconds per item with a readable unit.</summary>
        public static string Format(double s, string unit)
        {
            string t = s < 1e-6 ? (s * 1e9).ToString("F1", CultureInfo.InvariantCulture) + " ns"
                : s < 1e-3 ? (s * 1e6).ToString("F2", CultureInfo.InvariantCulture) + " µs"
                : (s * 1e3).ToString("F2", CultureInfo.InvariantCulture) + " ms";
            return t + "/" + unit;
        }

        public readonly record struct Result(string Name, string Unit, double Median, double Best, double GFlops, double BytesPerCall);
    }
}
