using System;
using System.Numerics;

namespace Rnn;

/// <summary>
/// A deterministic pseudo-random generator: xoshiro256** seeded through splitmix64. The integer and uniform
/// sequences for a seed are the same on every platform and runtime; normal values go through
/// <see cref="Math.Log(double)"/>, <see cref="Math.Sin(double)"/> and <see cref="Math.Cos(double)"/> and so may
/// differ in the last bit where those do. Nothing is allocated after construction. Not thread-safe.
/// </summary>
public sealed class RandomSource
{
    private ulong s0, s1, s2, s3;
    private double cachedNormal;
    private bool hasCachedNormal;

    /// <summary>Creates a generator whose sequence is fixed by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; the four state words are the first four outputs of splitmix64 from it.</param>
    public RandomSource(ulong seed)
    {
        s0 = SplitMix64(ref seed);
        s1 = SplitMix64(ref seed);
        s2 = SplitMix64(ref seed);
        s3 = SplitMix64(ref seed);
    }

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <param name="maxExclusive">The bound, at least 1.</param>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        uint bound = (uint)maxExclusive;
        ulong product = (NextUInt64() >> 32) * bound;
        if ((uint)product < bound)
        {
            uint threshold = (0u - bound) % bound;
            while ((uint)product < threshold)
            {
                product = (NextUInt64() >> 32) * bound;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>A uniformly distributed double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniformly distributed float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>
    /// A standard normal value (mean 0, standard deviation 1) by the Box–Muller transform, which makes values
    /// in pairs: every other call returns the second value of the pair made by the call before.
    /// </summary>
    public double NextNormal()
    {
        if (hasCachedNormal)
        {
            hasCachedNormal = false;
            return cachedNormal;
        }

        double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - NextDouble()));   // 1 − u lies in (0, 1]: no log(0)
        double angle = 2.0 * Math.PI * NextDouble();
        cachedNormal = radius * Math.Sin(angle);
        hasCachedNormal = true;
        return radius * Math.Cos(angle);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with values uniform in [<paramref name="low"/>, <paramref name="high"/>),
    /// computed in double as low + (high − low)·u and then rounded to <typeparamref name="T"/> (rounding may reach high).
    /// </summary>
    /// <typeparam name="T">float or double (any IEEE 754 binary type).</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="low">The smallest value.</param>
    /// <param name="high">The bound, not less than <paramref name="low"/>.</param>
    public void FillUniform<T>(Span<T> destination, T low, T high)
        where T : IFloatingPointIeee754<T>
    {
        double lo = double.CreateTruncating(low), width = double.CreateTruncating(high) - lo;
        if (!(width >= 0) || !double.IsFinite(width))
        {
            throw new ArgumentOutOfRangeException(nameof(high), $"[low, high) = [{low}, {high}) must be a finite, non-empty range.");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = T.CreateTruncating(lo + width * NextDouble());
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with normal values, mean + std·<see cref="NextNormal"/> computed in
    /// double and then rounded to <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">float or double (any IEEE 754 binary type).</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation, finite and not negative.</param>
    public void FillNormal<T>(Span<T> destination, T mean, T std)
        where T : IFloatingPointIeee754<T>
    {
        double m = double.CreateTruncating(mean), s = double.CreateTruncating(std);
        if (!(s >= 0) || !double.IsFinite(s) || !double.IsFinite(m))
        {
            throw new ArgumentOutOfRangeException(nameof(std), $"mean {mean} and std {std} must be finite and std not negative.");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = T.CreateTruncating(m + s * NextNormal());
        }
    }

    /// <summary>
    /// The generator's complete state, to save in a checkpoint and give back to <see cref="SetState"/>: six words, the
    /// four xoshiro256** words, 1 when <see cref="NextNormal"/> holds a pending second value of its pair (else 0), and
    /// that value's bits (<see cref="BitConverter.DoubleToUInt64Bits"/>).
    /// </summary>
    public ulong[] GetState() =>
        [s0, s1, s2, s3, hasCachedNormal ? 1UL : 0UL, BitConverter.DoubleToUInt64Bits(cachedNormal)];

    /// <summary>Restores a state from <see cref="GetState"/>: the generator then continues exactly as the one saved.</summary>
    /// <param name="state">Six words as <see cref="GetState"/> returns them.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="state"/> does not hold six words, its four generator words are all 0, or its flag is not 0 or 1.
    /// </exception>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6 || (state[0] | state[1] | state[2] | state[3]) == 0 || state[4] > 1)
        {
            throw new ArgumentException(
                "state must be six words from GetState(): four generator words, not all 0, a flag 0 or 1 and the cached normal's bits.",
                nameof(state));
        }

        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
        hasCachedNormal = state[4] == 1;
        cachedNormal = BitConverter.UInt64BitsToDouble(state[5]);
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
