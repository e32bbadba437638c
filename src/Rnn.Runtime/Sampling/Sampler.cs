using System;

namespace Rnn;

/// <summary>
/// Picks the next token from a language model's logits: softmax(logits / <see cref="Temperature"/>), restricted to the
/// <see cref="TopK"/> most likely tokens and then to the nucleus of probability <see cref="TopP"/>, sampled with a
/// seeded <see cref="RandomSource"/> (the same seed and settings give the same tokens).
/// </summary>
/// <remarks>
/// The softmax is computed in double after subtracting the largest logit, so no logit overflows. Scratch buffers are
/// sized on the first call for the vocabulary and reused: later calls with a vocabulary no larger allocate nothing.
/// Candidates are ordered by index when neither <see cref="TopK"/> nor <see cref="TopP"/> is active, otherwise by
/// probability, largest first (ties in a deterministic but unspecified order). Not thread-safe.
/// </remarks>
/// <example>
/// <code>
/// var sampler = new Sampler(new RandomSource(seed: 1)) { Temperature = 0.8f, TopK = 40, TopP = 0.95f };
/// int next = sampler.Sample(logits);
/// </code>
/// </example>
public sealed class Sampler
{
    private readonly RandomSource random;
    private float temperature = 1f;
    private int topK;
    private float topP = 1f;
    private double[] weights = [];
    private int[] indices = [];

    /// <summary>Creates a sampler drawing from <paramref name="random"/>.</summary>
    /// <param name="random">The generator; each non-greedy <see cref="Sample"/> call draws one <see cref="RandomSource.NextDouble"/>.</param>
    public Sampler(RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        this.random = random;
    }

    /// <summary>
    /// Divides the logits before the softmax: below 1 sharpens the distribution, above 1 flattens it, 0 means greedy
    /// (always the most likely token, which is also the limit as the temperature goes to 0). Default 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public float Temperature
    {
        get => temperature;
        set
        {
            if (!(value >= 0) || float.IsPositiveInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Temperature), value, "Temperature must be finite and not negative (0 means greedy).");
            }

            temperature = value;
        }
    }

    /// <summary>Samples only among the <c>TopK</c> most likely tokens; 0 (the default) turns the restriction off, 1 is greedy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int TopK
    {
        get => topK;
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(TopK), value, "TopK must not be negative (0 turns it off).");
            }

            topK = value;
        }
    }

    /// <summary>
    /// Nucleus sampling: samples only among the smallest set of most likely tokens whose probabilities sum to at least
    /// <c>TopP</c> (after <see cref="TopK"/>, renormalised). 1 (the default) turns it off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, 1].</exception>
    public float TopP
    {
        get => topP;
        set
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(TopP), value, "TopP must be in (0, 1] (1 turns it off).");
            }

            topP = value;
        }
    }

    /// <summary>Picks a token.</summary>
    /// <param name="logits">One unnormalised log-probability per token of the vocabulary; −∞ excludes a token.</param>
    /// <returns>The token's index in <paramref name="logits"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty, holds NaN or +∞, or all of it is −∞.</exception>
    public int Sample(ReadOnlySpan<float> logits)
    {
        int best = ArgMax(logits);
        if (temperature == 0 || topK == 1)
        {
            return best;
        }

        int n = logits.Length;
        if (weights.Length < n)
        {
            weights = new double[n];
            indices = new int[n];
        }

        Span<double> w = weights.AsSpan(0, n);
        Span<int> idx = indices.AsSpan(0, n);
        double max = logits[best], t = temperature;
        for (int i = 0; i < n; i++)
        {
            w[i] = (logits[i] - max) / t;   // ≤ 0, and 0 at the best token
            idx[i] = i;
        }

        if (topK > 0 && topK < n)
        {
            SelectLargest(w, idx, topK);
            n = topK;
            w = w[..n];
            idx = idx[..n];
        }

        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double e = Math.Exp(w[i]);
            w[i] = e;
            total += e;
        }

        if (topP < 1)
        {
            // Sort by probability, largest first: ascending on the negated weights, indices carried along.
            for (int i = 0; i < n; i++)
            {
                w[i] = -w[i];
            }

            w.Sort(idx);
            double needed = topP * total, sum = 0;
            int kept = 0;
            while (kept < n && sum < needed)
            {
                w[kept] = -w[kept];
                sum += w[kept];
                kept++;
            }

            n = kept;   // at least 1: the best token's weight is 1 and needed > 0
            total = sum;
        }

        double u = random.NextDouble() * total, cumulative = 0;
        for (int i = 0; i < n; i++)
        {
            cumulative += w[i];
            if (u < cumulative)
            {
                return idx[i];
            }
        }

        // Rounding left u at or above the last cumulative sum: take the last candidate with a nonzero weight.
        for (int i = n - 1; i > 0; i--)
        {
            if (w[i] > 0)
            {
                return idx[i];
            }
        }

        return idx[0];
    }

    /// <summary>The first index of the largest logit, after checking the logits.</summary>
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("logits must hold at least one value.", nameof(logits));
        }

        int best = 0;
        float max = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            float x = logits[i];
            if (float.IsNaN(x) || float.IsPositiveInfinity(x))
            {
                throw new ArgumentException($"logits[{i}] is {x}; logits must be finite or −∞.", nameof(logits));
            }

            if (x > max)
            {
                max = x;
                best = i;
            }
        }

        return float.IsNegativeInfinity(max)
            ? throw new ArgumentException("Every logit is −∞: no token can be sampled.", nameof(logits))
            : best;
    }

    /// <summary>
    /// Reorders <paramref name="keys"/> (and <paramref name="items"/> alongside) so that the first <paramref name="k"/>
    /// are the k largest, by Hoare-partition selection (no allocation, linear on average).
    /// </summary>
    private static void SelectLargest(Span<double> keys, Span<int> items, int k)
    {
        int target = k - 1, lo = 0, hi = keys.Length - 1;
        while (lo < hi)
        {
            double pivot = keys[lo + ((hi - lo) / 2)];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] > pivot)
                {
                    i++;
                }

                while (keys[j] < pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    (items[i], items[j]) = (items[j], items[i]);
                    i++;
                    j--;
                }
            }

            // Now keys[lo..j] ≥ pivot ≥ keys[i..hi], and keys strictly between j and i equal the pivot.
            if (target <= j)
            {
                hi = j;
            }
            else if (target >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }
}
