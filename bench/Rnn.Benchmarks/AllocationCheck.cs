using System;
using System.Globalization;
using Rnn.Kernels;

namespace Rnn.Benchmarks
{
    /// <summary>
    /// <c>alloc [--calls N] [--filter TEXT]</c>: runs each workload N times after one warm-up call and lists every call
    /// that allocated on the calling thread (call index and bytes), to find where a nonzero bytes/call comes from.
    /// </summary>
    public static class AllocationCheck
    {
        public static int Run(string[] args)
        {
            int calls = 200;
            string? filter = null;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--calls": calls = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--filter": filter = args[++i]; break;
                    default:
                        Console.Error.WriteLine($"unknown argument {args[i]}; usage: alloc [--calls N] [--filter TEXT]");
                        return 2;
                }
            }

            int failures = 0;
            foreach (var make in WorkloadSet.All())
            {
                Workload w = make();
                if (filter is not null && !w.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
                KernelOptions.MaxThreads = w.Threads;
                w.Run();
                long total = 0;
                int allocating = 0;
                for (int i = 1; i <= calls; i++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    w.Run();
                    long delta = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (delta != 0)
                    {
                        if (allocating < 10) Console.WriteLine($"  {w.Name}: call {i} allocated {delta} bytes");
                        allocating++;
                        total += delta;
                    }
                }

                Console.WriteLine($"{w.Name,-20} {allocating} of {calls} calls allocated, {total} bytes in all");
                if (allocating > 0) failures++;
            }

            return failures == 0 ? 0 : 1;
        }
    }
}
