using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rnn;

/// <summary>
/// Training an encoder–decoder on (source, target) pairs: every epoch the pairs are shuffled (a seeded
/// <see cref="RandomSource"/>), cut into mini-batches, each padded to its own longest source and target, and the
/// EndToken appended to every target; the validation loss is the teacher-forced loss over the validation pairs. The
/// epoch's order, position, shuffling stream and teacher-forcing stream are saved in checkpoints. A step allocates nothing.
/// </summary>
public sealed class Seq2SeqTask : ITrainingTask
{
    private const string PositionKey = "task.position";
    private const string ShuffleKey = "task.shuffle_random";
    private const string ForcingKey = "task.teacher_forcing_random";
    private const string OrderKey = "task.order";

    private readonly ISeq2SeqModel model;
    private readonly IReadOnlyList<int[]> sources, targets, validationSources, validationTargets;
    private readonly int batch, maxSource, maxTarget;
    private readonly int[] order;
    private readonly RandomSource shuffle;
    private readonly int[] source, sourceLengths, target, targetLengths;
    private int position, sourceWidth, targetWidth;   // the current batch's padded lengths

    /// <summary>Creates the task.</summary>
    /// <param name="model">The model.</param>
    /// <param name="trainSources">Training source token ids, one array per sequence (at least one token each).</param>
    /// <param name="trainTargets">Training target token ids, without the EndToken (the task appends it).</param>
    /// <param name="validationSources">Validation sources (may be empty).</param>
    /// <param name="validationTargets">Validation targets, without the EndToken.</param>
    /// <param name="batch">Pairs per step.</param>
    /// <param name="seed">Seed of the shuffling.</param>
    public Seq2SeqTask(ISeq2SeqModel model, IReadOnlyList<int[]> trainSources, IReadOnlyList<int[]> trainTargets,
        IReadOnlyList<int[]> validationSources, IReadOnlyList<int[]> validationTargets, int batch, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Check(trainSources, trainTargets, nameof(trainTargets));
        Check(validationSources, validationTargets, nameof(validationTargets));
        if (trainSources.Count < batch)
            throw new ArgumentException($"trainSources holds {trainSources.Count} pairs, fewer than one batch of {batch}.", nameof(trainSources));
        this.model = model;
        sources = trainSources;
        targets = trainTargets;
        this.validationSources = validationSources;
        this.validationTargets = validationTargets;
        this.batch = batch;
        maxSource = Math.Max(MaxLength(trainSources), MaxLength(validationSources));
        maxTarget = Math.Max(MaxLength(trainTargets), MaxLength(validationTargets)) + 1;
        order = new int[trainSources.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        shuffle = new RandomSource(unchecked((ulong)seed));
        Shuffle();
        source = new int[batch * maxSource];
        sourceLengths = new int[batch];
        target = new int[batch * maxTarget];
        targetLengths = new int[batch];
    }

    /// <inheritdoc/>
    public IRnnModel<float> Model => model;

    /// <inheritdoc/>
    public int TokensPerStep => batch * maxTarget;

    /// <summary>Pairs per epoch.</summary>
    public int Count => order.Length;

    /// <inheritdoc/>
    public float TrainStep()
    {
        if (position + batch > order.Length)
        {
            Shuffle();
            position = 0;
        }
        Fill(sources, targets, order.AsSpan(position, batch));
        position += batch;
        return model.Backward(source.AsSpan(0, batch * sourceWidth), sourceLengths, target.AsSpan(0, batch * targetWidth), targetLengths, batch);
    }

    /// <inheritdoc/>
    public float Validate()
    {
        int count = validationSources.Count;
        if (count == 0) return float.NaN;
        double sum = 0;
        int tokens = 0;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            FillRange(start, n);
            int valid = 0;
            for (int b = 0; b < n; b++) valid += targetLengths[b];
            sum += (double)model.Evaluate(source.AsSpan(0, n * sourceWidth), sourceLengths.AsSpan(0, n), target.AsSpan(0, n * targetWidth), targetLengths.AsSpan(0, n), n) * valid;
            tokens += valid;
        }
        return (float)(sum / tokens);
    }

