using System;

namespace Rnn;

/// <summary>Updates a flat block of parameters from its gradients, one training step per call.</summary>
public interface IOptimizer
{
    /// <summary>The learning rate used by the next <see cref="Step"/>; may be changed between steps (schedules).</summary>
    float LearningRate { get; set; }

    /// <summary>Applies one update to <paramref name="parameters"/> in place.</summary>
    /// <param name="parameters">The parameters, the same block (and length) at every call.</param>
    /// <param name="gradients">d loss / d parameters, as long as <paramref name="parameters"/>.</param>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
