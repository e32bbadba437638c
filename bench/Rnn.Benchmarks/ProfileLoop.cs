using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Rnn.Kernels;

namespace Rnn.Benchmarks
{
    /// <summary>
    /// <c>loop</c> mode: runs one workload over and over for a sampling profiler (e.g. <c>perf record</c> with
    /// DOTNET_PerfMapEnabled=1), nothing else in the process: no peak measurement, no other workload's JIT.
    /// Prints the mean time per call once a second. <c>--threads N</c> overrides the workload's kernel thread count.
    /// </summary>
    public static class ProfileLoop
    {
        public static int Run(string[] args)
        {
            string filter = Option(args, "--filter") ?? "train/W2";
            double seconds = double.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
            var make = WorkloadSet.All().Select(f => f()).FirstOrDefault(w => w.Name == filter || w.Name.Contains(filter, StringComparison.Ordinal));
            if (make is null)
            {
                Console.Error.WriteLine($"no workload matches '{filter}'");
                return 2;
            }
            Workload w = make;
            int threads = Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : w.Threads;
            KernelOptions.MaxThreads = threads;
            Console.WriteLine($"looping {w.Name} on {threads} thread(s) for {seconds} s");
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds)
            {
                var second = Stopwatch.StartNew();
                int calls = 0;
                while (second.Elapsed.TotalSeconds < 1)
                {
                    w.Run();
                    calls++;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{second.Elapsed.TotalMilliseconds * 1000 / calls / w.ItemsPerCall:F2} µs per {w.Unit}"));
            }
            return 0;
        }

        private static string? Option(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }
}
