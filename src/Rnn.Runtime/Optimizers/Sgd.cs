using System;
using System.Numerics;

namespace Rnn;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum, computing what
/// PyTorch 1.13's <c>torch.optim.SGD</c> computes, in the same float operations per element:
/// <code>
/// g = grad + weightDecay·p                          (when weightDecay ≠ 0)
/// buf = g  (first step),  buf = momentum·buf + (1 − dampening)·g  (later)    (when momentum ≠ 0)
/// g = nesterov ? g + momentum·buf : buf
/// p = p − lr·g
/// </code>
/// State: <c>momentum_buffer</c> when momentum ≠ 0.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size lr, not negative.</param>
    /// <param name="momentum">The momentum factor, not negative; 0 for plain SGD.</param>
    /// <param name="dampening">Dampening of the gradient's share in the momentum buffer.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, not negative.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and dampening 0).</param>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(learningRate, momentum != 0 ? ["momentum_buffer"] : [])
    {
        CheckNonNegative(momentum, nameof(momentum));
        CheckNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening 0.", nameof(nesterov));
        }

        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <summary>The momentum factor.</summary>
    public float Momentum { get; }

    /// <summary>The dampening of the gradient's share in the momentum buffer.</summary>
    public float Dampening { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    private protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, int step)
    {
        float lr = LearningRate, mu = Momentum, wd = WeightDecay, keep = 1f - Dampening;
        bool useMomentum = mu != 0, decay = wd != 0, first = step == 1, nesterov = Nesterov;
        Span<float> buffer = useMomentum ? State(0, offset, parameters.Length) : default;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = new Vector<float>(parameters[i..]);
                var g = new Vector<float>(gradients[i..]);
                if (decay)
                {
                    g += wd * p;
                }

                if (useMomentum)
                {
                    Vector<float> b = first ? g : (mu * new Vector<float>(buffer[i..])) + (keep * g);
                    b.CopyTo(buffer[i..]);
                    g = nesterov ? g + (mu * b) : b;
                }

                (p - (lr * g)).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = gradients[i];
            if (decay)
            {
                g += wd * parameters[i];
            }

            if (useMomentum)
            {
                float b = first ? g : (mu * buffer[i]) + (keep * g);
                buffer[i] = b;
                g = nesterov ? g + (mu * b) : b;
            }

            parameters[i] -= lr * g;
        }
    }
}
