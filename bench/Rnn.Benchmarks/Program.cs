using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Rnn.Benchmarks;

// quick    → Stopwatch harness, one table (bench/compare.sh uses it)
// profile  → where the time of one streaming W1 Step goes
// alloc    → which calls allocate (after one warm-up call)
// train-profile → W2's training step phase by phase, 1 against 2 threads
// loop     → one workload over and over, for a sampling profiler (perf record)
// anything else → BenchmarkDotNet (e.g. --filter '*Streaming*' --job short)
if (args.Length > 0 && args[0] is "quick" or "--quick")
{
    return QuickHarness.Run(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] is "profile" or "--profile")
{
    return StepProfile.Run(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] is "train-profile")
{
    return TrainProfile.Run(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] is "loop")
{
    return ProfileLoop.Run(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] is "alloc" or "--alloc")
{
    return AllocationCheck.Run(args.Skip(1).ToArray());
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Workload).Assembly).Run(args);
return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