    private void FillRange(int start, int n)
    {
        Widths(validationSources, validationTargets, start, n, default);
        for (int b = 0; b < n; b++) Row(b, validationSources[start + b], validationTargets[start + b]);
    }

    private void Fill(IReadOnlyList<int[]> s, IReadOnlyList<int[]> t, ReadOnlySpan<int> indices)
    {
        Widths(s, t, 0, indices.Length, indices);
        for (int b = 0; b < indices.Length; b++) Row(b, s[indices[b]], t[indices[b]]);
    }

    /// <summary>Pads the batch to its own longest source and target (+ EndToken), and clears that much of the buffers.</summary>
    private void Widths(IReadOnlyList<int[]> s, IReadOnlyList<int[]> t, int start, int n, ReadOnlySpan<int> indices)
    {
        sourceWidth = 0;
        targetWidth = 0;
        for (int b = 0; b < n; b++)
        {
            int i = indices.IsEmpty ? start + b : indices[b];
            sourceWidth = Math.Max(sourceWidth, s[i].Length);
            targetWidth = Math.Max(targetWidth, t[i].Length + 1);
        }
        source.AsSpan(0, n * sourceWidth).Clear();
        target.AsSpan(0, n * targetWidth).Clear();
    }

    private void Row(int b, int[] s, int[] t)
    {
        s.CopyTo(source, b * sourceWidth);
        sourceLengths[b] = s.Length;
        t.CopyTo(target, b * targetWidth);
        target[b * targetWidth + t.Length] = model.EndToken;
        targetLengths[b] = t.Length + 1;
    }

    /// <summary>Fisher–Yates with the task's stream.</summary>
    private void Shuffle()
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = shuffle.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <inheritdoc/>
    public void SaveState(IDictionary<string, string> metadata, IDictionary<string, float[]> arrays)
    {
        metadata[PositionKey] = position.ToString(CultureInfo.InvariantCulture);
        metadata[ShuffleKey] = Checkpoint.FormatRandomState(shuffle);
        metadata[ForcingKey] = Checkpoint.FormatRandomState(model.TeacherForcingRandom);
        arrays[OrderKey] = Array.ConvertAll(order, i => (float)i);
    }

    /// <inheritdoc/>
    public void RestoreState(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, float[]> arrays)
    {
        if (!metadata.TryGetValue(PositionKey, out string? text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int saved)
            || saved > order.Length || !arrays.TryGetValue(OrderKey, out float[]? savedOrder) || savedOrder.Length != order.Length
            || !metadata.TryGetValue(ShuffleKey, out string? shuffleState) || !metadata.TryGetValue(ForcingKey, out string? forcingState))
        {
            throw new SafetensorsException("The checkpoint's data position does not fit this data set: is it the same data, batch and seed?");
        }
        Checkpoint.RestoreRandomState(shuffle, shuffleState);
        Checkpoint.RestoreRandomState(model.TeacherForcingRandom, forcingState);
        for (int i = 0; i < order.Length; i++) order[i] = (int)savedOrder[i];
        position = saved;
    }

    private static void Check(IReadOnlyList<int[]> s, IReadOnlyList<int[]> t, string name)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(t);
        if (s.Count != t.Count) throw new ArgumentException($"{s.Count} sources but {t.Count} targets.", name);
        for (int i = 0; i < s.Count; i++)
        {
            if (s[i] is null || s[i].Length == 0) throw new ArgumentException($"Source {i} is empty: every source needs at least one token.", name);
            if (t[i] is null) throw new ArgumentException($"Target {i} is null.", name);
        }
    }

    private static int MaxLength(IReadOnlyList<int[]> sequences)
    {
        int max = 0;
        foreach (var s in sequences) max = Math.Max(max, s.Length);
        return max;
    }
}
