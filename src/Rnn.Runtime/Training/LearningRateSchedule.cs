using System;

namespace Rnn;

/// <summary>
/// A learning rate per training step. Steps count from 0: <c>At(step)</c> is the rate for the update that follows
/// <c>step</c> earlier updates, i.e. <c>optimizer.LearningRate = schedule.At(optimizer.StepCount)</c> just before
/// <c>optimizer.Step(...)</c>. Evaluating a schedule allocates nothing, and neither does setting
/// <see cref="IOptimizer.LearningRate"/>.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> (0 for the first update).</summary>
    /// <param name="step">The number of updates already made, not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public abstract float At(int step);

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative.</summary>
    private protected static void CheckRate(float value, string name)
    {
        if (!(value >= 0) || float.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and not negative.");
        }
    }
}
