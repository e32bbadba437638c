using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rnn;

/// <summary>
/// The state shared by the optimizers: learning rate, step count and per-parameter buffers (PyTorch's
/// <c>state</c> entries). Buffers are allocated by the first <see cref="Step"/> for that parameter count;
/// later steps allocate nothing.
/// </summary>
/// <remarks>
/// Checkpointing: save <see cref="StepCount"/> and, for each name in <see cref="StateNames"/>, the span
/// <see cref="GetState"/> returns. To restore, call <see cref="Initialize"/> with the parameter count and the saved
/// step count, then copy each saved buffer into <see cref="GetState"/>'s span.
/// </remarks>
public abstract class Optimizer : IOptimizer
{
    private readonly string[] stateNames;
    private float[][]? state;
    private int parameterCount;
    private float learningRate;

    /// <summary>Creates an optimizer with the named per-parameter buffers.</summary>
    private protected Optimizer(float learningRate, params string[] stateNames)
    {
        LearningRate = learningRate;
        this.stateNames = stateNames;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public float LearningRate
    {
        get => learningRate;
        set
        {
            CheckNonNegative(value, nameof(LearningRate));
            learningRate = value;
            LearningRateAsWritten = AsWritten(value);
        }
    }

    /// <summary>The number of steps taken since construction or <see cref="Reset"/> (PyTorch's <c>state["step"]</c>).</summary>
    public int StepCount { get; private set; }

    /// <summary>The names of the per-parameter buffers, as PyTorch names them in an optimizer's state.</summary>
    public IReadOnlyList<string> StateNames => stateNames;

    /// <summary><see cref="LearningRate"/> as the double a user writes in Python (see <see cref="AsWritten"/>).</summary>
    private protected double LearningRateAsWritten { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="gradients"/> is not as long as <paramref name="parameters"/>, or not as long as the parameters the
    /// state was made for (call <see cref="Reset"/> to start over with another block).
    /// </exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException(
                $"gradients holds {gradients.Length} values, but parameters holds {parameters.Length}.", nameof(gradients));
        }

        if (state is null)
        {
            Initialize(parameters.Length);
        }
        else if (parameters.Length != parameterCount)
        {
            throw new ArgumentException(
                $"gradients and parameters hold {parameters.Length} values, but the optimizer's state is for {parameterCount}; call Reset() to start over.",
                nameof(gradients));
        }

        StepCount++;
        UpdateParts.Run(this, parameters, gradients, StepCount);
    }

    /// <summary>A per-parameter buffer, to read or write (for checkpoints).</summary>
    /// <param name="name">One of <see cref="StateNames"/>.</param>
    /// <exception cref="ArgumentException">The optimizer has no buffer of this name.</exception>
    /// <exception cref="InvalidOperationException">No state exists yet: call <see cref="Step"/> or <see cref="Initialize"/> first.</exception>
    public Span<float> GetState(string name)
    {
        int index = Array.IndexOf(stateNames, name);
        if (index < 0)
        {
            throw new ArgumentException($"There is no state '{name}'; this optimizer has [{string.Join(", ", stateNames)}].", nameof(name));
        }

        return state is null
            ? throw new InvalidOperationException("The optimizer has no state yet: call Step or Initialize first.")
            : state[index];
    }

    /// <summary>
    /// Creates zeroed state for <paramref name="parameterCount"/> parameters, as after <paramref name="stepCount"/> steps,
    /// replacing any state there was. Used to restore a checkpoint; <see cref="Step"/> calls it by itself.
    /// </summary>
    /// <param name="parameterCount">The length of the parameter block.</param>
    /// <param name="stepCount">The steps already taken.</param>
    public void Initialize(int parameterCount, int stepCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        state = Array.ConvertAll(stateNames, _ => new float[parameterCount]);
        this.parameterCount = parameterCount;
        StepCount = stepCount;
    }

    /// <summary>Forgets the state: the next <see cref="Step"/> starts afresh, for a block of any length.</summary>
    public void Reset()
    {
        state = null;
        parameterCount = 0;
        StepCount = 0;
    }

    /// <summary>The elements [offset, offset + length) of the buffer named <c>StateNames[index]</c>.</summary>
    private protected Span<float> State(int index, int offset, int length) => state![index].AsSpan(offset, length);

    /// <summary>
    /// Applies step number <paramref name="step"/> (1 for the first) to the elements [offset, offset + parameters.Length)
    /// of the block: element by element, so any cut of the block gives the same numbers. Lengths are checked and state exists.
    /// </summary>
    private protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, int step);

    /// <summary>
    /// A step's update over the block in two halves on the kernel threads when the block is large (the cut at a multiple
    /// of 64 elements, so both halves take the same vector path as one pass would).
    /// </summary>
    private sealed unsafe class UpdateParts : Kernels.KernelJob
    {
        private const int ParallelMin = 1 << 16;

        [ThreadStatic] private static UpdateParts? t_job;
        private Optimizer optimizer = null!;
        private float* parameters, gradients;
        private int length, step, cut;

        public static void Run(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradients, int step)
        {
            if (parameters.Length < ParallelMin)
            {
                optimizer.Update(parameters, gradients, 0, step);
                return;
            }

            fixed (float* p = parameters, g = gradients)
            {
                var job = t_job ??= new UpdateParts();
                job.optimizer = optimizer;
                job.parameters = p;
                job.gradients = g;
                job.length = parameters.Length;
                job.step = step;
                job.cut = parameters.Length / 2 / 64 * 64;
                try
                {
                    Kernels.KernelParallel.RunParts(job, 2);
                }
                finally
                {
                    job.optimizer = null!;
                    job.parameters = job.gradients = null;
                }
            }
        }

        public override void RunPart(int part)
        {
            int offset = part == 0 ? 0 : cut, count = part == 0 ? cut : length - cut;
            optimizer.Update(new Span<float>(parameters + offset, count), new ReadOnlySpan<float>(gradients + offset, count), offset, step);
        }
    }

    /// <summary>
    /// The double nearest the shortest decimal that rounds to <paramref name="value"/>: for 0.9f it is 0.9, not
    /// 0.89999997615814209. PyTorch computes coefficients such as 1 − β₁ and lr / (1 − β₁ᵗ) in double from the
    /// decimal the user wrote, then rounds them to float; starting from this value gives the same floats.
    /// </summary>
    internal static double AsWritten(float value)
    {
        Span<char> text = stackalloc char[32];   // allocation-free, so schedules may set LearningRate every step
        value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture);
        return double.Parse(text[..length], CultureInfo.InvariantCulture);
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ 0 (NaN fails).</summary>
    internal static void CheckNonNegative(float value, string name)
    {
        if (!(value >= 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");
        }
    }
}
