using System;
using System.Linq;

namespace Rnn.Tests;

public class LossesTests
{
    private const int Batch = 3, Steps = 4, Width = 5;
    private static readonly int[] Lengths = [4, 2, 0];

    [Fact]
    public void SoftmaxCrossEntropy_MatchesAnIndependentComputation_WithMasking()
    {
        double[] logits = Values(Batch * Steps * Width, seed: 1, scale: 3);
        int[] targets = Classes(seed: 2);
        targets[1 * Steps + 3] = -100;   // padding: ignored
        var gradient = new double[logits.Length];
        Array.Fill(gradient, double.NaN);

        double loss = Losses.SoftmaxCrossEntropy<double>(logits, targets, Batch, Steps, Width, Lengths, gradient);

        Assert.Equal(ReferenceCrossEntropy(logits, targets, Lengths), loss, 12);
        AssertPaddingIsZero(gradient);
        AssertMatchesFiniteDifferences(gradient, logits, x => Losses.SoftmaxCrossEntropy<double>(x, targets, Batch, Steps, Width, Lengths, default));
        Assert.Equal(loss, Losses.SoftmaxCrossEntropy<double>(logits, targets, Batch, Steps, Width, Lengths, default));
    }

    [Fact]
    public void SoftmaxCrossEntropy_InFloat_AgreesWithDouble()
    {
        double[] logits = Values(Batch * Steps * Width, seed: 3, scale: 3);
        int[] targets = Classes(seed: 4);
        var gradient = new float[logits.Length];
        float loss = Losses.SoftmaxCrossEntropy<float>(ToFloat(logits), targets, Batch, Steps, Width, default, gradient);

        Assert.Equal(ReferenceCrossEntropy(logits, targets, []), loss, 5);
        var expected = new double[logits.Length];
        Losses.SoftmaxCrossEntropy<double>(logits, targets, Batch, Steps, Width, default, expected);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], gradient[i], 6);
        }
    }

    [Fact]
    public void SoftmaxCrossEntropy_IsStableForHugeLogits()
    {
        float[] logits = [1000f, -1000f, 0f, 1000f, 1000f, -5000f];
        var gradient = new float[6];
        float loss = Losses.SoftmaxCrossEntropy<float>(logits, [1, 0], 2, 1, 3, default, gradient);

        Assert.Equal((2000 + MathF.Log(2)) / 2, loss, 3);   // row 0: −log p(−1000) ≈ 2000; row 1: −log ½
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal([0.5f, -0.5f, 0f, -0.25f, 0.25f, 0f], gradient);
    }

    [Fact]
    public void SoftmaxCrossEntropy_WithNoValidPosition_IsZero()
    {
        var gradient = new float[2 * 3 * 4];
        Array.Fill(gradient, float.NaN);
        float loss = Losses.SoftmaxCrossEntropy<float>(new float[24], new int[6], 2, 3, 4, [0, 0], gradient);
        Assert.Equal(0f, loss);
        Assert.All(gradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void SoftmaxCrossEntropy_RejectsBadTargetsAtValidPositionsOnly()
    {
        var logits = new float[2 * 2 * 3];
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => Losses.SoftmaxCrossEntropy<float>(logits, [0, 3, 1, 1], 2, 2, 3, default, default));
        Assert.Equal("targets", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy<float>(logits, [0, -1, 1, 1], 2, 2, 3, default, default));

        float loss = Losses.SoftmaxCrossEntropy<float>(logits, [0, -100, 1, 7], 2, 2, 3, [1, 1], default);
        Assert.Equal(MathF.Log(3), loss, 6);
    }

    [Fact]
    public void SoftmaxCrossEntropy_ChecksSizes()
    {
        var error = Assert.Throws<ArgumentException>(
            () => Losses.SoftmaxCrossEntropy<float>(new float[28], new int[6], 2, 3, 5, default, default));
        Assert.Equal("logits", error.ParamName);
        Assert.StartsWith("logits must hold batch·steps·classes = 30 values, got 28.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy<float>(new float[30], new int[5], 2, 3, 5, default, default));
        Assert.Equal("targets", error.ParamName);
        Assert.Contains("batch·steps = 6", error.Message);

        error = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy<float>(new float[30], new int[6], 2, 3, 5, default, new float[29]));
        Assert.Equal("dLogits", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy<float>(default, default, 0, 3, 0, default, default));
    }

    [Theory]
    [InlineData(new[] { 4, 5, 0 })]
    [InlineData(new[] { 4, -1, 0 })]
    [InlineData(new[] { 4, 2 })]
    public void EveryLoss_ChecksLengths(int[] lengths)
    {
        var values = new float[Batch * Steps * Width];
        void Check(Action call) => Assert.Equal("lengths", Assert.Throws<ArgumentException>(call).ParamName);
        Check(() => Losses.SoftmaxCrossEntropy<float>(values, new int[Batch * Steps], Batch, Steps, Width, lengths, default));
        Check(() => Losses.SigmoidBinaryCrossEntropy<float>(values, values, Batch, Steps, Width, lengths, default));
        Check(() => Losses.MeanSquaredError<float>(values, values, Batch, Steps, Width, lengths, default));
    }

    [Fact]
    public void SigmoidBinaryCrossEntropy_MatchesAnIndependentComputation_WithMasking()
    {
        double[] logits = Values(Batch * Steps * Width, seed: 5, scale: 4);
        double[] targets = Values(Batch * Steps * Width, seed: 6, scale: 1).Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        var gradient = new double[logits.Length];
        Array.Fill(gradient, double.NaN);

        double loss = Losses.SigmoidBinaryCrossEntropy<double>(logits, targets, Batch, Steps, Width, Lengths, gradient);

        double expected = MeanOverValid(i =>
        {
            double p = 1 / (1 + Math.Exp(-logits[i]));
            return -(targets[i] * Math.Log(p) + (1 - targets[i]) * Math.Log(1 - p));
        });
        Assert.Equal(expected, loss, 12);
        AssertPaddingIsZero(gradient);
        AssertMatchesFiniteDifferences(gradient, logits, x => Losses.SigmoidBinaryCrossEntropy<double>(x, targets, Batch, Steps, Width, Lengths, default));
    }

    [Fact]
    public void SigmoidBinaryCrossEntropy_IsStableForHugeLogits()
    {
        var gradient = new float[4];
        float loss = Losses.SigmoidBinaryCrossEntropy<float>([100f, -100f, 100f, -100f], [0f, 1f, 1f, 0f], 1, 1, 4, default, gradient);
        Assert.Equal(50f, loss, 4);   // (100 + 100 + 0 + 0) / 4
        float[] expected = [0.25f, -0.25f, 0f, 0f];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], gradient[i], tolerance: 1e-7f);
        }
    }

    [Fact]
    public void MeanSquaredError_MatchesAnIndependentComputation_WithMasking()
    {
        double[] predictions = Values(Batch * Steps * Width, seed: 7, scale: 2);
        double[] targets = Values(Batch * Steps * Width, seed: 8, scale: 2);
        var gradient = new double[predictions.Length];
        Array.Fill(gradient, double.NaN);

        double loss = Losses.MeanSquaredError<double>(predictions, targets, Batch, Steps, Width, Lengths, gradient);

        Assert.Equal(MeanOverValid(i => (predictions[i] - targets[i]) * (predictions[i] - targets[i])), loss, 12);
        AssertPaddingIsZero(gradient);
        AssertMatchesFiniteDifferences(gradient, predictions, x => Losses.MeanSquaredError<double>(x, targets, Batch, Steps, Width, Lengths, default));
    }

    [Fact]
    public void MeanSquaredError_HandWorked()
    {
        var gradient = new float[4];
        float loss = Losses.MeanSquaredError<float>([1f, 2f, 3f, 4f], [0f, 0f, 3f, 2f], 1, 2, 2, default, gradient);
        Assert.Equal((1f + 4f + 0f + 4f) / 4f, loss);
        Assert.Equal([0.5f, 1f, 0f, 1f], gradient);
    }

    [Fact]
    public void BinaryLosses_CheckSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError<float>(new float[30], new float[29], 2, 3, 5, default, default));
        Assert.Equal("targets", error.ParamName);
        Assert.StartsWith("targets must hold batch·steps·features = 30 values, got 29.", error.Message);
        error = Assert.Throws<ArgumentException>(() => Losses.SigmoidBinaryCrossEntropy<float>(new float[31], new float[30], 2, 3, 5, default, default));
        Assert.Equal("logits", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError<float>(new float[30], new float[30], 2, 3, 5, default, new float[1]));
        Assert.Equal("dPredictions", error.ParamName);
    }

    [Fact]
    public void Losses_AllocateNothing()
    {
        float[] logits = ToFloat(Values(Batch * Steps * Width, seed: 9, scale: 2));
        float[] targets = ToFloat(Values(Batch * Steps * Width, seed: 10, scale: 1));
        int[] classes = Classes(seed: 11);
        var gradient = new float[logits.Length];
        SteadyState.AssertAllocatesNothing(() =>
        {
            Losses.SoftmaxCrossEntropy<float>(logits, classes, Batch, Steps, Width, Lengths, gradient);
            Losses.SoftmaxCrossEntropy<float>(logits, classes, Batch, Steps, Width, default, default);
            Losses.SigmoidBinaryCrossEntropy<float>(logits, targets, Batch, Steps, Width, Lengths, gradient);
            Losses.MeanSquaredError<float>(logits, targets, Batch, Steps, Width, Lengths, gradient);
        });
    }

    private static double ReferenceCrossEntropy(double[] logits, int[] targets, int[] lengths)
    {
        double total = 0;
        int count = 0;
        for (int b = 0; b < Batch; b++)
        {
            for (int t = 0; t < (lengths.Length == 0 ? Steps : lengths[b]); t++)
            {
                double[] row = logits.Skip((b * Steps + t) * Width).Take(Width).ToArray();
                total += Math.Log(row.Sum(Math.Exp)) - row[targets[b * Steps + t]];
                count++;
            }
        }

        return total / count;
    }

    /// <summary>The mean of <paramref name="term"/> over the elements at valid positions of <see cref="Lengths"/>.</summary>
    private static double MeanOverValid(Func<int, double> term)
    {
        var valid = Enumerable.Range(0, Batch * Steps * Width).Where(i => (i / Width % Steps) < Lengths[i / (Steps * Width)]).ToArray();
        return valid.Sum(term) / valid.Length;
    }

    private static void AssertPaddingIsZero(double[] gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            if ((i / Width % Steps) >= Lengths[i / (Steps * Width)])
            {
                Assert.Equal(0.0, gradient[i]);
            }
        }
    }

    private static void AssertMatchesFiniteDifferences(double[] gradient, double[] x, Func<double[], double> loss)
    {
        const double H = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[i] += H;
            down[i] -= H;
            Assert.Equal((loss(up) - loss(down)) / (2 * H), gradient[i], tolerance: 1e-8);
        }
    }

    private static double[] Values(int count, int seed, double scale)
    {
        var random = new RandomSource((ulong)seed);
        return Enumerable.Range(0, count).Select(_ => scale * (2 * random.NextDouble() - 1)).ToArray();
    }

    private static int[] Classes(int seed)
    {
        var random = new RandomSource((ulong)seed);
        return Enumerable.Range(0, Batch * Steps).Select(_ => random.NextInt(Width)).ToArray();
    }

    private static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();
}
