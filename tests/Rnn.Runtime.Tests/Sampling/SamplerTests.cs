using System;
using System.Linq;

namespace Rnn.Tests;

public class SamplerTests
{
    private static readonly float[] Logits = [1.5f, -0.5f, 2.5f, 0.25f, -3f, 1f];

    [Fact]
    public void TemperatureZero_IsArgMax_AndDrawsNothing()
    {
        var random = new RandomSource(5);
        var sampler = new Sampler(random) { Temperature = 0 };
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(2, sampler.Sample(Logits));
        }

        Assert.Equal(new RandomSource(5).NextUInt64(), random.NextUInt64());
        Assert.Equal(1, sampler.Sample([3f, 7f, 7f, float.NegativeInfinity]));   // first of tied maxima
    }

    [Fact]
    public void TinyTemperature_IsArgMax()
    {
        var sampler = new Sampler(new RandomSource(1)) { Temperature = 1e-30f };
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(2, sampler.Sample(Logits));
        }
    }

    [Fact]
    public void TopKOne_IsArgMax()
    {
        var sampler = new Sampler(new RandomSource(2)) { TopK = 1, Temperature = 5f };
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(2, sampler.Sample(Logits));
        }
    }

    [Fact]
    public void FixedSeed_GivesThePinnedSequence()
    {
        var sampler = new Sampler(new RandomSource(42));
        int[] drawn = Enumerable.Range(0, 16).Select(_ => sampler.Sample(Logits)).ToArray();
        // Computed independently (a Python transcription of xoshiro256** and the inverse CDF of softmax).
        Assert.Equal([0, 2, 2, 5, 5, 2, 2, 3, 2, 2, 2, 2, 2, 2, 2, 5], drawn);
    }

    [Fact]
    public void PlainSampling_IsInverseCdfOfSoftmax_OnTheSameUniforms()
    {
        // An independent transcription: u = NextDouble() · Σp, first index whose running sum exceeds u.
        var sampler = new Sampler(new RandomSource(9)) { Temperature = 0.7f };
        var twin = new RandomSource(9);
        double[] p = Softmax(Logits, 0.7);
        for (int draw = 0; draw < 500; draw++)
        {
            double u = twin.NextDouble() * p.Sum(), running = 0;
            int expected = p.Length - 1;
            for (int i = 0; i < p.Length; i++)
            {
                running += p[i];
                if (u < running)
                {
                    expected = i;
                    break;
                }
            }

            Assert.Equal(expected, sampler.Sample(Logits));
        }
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(2f)]
    public void Frequencies_MatchSoftmaxOverTemperature(float temperature)
    {
        const int Draws = 60000;
        var sampler = new Sampler(new RandomSource(3)) { Temperature = temperature };
        var counts = new int[Logits.Length];
        for (int i = 0; i < Draws; i++)
        {
            counts[sampler.Sample(Logits)]++;
        }

        double[] p = Softmax(Logits, temperature);
        double chiSquare = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double expected = Draws * p[i];
            if (expected >= 5)
            {
                chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
            }
            else
            {
                Assert.True(counts[i] <= 30, $"token {i}: {counts[i]} draws, expected {expected:F2}");
            }

            Assert.True(Math.Abs((counts[i] / (double)Draws) - p[i]) < 0.01, $"token {i}: {counts[i] / (double)Draws} vs {p[i]}");
        }

        Assert.True(chiSquare < 20.5, $"chi-square {chiSquare} (df ≤ 5, p = 0.001 at 20.5)");
    }

    [Fact]
    public void TopK_NeverLeavesTheKLargest_AndRenormalises()
    {
        var random = new RandomSource(11);
        for (int trial = 0; trial < 50; trial++)
        {
            var logits = new float[1 + random.NextInt(40)];
            for (int i = 0; i < logits.Length; i++)
            {
                logits[i] = (float)(3 * random.NextNormal());
            }

            int k = 1 + random.NextInt(logits.Length);
            float kth = logits.OrderByDescending(x => x).ElementAt(k - 1);
            var sampler = new Sampler(new RandomSource((ulong)trial)) { TopK = k, Temperature = 3f };
            for (int draw = 0; draw < 200; draw++)
            {
                int token = sampler.Sample(logits);
                Assert.True(logits[token] >= kth, $"token {token} ({logits[token]}) is not among the {k} largest (k-th {kth})");
            }
        }

        // With k = 3 the three largest (2.5, 1.5, 1) share the mass as softmax over just them.
        var three = new Sampler(new RandomSource(4)) { TopK = 3 };
        var counts = new int[Logits.Length];
        for (int i = 0; i < 30000; i++)
        {
            counts[three.Sample(Logits)]++;
        }

        double[] p = Softmax([1.5f, 2.5f, 1f], 1);
        Assert.Equal(p[0], counts[0] / 30000.0, 0.01);
        Assert.Equal(p[1], counts[2] / 30000.0, 0.01);
        Assert.Equal(p[2], counts[5] / 30000.0, 0.01);
    }

    [Fact]
    public void TopP_NeverLeavesTheNucleus()
    {
        // Probabilities 0.5, 0.3, 0.1, 0.06, 0.04 (as logs).
        float[] logits = [MathF.Log(0.1f), MathF.Log(0.5f), MathF.Log(0.04f), MathF.Log(0.3f), MathF.Log(0.06f)];
        (float p, int[] nucleus)[] cases = [(0.4f, [1]), (0.75f, [1, 3]), (0.85f, [1, 3, 0]), (0.93f, [1, 3, 0, 4]), (0.99f, [1, 3, 0, 4, 2])];
        foreach ((float topP, int[] nucleus) in cases)
        {
            var sampler = new Sampler(new RandomSource(8)) { TopP = topP };
            var counts = new int[logits.Length];
            for (int i = 0; i < 20000; i++)
            {
                counts[sampler.Sample(logits)]++;
            }

            for (int token = 0; token < logits.Length; token++)
            {
                Assert.True(nucleus.Contains(token) == counts[token] > 0, $"TopP {topP}: token {token} drawn {counts[token]} times");
            }

            double mass = nucleus.Sum(t => Math.Exp(logits[t]));
            foreach (int token in nucleus)
            {
                Assert.Equal(Math.Exp(logits[token]) / mass, counts[token] / 20000.0, 0.015);
            }
        }
    }

    [Fact]
    public void TopKAndTopP_Combine()
    {
        var random = new RandomSource(21);
        var logits = new float[300];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)random.NextNormal();
        }

        int[] order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ToArray();
        var sampler = new Sampler(new RandomSource(1)) { TopK = 50, TopP = 0.5f };
        double[] p = order.Take(50).Select(i => Math.Exp(logits[i])).ToArray();
        double total = p.Sum(), running = 0;
        int nucleus = 0;
        while (running < 0.5 * total)
        {
            running += p[nucleus++];
        }

        var allowed = order.Take(nucleus).ToHashSet();
        for (int draw = 0; draw < 2000; draw++)
        {
            Assert.Contains(sampler.Sample(logits), allowed);
        }
    }

    [Fact]
    public void NegativeInfinity_IsNeverDrawn()
    {
        var sampler = new Sampler(new RandomSource(6)) { Temperature = 10f };
        float[] logits = [float.NegativeInfinity, 0f, float.NegativeInfinity, 0f];
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(sampler.Sample(logits) is 1 or 3);
        }
    }

    [Fact]
    public void InvalidSettings_ThrowNamingTheProperty()
    {
        var sampler = new Sampler(new RandomSource(0));
        Assert.Equal("Temperature", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Temperature = -0.1f).ParamName);
        Assert.Equal("Temperature", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Temperature = float.NaN).ParamName);
        Assert.Equal("Temperature", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Temperature = float.PositiveInfinity).ParamName);
        Assert.Equal("TopK", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopK = -1).ParamName);
        Assert.Equal("TopP", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopP = 0f).ParamName);
        Assert.Equal("TopP", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopP = 1.01f).ParamName);
        Assert.Equal("TopP", Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopP = float.NaN).ParamName);
        Assert.Equal((1f, 0, 1f), (sampler.Temperature, sampler.TopK, sampler.TopP));
        Assert.Throws<ArgumentNullException>(() => new Sampler(null!));
        Assert.Throws<ArgumentException>(() => sampler.Sample([]));
        Assert.Throws<ArgumentException>(() => sampler.Sample([0f, float.NaN]));
        Assert.Throws<ArgumentException>(() => sampler.Sample([0f, float.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => sampler.Sample([float.NegativeInfinity]));
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var random = new RandomSource(2);
        var logits = new float[5000];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)random.NextNormal();
        }

        var sampler = new Sampler(new RandomSource(3)) { Temperature = 0.9f };
        SteadyState.AssertAllocatesNothing(() => sampler.Sample(logits), 20);
        sampler.TopK = 40;
        SteadyState.AssertAllocatesNothing(() => sampler.Sample(logits), 20);
        sampler.TopP = 0.9f;
        SteadyState.AssertAllocatesNothing(() => sampler.Sample(logits), 20);
        sampler.TopK = 0;
        SteadyState.AssertAllocatesNothing(() => sampler.Sample(logits), 20);
        SteadyState.AssertAllocatesNothing(() => sampler.Sample(logits.AsSpan(0, 100)), 20);   // smaller vocabulary reuses the buffers
    }

    private static double[] Softmax(float[] logits, double temperature)
    {
        double max = logits.Max();
        double[] e = logits.Select(x => Math.Exp((x - max) / temperature)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }
}
