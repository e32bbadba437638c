using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Rnn;

/// <summary>
/// Mean losses over the valid positions of a batch-first batch, each writing its gradient with respect to its
/// input. <c>lengths</c> marks padding: position (b, t) is valid iff t &lt; lengths[b]; an empty span means every
/// position is valid. Gradients at padding are 0. Pass an empty gradient span to compute only the loss.
/// No method allocates.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy against class ids: the mean over valid (b, t) of −log softmax(logits[b, t])[targets[b, t]],
    /// computed stably through log-sum-exp with the row's maximum subtracted. The gradient is (softmax − onehot) / count.
    /// Targets at padding are ignored. With no valid position the loss and the gradient are 0.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="logits">[batch, steps, classes] unnormalised scores.</param>
    /// <param name="targets">[batch, steps] class ids in 0..classes−1 at valid positions.</param>
    /// <param name="batch">Sequences in the batch.</param>
    /// <param name="steps">Time steps per sequence.</param>
    /// <param name="classes">Classes, at least 1.</param>
    /// <param name="lengths">[batch] valid steps per sequence, each in 0..steps; empty when all are valid.</param>
    /// <param name="dLogits">Empty, or [batch, steps, classes] to receive d(mean loss)/d logits.</param>
    /// <returns>The mean loss.</returns>
    /// <exception cref="ArgumentException">A span has the wrong size or a length is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or a valid position's target is not a class id.</exception>
    public static T SoftmaxCrossEntropy<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int batch, int steps, int classes, ReadOnlySpan<int> lengths, Span<T> dLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        long size = CheckSizes(batch, steps, classes, "classes", logits.Length, nameof(logits), dLogits.Length, nameof(dLogits));
        CheckSize(targets.Length, size / classes, "batch·", "steps", nameof(targets));
        CheckLengths(lengths, batch, steps);
        for (int b = 0; b < batch; b++)
        {
            foreach (int target in targets.Slice(b * steps, ValidSteps(lengths, b, steps)))
            {
                if ((uint)target >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(targets), target, $"targets must be class ids in 0..{classes - 1} at valid positions.");
                }
            }
        }

        long count = TotalValidSteps(lengths, batch, steps);
        double total = SoftmaxCrossEntropyJob<T>.Run(logits, targets, batch, steps, classes, lengths, dLogits, T.CreateTruncating(count));
        return count == 0 ? T.Zero : T.CreateTruncating(total / count);
    }

    /// <summary>
    /// The rows of sequences [b0, b1) of <see cref="SoftmaxCrossEntropy{T}"/>: returns their summed loss (in double, row
    /// by row) and writes their gradient rows.
    /// </summary>
    private static double SoftmaxCrossEntropyRows<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int b0, int b1, int steps, int classes,
        ReadOnlySpan<int> lengths, Span<T> dLogits, T count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        for (int b = b0; b < b1; b++)
        {
            int length = ValidSteps(lengths, b, steps);
            for (int t = 0; t < length; t++)
            {
                int row = b * steps + t;
                ReadOnlySpan<T> x = logits.Slice(row * classes, classes);
                T max = TensorPrimitives.Max(x);
                int target = targets[row];
                T sum;
                if (dLogits.IsEmpty)
                {
                    sum = SumOfShiftedExponentials(x, max);
                }
                else
                {
                    // exp(x − max) once, into the gradient row, summed as SumOfShiftedExponentials sums (the same chunks).
                    Span<T> d = dLogits.Slice(row * classes, classes);
                    TensorPrimitives.Subtract(x, max, d);
                    TensorPrimitives.Exp(d, d);
                    sum = SumInChunks(d);
                    TensorPrimitives.Divide(d, sum, d);
                    d[target] -= T.One;
                    TensorPrimitives.Divide(d, count, d);
                }

                total += double.CreateTruncating(T.Log(sum) - (x[target] - max));
            }

            ClearPadding(dLogits, b, length, steps, classes);
        }

        return total;
    }

    /// <summary>
    /// <see cref="SoftmaxCrossEntropy{T}"/>'s rows in the <see cref="Layers.BatchParts"/> halves of the batch, on the kernel
    /// threads when they are free: each half's loss summed apart, then the halves' sums added in order, the same on any
    /// number of threads.
    /// </summary>
    private sealed unsafe class SoftmaxCrossEntropyJob<T> : Kernels.KernelJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static SoftmaxCrossEntropyJob<T>? t_job;
        private T* _logits, _dLogits;
        private int* _targets, _lengths;
        private int _logitsLength, _dLogitsLength, _targetsLength, _lengthsLength, _batch, _steps, _classes, _parts;
        private T _count;
        private double _total0, _total1;

        public static double Run(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int batch, int steps, int classes,
            ReadOnlySpan<int> lengths, Span<T> dLogits, T count)
        {
            int parts = (long)batch * steps * classes >= 1 << 14 ? Layers.BatchParts.Count(batch) : 1;
            if (parts == 1) return SoftmaxCrossEntropyRows(logits, targets, 0, batch, steps, classes, lengths, dLogits, count);
            fixed (T* x = logits, d = dLogits)
            fixed (int* y = targets, l = lengths)
            {
                var job = t_job ??= new SoftmaxCrossEntropyJob<T>();
                job._logits = x;
                job._dLogits = d;
                job._targets = y;
                job._lengths = l;
                (job._logitsLength, job._dLogitsLength, job._targetsLength, job._lengthsLength) = (logits.Length, dLogits.Length, targets.Length, lengths.Length);
                (job._batch, job._steps, job._classes, job._parts, job._count) = (batch, steps, classes, parts, count);
                try
                {
                    Kernels.KernelParallel.RunParts(job, parts);
                    return job._total0 + job._total1;
                }
                finally
                {
                    job._logits = job._dLogits = null;
                    job._targets = job._lengths = null;
                }
            }
        }

        public override void RunPart(int part)
        {
            var (b0, b1) = Layers.BatchParts.Range(part, _parts, _batch);
            double total = SoftmaxCrossEntropyRows(new ReadOnlySpan<T>(_logits, _logitsLength), new ReadOnlySpan<int>(_targets, _targetsLength), b0, b1,
                _steps, _classes, new ReadOnlySpan<int>(_lengths, _lengthsLength), new Span<T>(_dLogits, _dLogitsLength), _count);
            if (part == 0) _total0 = total;
            else _total1 = total;
        }
    }

    /// <summary>
    /// Binary cross-entropy with logits: the mean over valid elements of max(x, 0) − x·y + log(1 + exp(−|x|)),
    /// which equals −y·log σ(x) − (1 − y)·log(1 − σ(x)) without overflow. The gradient is (σ(x) − y) / count.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="logits">[batch, steps, features] logits x.</param>
    /// <param name="targets">[batch, steps, features] targets y, usually 0 or 1.</param>
    /// <param name="batch">Sequences in the batch.</param>
    /// <param name="steps">Time steps per sequence.</param>
    /// <param name="features">Outputs per step.</param>
    /// <param name="lengths">[batch] valid steps per sequence, each in 0..steps; empty when all are valid.</param>
    /// <param name="dLogits">Empty, or [batch, steps, features] to receive d(mean loss)/d logits.</param>
    /// <returns>The mean loss; 0 when no element is valid.</returns>
    /// <exception cref="ArgumentException">A span has the wrong size or a length is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public static T SigmoidBinaryCrossEntropy<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int batch, int steps, int features, ReadOnlySpan<int> lengths, Span<T> dLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = CheckSizes(batch, steps, features, "features", logits.Length, nameof(logits), dLogits.Length, nameof(dLogits));
        CheckSize(targets.Length, size, "batch·steps·", "features", nameof(targets));
        CheckLengths(lengths, batch, steps);
        long count = TotalValidSteps(lengths, batch, steps) * features;
        T countT = T.CreateTruncating(count);
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            int length = ValidSteps(lengths, b, steps);
            int start = b * steps * features;
            for (int i = start; i < start + length * features; i++)
            {
                T x = logits[i], y = targets[i];
                total += double.CreateTruncating(T.Max(x, T.Zero) - x * y + T.Log(T.One + T.Exp(-T.Abs(x))));
                if (!dLogits.IsEmpty)
                {
                    dLogits[i] = (Sigmoid(x) - y) / countT;
                }
            }

            ClearPadding(dLogits, b, length, steps, features);
        }

        return count == 0 ? T.Zero : T.CreateTruncating(total / count);
    }

    /// <summary>Mean squared error: the mean over valid elements of (p − y)². The gradient is 2(p − y) / count.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="predictions">[batch, steps, features] predictions p.</param>
    /// <param name="targets">[batch, steps, features] targets y.</param>
    /// <param name="batch">Sequences in the batch.</param>
    /// <param name="steps">Time steps per sequence.</param>
    /// <param name="features">Outputs per step.</param>
    /// <param name="lengths">[batch] valid steps per sequence, each in 0..steps; empty when all are valid.</param>
    /// <param name="dPredictions">Empty, or [batch, steps, features] to receive d(mean loss)/d predictions.</param>
    /// <returns>The mean loss; 0 when no element is valid.</returns>
    /// <exception cref="ArgumentException">A span has the wrong size or a length is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public static T MeanSquaredError<T>(
        ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int batch, int steps, int features, ReadOnlySpan<int> lengths, Span<T> dPredictions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = CheckSizes(batch, steps, features, "features", predictions.Length, nameof(predictions), dPredictions.Length, nameof(dPredictions));
        CheckSize(targets.Length, size, "batch·steps·", "features", nameof(targets));
        CheckLengths(lengths, batch, steps);
        long count = TotalValidSteps(lengths, batch, steps) * features;
        T countT = T.CreateTruncating(count), two = T.One + T.One;
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            int length = ValidSteps(lengths, b, steps);
            int start = b * steps * features;
            for (int i = start; i < start + length * features; i++)
            {
                T difference = predictions[i] - targets[i];
                total += double.CreateTruncating(difference * difference);
                if (!dPredictions.IsEmpty)
                {
                    dPredictions[i] = two * difference / countT;
                }
            }

            ClearPadding(dPredictions, b, length, steps, features);
        }

        return count == 0 ? T.Zero : T.CreateTruncating(total / count);
    }

    /// <summary>Checks the sizes and the input and gradient spans; returns batch·steps·<paramref name="widthName"/>.</summary>
    private static long CheckSizes(
        int batch, int steps, int width, string widthName, int input, string inputName, int gradient, string gradientName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(width, widthName);
        long size = (long)batch * steps * width;
        CheckSize(input, size, "batch·steps·", widthName, inputName);
        if (gradient != 0)
        {
            CheckSize(gradient, size, "batch·steps·", widthName, gradientName, " (or be empty)");
        }

        return size;
    }

    /// <summary>Throws unless <paramref name="actual"/> = <paramref name="expected"/> = <paramref name="factors"/><paramref name="lastFactor"/>.</summary>
    private static void CheckSize(int actual, long expected, string factors, string lastFactor, string parameter, string alternative = "")
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{parameter} must hold {factors}{lastFactor} = {expected} values{alternative}, got {actual}.", parameter);
        }
    }

    private static void CheckLengths(ReadOnlySpan<int> lengths, int batch, int steps) => Layers.Guard.Lengths(lengths, batch, steps);

    /// <summary>The valid steps of sequence <paramref name="b"/>.</summary>
    private static int ValidSteps(ReadOnlySpan<int> lengths, int b, int steps) => lengths.IsEmpty ? steps : lengths[b];

    /// <summary>The valid steps of the whole batch.</summary>
    private static long TotalValidSteps(ReadOnlySpan<int> lengths, int batch, int steps)
    {
        long count = 0;
        for (int b = 0; b < batch; b++)
        {
            count += ValidSteps(lengths, b, steps);
        }

        return count;
    }

    /// <summary>Zeroes the gradient rows of sequence <paramref name="b"/> at and after step <paramref name="length"/>.</summary>
    private static void ClearPadding<T>(Span<T> gradient, int b, int length, int steps, int width)
    {
        if (!gradient.IsEmpty)
        {
            gradient.Slice(((b * steps) + length) * width, (steps - length) * width).Clear();
        }
    }

    /// <summary>Values are summed in chunks of this many, the chunks' sums added in order.</summary>
    private const int SumChunk = 256;

    /// <summary>Σ exp(x − shift), through a stack buffer so that it allocates nothing; summed as <see cref="SumInChunks"/> sums.</summary>
    private static T SumOfShiftedExponentials<T>(ReadOnlySpan<T> x, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> buffer = stackalloc T[Math.Min(x.Length, SumChunk)];
        T sum = T.Zero;
        for (int i = 0; i < x.Length; i += buffer.Length)
        {
            Span<T> chunk = buffer[..Math.Min(buffer.Length, x.Length - i)];
            TensorPrimitives.Subtract(x.Slice(i, chunk.Length), shift, chunk);
            TensorPrimitives.Exp(chunk, chunk);
            sum += TensorPrimitives.Sum<T>(chunk);
        }

        return sum;
    }

    /// <summary>Σ values in chunks of <see cref="SumChunk"/>, the chunks' sums added in order.</summary>
    private static T SumInChunks<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        for (int i = 0; i < values.Length; i += SumChunk) sum += TensorPrimitives.Sum<T>(values.Slice(i, Math.Min(SumChunk, values.Length - i)));
        return sum;
    }

    /// <summary>σ(x) = 1 / (1 + exp(−x)), written so that exp never overflows.</summary>
    private static T Sigmoid<T>(T x)
        where T : IFloatingPointIeee754<T>
    {
        if (x >= T.Zero)
        {
            return T.One / (T.One + T.Exp(-x));
        }

        T e = T.Exp(x);
        return e / (T.One + e);
    }
}
