using System;
using System.Linq;

namespace Rnn.Tests;

public class OptimizerTests
{
    // Expected values: PyTorch 1.13's update formulas evaluated in the same order with every intermediate rounded to
    // float (a Python transcription), so the optimizers must match them bit for bit.
    private static readonly float[] P0 = [1f, -2f, 0.5f];
    private static readonly float[] G1 = [0.1f, 0.2f, -0.3f];
    private static readonly float[] G2 = [-0.05f, 0.4f, 0.1f];

    public static TheoryData<string> Kinds => new() { "sgd", "sgd-momentum", "sgd-nesterov", "adam", "adamw" };

    [Fact]
    public void Sgd_WithMomentumDampeningAndWeightDecay_FirstTwoSteps()
    {
        // step 1: d = g + 0.01·p; buf = d;                       p −= 0.1·buf
        // step 2: d = g + 0.01·p; buf = 0.9·buf + (1 − 0.1)·d;   p −= 0.1·buf
        var sgd = new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f);
        AssertTwoSteps(sgd, [0.989000022f, -2.01799989f, 0.529500008f], [0.982709944f, -2.06838369f, 0.54657346f]);
        Assert.Equal(["momentum_buffer"], sgd.StateNames);
    }

    [Fact]
    public void Sgd_Nesterov_FirstTwoSteps()
    {
        // as above with dampening 0, then d = d + 0.9·buf before p −= 0.1·d
        var sgd = new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f, nesterov: true);
        AssertTwoSteps(sgd, [0.979099989f, -2.03419995f, 0.556050003f], [0.977829695f, -2.12091494f, 0.559888482f]);
    }

    [Fact]
    public void Sgd_Plain_FirstTwoSteps()
    {
        var sgd = new Sgd(0.1f);
        AssertTwoSteps(sgd, [0.99000001f, -2.01999998f, 0.529999971f], [0.995000005f, -2.05999994f, 0.519999981f]);
        Assert.Empty(sgd.StateNames);
    }

    [Fact]
    public void Adam_WithWeightDecay_FirstTwoSteps()
    {
        // g += 0.1·p; m = 0.9·m + 0.1·g; v = 0.999·v + 0.001·g·g;
        // p −= (0.01 / (1 − 0.9ᵗ))·m / (√v / √(1 − 0.999ᵗ) + 1e−8)
        var adam = new Adam(0.01f, weightDecay: 0.1f);
        float[] p = AssertTwoSteps(adam, [0.99000001f, -2f, 0.50999999f], [0.981720507f, -2.00744128f, 0.51188612f]);
        Assert.Equal([0.0229000002f, 0.0200000014f, -0.00739999954f], adam.GetState("exp_avg").ToArray());
        Assert.Equal([4.23610036e-05f, 4.00000026e-05f, 8.52384983e-05f], adam.GetState("exp_avg_sq").ToArray());
        Assert.Equal(2, adam.StepCount);
        Assert.Equal(3, p.Length);
    }

    [Fact]
    public void AdamW_FirstTwoSteps()
    {
        // p *= 1 − 0.01·0.1, then Adam without weight decay in the gradient
        var adamW = new AdamW(0.01f, weightDecay: 0.1f);
        AssertTwoSteps(adamW, [0.989000022f, -2.00800014f, 0.509500027f], [0.985347688f, -2.01564407f, 0.51299274f]);
        Assert.Equal([0.00400000019f, 0.0580000058f, -0.0170000009f], adamW.GetState("exp_avg").ToArray());
        Assert.Equal([1.24900007e-05f, 0.000199960021f, 9.99100157e-05f], adamW.GetState("exp_avg_sq").ToArray());
    }

    [Fact]
    public void AdamW_WithZeroGradients_OnlyDecaysTheParameters()
    {
        var adamW = new AdamW(0.5f, weightDecay: 0.2f);
        float[] p = [2f, -4f];
        adamW.Step(p, new float[2]);
        Assert.Equal([2f * 0.9f, -4f * 0.9f], p);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void VectorLanes_ComputeWhatTheScalarTailComputes(string kind)
    {
        const int Length = 37;   // several vectors of any width and a tail
        float[] Repeat(float[] pattern) => Enumerable.Range(0, Length).Select(i => pattern[i % 3]).ToArray();
        IOptimizer small = Create(kind), large = Create(kind);
        float[] p = (float[])P0.Clone(), pLarge = Repeat(P0);
        foreach (float[] g in new[] { G1, G2, G1 })
        {
            small.Step(p, g);
            large.Step(pLarge, Repeat(g));
        }

        Assert.Equal(Repeat(p), pLarge);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void QuadraticBowl_Converges(string kind)
    {
        // f(p) = ½ Σ aᵢ (pᵢ − cᵢ)², gradient aᵢ (pᵢ − cᵢ), minimum at c.
        float[] a = [1f, 3f, 0.5f, 2f, 1.5f, 1f, 2.5f, 0.8f, 1.2f, 2f, 1f];
        float[] c = [1f, -2f, 0.5f, 3f, 0f, -1f, 2f, -0.5f, 1.5f, -3f, 0.25f];
        var p = new float[a.Length];
        var g = new float[a.Length];
        IOptimizer optimizer = Create(kind, bowl: true);
        for (int step = 0; step < 2000; step++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                g[i] = a[i] * (p[i] - c[i]);
            }

            optimizer.Step(p, g);
        }

        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(c[i], p[i], tolerance: 1e-3f);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_AllocatesNothingAfterTheFirst(string kind)
    {
        IOptimizer optimizer = Create(kind);
        var p = new float[100];
        float[] g = Enumerable.Range(0, 100).Select(i => MathF.Sin(i)).ToArray();
        optimizer.Step(p, g);
        SteadyState.AssertAllocatesNothing(() =>
        {
            optimizer.LearningRate *= 0.999f;   // as a schedule would
            optimizer.Step(p, g);
        });
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_RejectsLengthsThatDiffer(string kind)
    {
        IOptimizer optimizer = Create(kind);
        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[3], new float[2]));
        Assert.Equal("gradients", error.ParamName);

        optimizer.Step(new float[3], new float[3]);
        error = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[4], new float[4]));
        Assert.Equal("gradients", error.ParamName);
        Assert.Contains("Reset()", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Checkpoint_RestoredIntoANewOptimizer_ContinuesTheSameTrajectory(string kind)
    {
        var original = (Optimizer)Create(kind);
        float[] p = (float[])P0.Clone();
        original.Step(p, G1);
        original.Step(p, G2);

        var restored = (Optimizer)Create(kind);
        restored.Initialize(p.Length, original.StepCount);
        foreach (string name in original.StateNames)
        {
            original.GetState(name).CopyTo(restored.GetState(name));
        }

        float[] q = (float[])p.Clone();
        original.Step(p, G1);
        restored.Step(q, G1);
        Assert.Equal(p, q);
        Assert.Equal(3, restored.StepCount);
    }

    [Fact]
    public void Reset_ForgetsTheState()
    {
        var adam = new Adam();
        adam.Step(new float[3], G1);
        adam.Reset();
        Assert.Equal(0, adam.StepCount);
        Assert.Throws<InvalidOperationException>(() => adam.GetState("exp_avg"));
        adam.Step(new float[5], new float[5]);
        Assert.Equal(1, adam.StepCount);
        Assert.Equal(5, adam.GetState("exp_avg").Length);
        Assert.Throws<ArgumentException>(() => adam.GetState("momentum_buffer"));
    }

    [Fact]
    public void Constructors_RejectInvalidHyperparameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, momentum: -0.5f));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(beta2: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam().LearningRate = -1f);
    }

    [Fact]
    public void AsWritten_RecoversTheDecimalLiteral()
    {
        Assert.Equal(0.9, Optimizer.AsWritten(0.9f));
        Assert.Equal(0.999, Optimizer.AsWritten(0.999f));
        Assert.Equal(1e-3, Optimizer.AsWritten(1e-3f));
        Assert.Equal(1e-45, Optimizer.AsWritten(float.Epsilon));
        Assert.Equal(-0.1, Optimizer.AsWritten(-0.1f));
        Assert.Equal(3.4028235E+38, Optimizer.AsWritten(float.MaxValue));   // the shortest decimal for float.MaxValue
        Assert.Equal(double.PositiveInfinity, Optimizer.AsWritten(float.PositiveInfinity));
        Assert.NotEqual(0.9, (double)0.9f);
    }

    private static float[] AssertTwoSteps(IOptimizer optimizer, float[] afterFirst, float[] afterSecond)
    {
        float[] p = (float[])P0.Clone();
        optimizer.Step(p, G1);
        Assert.Equal(afterFirst, p);
        optimizer.Step(p, G2);
        Assert.Equal(afterSecond, p);
        return p;
    }

    private static IOptimizer Create(string kind, bool bowl = false) => kind switch
    {
        "sgd" => new Sgd(0.1f, weightDecay: bowl ? 0f : 0.01f),
        "sgd-momentum" => new Sgd(0.05f, momentum: 0.9f, dampening: bowl ? 0f : 0.1f, weightDecay: bowl ? 0f : 0.01f),
        "sgd-nesterov" => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
        "adam" => new Adam(bowl ? 0.02f : 0.01f, weightDecay: bowl ? 0f : 0.1f),
        "adamw" => new AdamW(bowl ? 0.02f : 0.01f, weightDecay: bowl ? 0f : 0.1f),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };
}
