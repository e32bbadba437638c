using System;
using Xunit;

namespace Rnn.Tests;

/// <summary>Measures and asserts that code allocates nothing once warmed up (linked into every test project).</summary>
internal static class SteadyState
{
    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="warmUpCalls"/> times (three rounds' worth by default), then returns the
    /// fewest bytes this thread allocated in any of three rounds of <paramref name="callsPerRound"/> calls. The runtime may
    /// allocate once in a round (tiered or on-stack-replacement compilation, type loading); a real per-call allocation shows
    /// in every round, so the fewest is 0 only when the code itself allocates nothing.
    /// </summary>
    internal static long FewestBytes(Action action, int callsPerRound = 100, int warmUpCalls = -1)
    {
        if (warmUpCalls < 0) warmUpCalls = 3 * callsPerRound;
        for (int i = 0; i < warmUpCalls; i++)
        {
            action();
        }

        long fewest = long.MaxValue;
        for (int round = 0; round < 3 && fewest != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++)
            {
                action();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }

    /// <summary>Asserts that some round of <paramref name="callsPerRound"/> warmed-up calls allocated 0 bytes on this thread.</summary>
    internal static void AssertAllocatesNothing(Action action, int callsPerRound = 100, string? what = null)
    {
        long bytes = FewestBytes(action, callsPerRound);
        Assert.True(bytes == 0, $"{what ?? "the code"} allocated {bytes} bytes in each of three rounds of {callsPerRound} steady-state calls");
    }
}
