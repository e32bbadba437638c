namespace Rnn.Layers
{
    /// <summary>
    /// How batch-wise work is cut for the kernel threads: two halves of the sequences when each has at least
    /// <see cref="MinRows"/>, else one part. The cut depends on the batch size only, never on the thread count, so every
    /// part computes the same numbers on any number of threads; and every phase of a training step that works per sequence
    /// (the recurrence, the layout changes, the loss) cuts the same way, so part p finds its rows in the caches of the core
    /// that wrote them (the caller runs part 0 and the first kernel worker part 1).
    /// </summary>
    internal static class BatchParts
    {
        /// <summary>Sequences per part at least: below this a batch is one part (the per-step GEMMs need rows).</summary>
        public const int MinRows = 8;

        /// <summary>Number of parts for a batch: 2 when each half has at least <see cref="MinRows"/> sequences, else 1.</summary>
        public static int Count(int batch) => batch >= 2 * MinRows ? 2 : 1;

        /// <summary>The sequences [b0, b1) of part <paramref name="part"/> of <paramref name="parts"/>.</summary>
        public static (int B0, int B1) Range(int part, int parts, int batch) => (part * batch / parts, (part + 1) * batch / parts);
    }
}
