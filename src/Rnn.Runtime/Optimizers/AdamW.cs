using System;

namespace Rnn;

/// <summary>
/// AdamW: Adam with decoupled weight decay, computing what PyTorch 1.13's <c>torch.optim.AdamW</c> (single-tensor
/// path, no amsgrad) computes, in the same float operations per element, with t = <see cref="Optimizer.StepCount"/>:
/// <code>
/// p = p·(1 − lr·weightDecay)
/// m = β₁·m + (1 − β₁)·g
/// v = β₂·v + (1 − β₂)·g·g
/// p = p − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// State: <c>exp_avg</c> (m) and <c>exp_avg_sq</c> (v).
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly AdamUpdate update;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size lr, not negative.</param>
    /// <param name="beta1">Decay of the gradient's running average m, in [0, 1).</param>
    /// <param name="beta2">Decay of the squared gradient's running average v, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for stability, not negative.</param>
    /// <param name="weightDecay">Decoupled weight decay: each step scales the parameters by 1 − lr·weightDecay. Not negative.</param>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f)
        : base(learningRate, AdamUpdate.StateNames)
    {
        update = new AdamUpdate(beta1, beta2, epsilon, weightDecay, decoupled: true);
    }

    /// <summary>Decay of the gradient's running average.</summary>
    public float Beta1 => update.Beta1;

    /// <summary>Decay of the squared gradient's running average.</summary>
    public float Beta2 => update.Beta2;

    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon => update.Epsilon;

    /// <summary>The decoupled weight decay.</summary>
    public float WeightDecay => update.WeightDecay;

    private protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, int step) =>
        update.Apply(parameters, gradients, State(0, offset, parameters.Length), State(1, offset, parameters.Length), LearningRateAsWritten, step);
}
