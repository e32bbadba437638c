using System;

namespace Rnn;

/// <summary>
/// Karpathy's char-rnn batching over a token array, for truncated BPTT with the recurrent state carried between chunks.
/// The text is cut into <see cref="Batch"/> contiguous streams of equal length S = ⌊N / Batch⌋ (stream b is
/// <c>tokens[b·S .. (b+1)·S)</c>; the last N mod Batch tokens are unused). Chunk k of stream b is its tokens
/// <c>[k·Steps, (k+1)·Steps)</c> as inputs and the same shifted by one token as targets, so a stream yields
/// <see cref="ChunksPerEpoch"/> = ⌊(S − 1) / Steps⌋ chunks (the few tokens left at a stream's end are unused).
/// Each <see cref="Next"/> fills the same chunk of every stream, in order, and starts over after the last one.
/// Deterministic (no shuffling); the token array is referenced, not copied, and must not change. Allocates nothing
/// after construction.
/// </summary>
/// <example>
/// <code>
/// var batcher = new TokenStreamBatcher(tokens, batch: 32, steps: 64);
/// if (batcher.Next(inputs, targets)) model.ResetState();   // the streams start over: forget the carried state
/// </code>
/// </example>
public sealed class TokenStreamBatcher
{
    private readonly ReadOnlyMemory<int> tokens;
    private readonly int streamLength;

    /// <summary>Creates a batcher positioned at chunk 0.</summary>
    /// <param name="tokens">The text as token ids; at least <paramref name="batch"/> · (<paramref name="steps"/> + 1) of them.</param>
    /// <param name="batch">The number of streams B, at least 1.</param>
    /// <param name="steps">The chunk length T, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> or <paramref name="steps"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> is shorter than B · (T + 1).</exception>
    public TokenStreamBatcher(ReadOnlyMemory<int> tokens, int batch, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        long minimum = (long)batch * ((long)steps + 1);
        if (tokens.Length < minimum)
        {
            throw new ArgumentException(
                $"tokens holds {tokens.Length} tokens, but batch {batch} × (steps {steps} + 1) = {minimum} are needed for one chunk per stream.",
                nameof(tokens));
        }

        this.tokens = tokens;
        Batch = batch;
        Steps = steps;
        streamLength = tokens.Length / batch;
        ChunksPerEpoch = (streamLength - 1) / steps;
    }

    /// <summary>The number of streams B (rows of a batch).</summary>
    public int Batch { get; }

    /// <summary>The chunk length T (steps per row).</summary>
    public int Steps { get; }

    /// <summary>The number of chunks in one pass over the streams.</summary>
    public int ChunksPerEpoch { get; }

    /// <summary>The tokens in each stream, ⌊N / <see cref="Batch"/>⌋.</summary>
    public int StreamLength => streamLength;

    /// <summary>The chunk the next <see cref="Next"/> fills, in [0, <see cref="ChunksPerEpoch"/>); save it to resume.</summary>
    public int Position { get; private set; }

    /// <summary>
    /// Fills <paramref name="inputs"/> and <paramref name="targets"/> (both <c>[Batch, Steps]</c>, row b from stream b)
    /// with chunk <see cref="Position"/>, then moves to the next chunk, wrapping to 0 after the last.
    /// </summary>
    /// <param name="inputs">Receives the tokens, B · T of them.</param>
    /// <param name="targets">Receives the token after each input within its stream, B · T of them.</param>
    /// <returns>
    /// True when the chunk just filled is chunk 0, i.e. the streams (re)start at their beginnings (the first call, each
    /// wrap-around, and after <c>Seek(0)</c>): the caller should reset the carried recurrent state before using it.
    /// </returns>
    /// <exception cref="ArgumentException">A span does not hold B · T values.</exception>
    public bool Next(Span<int> inputs, Span<int> targets)
    {
        int size = Batch * Steps;
        if (inputs.Length != size)
        {
            throw new ArgumentException($"inputs must hold batch {Batch} × steps {Steps} = {size} tokens, but holds {inputs.Length}.", nameof(inputs));
        }

        if (targets.Length != size)
        {
            throw new ArgumentException($"targets must hold batch {Batch} × steps {Steps} = {size} tokens, but holds {targets.Length}.", nameof(targets));
        }

        int chunk = Position;
        ReadOnlySpan<int> text = tokens.Span;
        for (int b = 0; b < Batch; b++)
        {
            ReadOnlySpan<int> source = text.Slice((b * streamLength) + (chunk * Steps), Steps + 1);
            source[..Steps].CopyTo(inputs.Slice(b * Steps, Steps));
            source[1..].CopyTo(targets.Slice(b * Steps, Steps));
        }

        Position = chunk + 1 == ChunksPerEpoch ? 0 : chunk + 1;
        return chunk == 0;
    }

    /// <summary>Moves to chunk <paramref name="chunk"/>, e.g. a saved <see cref="Position"/> when resuming.</summary>
    /// <param name="chunk">In [0, <see cref="ChunksPerEpoch"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunk"/> is out of range.</exception>
    public void Seek(int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chunk, ChunksPerEpoch);
        Position = chunk;
    }
}
