using System;

namespace Rnn;

/// <summary>What happened in the step a <see cref="TrainingProgress"/> reports.</summary>
public enum TrainingEvent
{
    /// <summary>An optimizer step.</summary>
    Step,

    /// <summary>A validation loss was computed after the step.</summary>
    Validation,

    /// <summary>A checkpoint was written after the step.</summary>
    Checkpoint,

    /// <summary>Early stopping ended the run after the step.</summary>
    EarlyStop,
}

/// <summary>One progress report of <see cref="Trainer"/>: a value type, so reporting allocates nothing.</summary>
/// <param name="Event">What happened.</param>
/// <param name="Step">Steps done.</param>
/// <param name="Steps">Steps in the run.</param>
/// <param name="Loss">The step's training loss.</param>
/// <param name="SmoothedLoss">An exponential moving average of the training loss (weight 0.98, bias-corrected).</param>
/// <param name="ValidationLoss">The latest validation loss (NaN before the first).</param>
/// <param name="LearningRate">The step's learning rate.</param>
/// <param name="TokensPerSecond">Training throughput since the run (or resume) started.</param>
/// <param name="Elapsed">Time since the run (or resume) started.</param>
/// <param name="Remaining">Estimated time to the last step.</param>
public readonly record struct TrainingProgress(
    TrainingEvent Event, int Step, int Steps, float Loss, float SmoothedLoss, float ValidationLoss, float LearningRate,
    double TokensPerSecond, TimeSpan Elapsed, TimeSpan Remaining);
