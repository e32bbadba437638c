using System;

namespace Rnn;

/// <summary>
/// Linear warm-up, then cosine decay (the schedule of nanoGPT and of Hugging Face's
/// <c>get_cosine_schedule_with_warmup</c>, with the warm-up counted from step + 1), computed in double and rounded to float:
/// <code>
/// step &lt; warmup:              peak · (step + 1) / warmup
/// warmup ≤ step &lt; total:      minimum + (peak − minimum) · ½ · (1 + cos(π · (step − warmup) / (total − warmup)))
/// step ≥ total:               minimum
/// </code>
/// Counting the warm-up from step + 1 means the first update already moves (rate peak / warmup) and the last warm-up
/// step reaches the peak; the decay starts at the peak at step <c>warmup</c> and reaches the minimum at step <c>total</c>.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="peak">The rate at the end of the warm-up, finite and not negative.</param>
    /// <param name="warmupSteps">The length of the linear warm-up; 0 starts at the peak.</param>
    /// <param name="totalSteps">The step at which the decay reaches <paramref name="minimum"/>, at least <paramref name="warmupSteps"/>.</param>
    /// <param name="minimum">The rate at and after <paramref name="totalSteps"/>, in [0, <paramref name="peak"/>].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range (the exception names it).</exception>
    public CosineSchedule(float peak, int warmupSteps, int totalSteps, float minimum = 0)
    {
        CheckRate(peak, nameof(peak));
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps < warmupSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"totalSteps must be at least warmupSteps ({warmupSteps}).");
        }

        CheckRate(minimum, nameof(minimum));
        if (minimum > peak)
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, $"minimum must not exceed peak ({peak}).");
        }

        (Peak, WarmupSteps, TotalSteps, Minimum) = (peak, warmupSteps, totalSteps, minimum);
    }

    /// <summary>The rate at the end of the warm-up.</summary>
    public float Peak { get; }

    /// <summary>The length of the warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>The step at which the rate reaches <see cref="Minimum"/>.</summary>
    public int TotalSteps { get; }

    /// <summary>The rate at and after <see cref="TotalSteps"/>.</summary>
    public float Minimum { get; }

    /// <inheritdoc/>
    public override float At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step >= TotalSteps)
        {
            return Minimum;
        }

        if (step < WarmupSteps)
        {
            return (float)((double)Peak * (step + 1) / WarmupSteps);
        }

        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return (float)(Minimum + (((double)Peak - Minimum) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }
}
