using System;
using Rnn;

namespace LongMemorySample;

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber, 1997): each step carries a value uniform in [0, 1) and a marker;
/// the marker is 1 at exactly two steps, one in the first half and one in the second, 0 elsewhere; the target is
/// the sum of the two marked values. The answer depends on a step up to T − 1 steps back.
/// </summary>
public sealed class AddingProblem
{
    /// <summary>Features per step: the value and the marker.</summary>
    public const int Features = 2;

    /// <summary>The MSE of always answering 1 (the mean target): the variance of a sum of two U(0, 1), 2/12.</summary>
    public const double TrivialMse = 1.0 / 6.0;

    /// <summary>Creates the problem for sequences of <paramref name="length"/> steps (at least 2).</summary>
    public AddingProblem(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Length = length;
    }

    /// <summary>Steps per sequence, T.</summary>
    public int Length { get; }

    /// <summary>Fills <paramref name="inputs"/> [batch, T, 2] and <paramref name="targets"/> [batch] with fresh sequences.</summary>
    public void Fill(RandomSource random, int batch, Span<float> inputs, Span<float> targets)
    {
        int half = Length / 2;
        for (int b = 0; b < batch; b++)
        {
            var sequence = inputs.Slice(b * Length * Features, Length * Features);
            for (int t = 0; t < Length; t++)
            {
                sequence[t * Features] = random.NextSingle();
                sequence[(t * Features) + 1] = 0;
            }

            int first = random.NextInt(half), second = half + random.NextInt(Length - half);
            sequence[(first * Features) + 1] = 1;
            sequence[(second * Features) + 1] = 1;
            targets[b] = sequence[first * Features] + sequence[second * Features];
        }
    }
}

/// <summary>A fixed set of sequences, kept for measuring.</summary>
public sealed class SequenceSet
{
    /// <summary>Makes <paramref name="count"/> sequences of <paramref name="problem"/> from <paramref name="random"/>.</summary>
    public SequenceSet(AddingProblem problem, int count, RandomSource random)
    {
        Length = problem.Length;
        Count = count;
        Inputs = new float[count * problem.Length * AddingProblem.Features];
        Targets = new float[count];
        problem.Fill(random, count, Inputs, Targets);
    }

    /// <summary>Steps per sequence.</summary>
    public int Length { get; }

    /// <summary>Number of sequences.</summary>
    public int Count { get; }

    /// <summary>[Count, Length, 2].</summary>
    public float[] Inputs { get; }

    /// <summary>[Count].</summary>
    public float[] Targets { get; }

    /// <summary>Sequences [start, start + count) as inputs and targets.</summary>
    public (ReadOnlyMemory<float> Inputs, ReadOnlyMemory<float> Targets) Slice(int start, int count) =>
        (Inputs.AsMemory(start * Length * AddingProblem.Features, count * Length * AddingProblem.Features), Targets.AsMemory(start, count));

    /// <summary>The mean squared error of always answering <paramref name="constant"/>.</summary>
    public double ConstantMse(double constant)
    {
        double sum = 0;
        foreach (float t in Targets) sum += (t - constant) * (t - constant);
        return sum / Count;
    }
}
