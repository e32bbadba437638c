using System;

namespace Rnn.Tests;

/// <summary>Asserts that code allocates nothing once warmed up.</summary>
internal static class SteadyState
{
    /// <summary>
    /// Runs <paramref name="action"/> until the JIT has settled, then asserts that some round of calls allocated
    /// 0 bytes on this thread. Tiered compilation may allocate once in a round; a real per-call allocation shows in every round.
    /// </summary>
    internal static void AssertAllocatesNothing(Action action, int callsPerRound = 100)
    {
        for (int i = 0; i < 3 * callsPerRound; i++)
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

        Assert.Equal(0, fewest);
    }
}
