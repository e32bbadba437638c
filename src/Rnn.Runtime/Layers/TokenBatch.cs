using System;

namespace Rnn.Layers
{
    /// <summary>
    /// Token ids as the input of a recurrent block's first layer: ids [batch, steps] (batch-first, as a model receives
    /// them) and the vectors they stand for, rows of an embedding E [vocabulary, dim] in the parameter block or one-hot
    /// vectors. A block reading them can project each token id once, a table P = E·W_ihᵀ + b of one row per id, and
    /// gather its rows, instead of projecting every step's vector (<see cref="RecurrentBlock{T}.Forward(ReadOnlySpan{T}, TokenBatch, int, int, ReadOnlySpan{int}, Span{T}, bool, RandomSource?)"/>).
    /// </summary>
    public readonly ref struct TokenBatch
    {
        private TokenBatch(ReadOnlySpan<int> ids, int vocabulary, int dim, int embeddingOffset)
        {
            if (vocabulary < 1) throw new ArgumentOutOfRangeException(nameof(vocabulary), vocabulary, "A vocabulary holds at least one token.");
            if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "A token vector has at least one feature.");
            Ids = ids;
            Vocabulary = vocabulary;
            Dim = dim;
            EmbeddingOffset = embeddingOffset;
        }

        /// <summary>Token ids [batch, steps], batch-first; each from 0 to <see cref="Vocabulary"/> − 1.</summary>
        public ReadOnlySpan<int> Ids { get; }

        /// <summary>Number of token ids.</summary>
        public int Vocabulary { get; }

        /// <summary>Features of a token's vector: the embedding dimension, or <see cref="Vocabulary"/> for one-hot vectors.</summary>
        public int Dim { get; }

        /// <summary>Where the embedding E [vocabulary, dim] starts in the parameter block; −1 for one-hot vectors.</summary>
        public int EmbeddingOffset { get; }

        /// <summary>Whether a token's vector is one-hot (no embedding parameters).</summary>
        public bool IsOneHot => EmbeddingOffset < 0;

        /// <summary>Tokens standing for rows of the embedding E [<paramref name="vocabulary"/>, <paramref name="dim"/>] at <paramref name="offset"/> in the parameter block.</summary>
        public static TokenBatch Embedded(ReadOnlySpan<int> ids, int vocabulary, int dim, int offset)
        {
            if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset), offset, "An offset in the parameter block is 0 or more.");
            return new TokenBatch(ids, vocabulary, dim, offset);
        }

        /// <summary>Tokens standing for one-hot vectors of length <paramref name="vocabulary"/>.</summary>
        public static TokenBatch OneHot(ReadOnlySpan<int> ids, int vocabulary) => new(ids, vocabulary, vocabulary, -1);
    }
}
