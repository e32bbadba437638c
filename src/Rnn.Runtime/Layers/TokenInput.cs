using System;
using System.Numerics;

namespace Rnn.Layers
{
    /// <summary>Token inputs: embedding lookups and one-hot vectors, written time-major for the recurrent layers.</summary>
    public static class TokenInput
    {
        /// <summary>x[t·B + b] = E[tokens[b·T + t]] for the embedding E [vocab, dim] at <paramref name="offset"/>.</summary>
        public static void Embed<T>(ReadOnlySpan<T> parameters, int offset, int vocab, int dim,
            ReadOnlySpan<int> tokens, int batch, int steps, Span<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    int id = Check(tokens[b * steps + t], vocab, b, t);
                    parameters.Slice(offset + id * dim, dim).CopyTo(x.Slice((t * batch + b) * dim, dim));
                }
            }
        }

        /// <summary>Adds each row of dx into the embedding row of its token: dE[tokens[b, t]] += dx[t·B + b]. Padded steps carry zero gradient.</summary>
        public static void EmbedBackward<T>(Span<T> gradients, int offset, int dim,
            ReadOnlySpan<int> tokens, int batch, int steps, ReadOnlySpan<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    var dst = gradients.Slice(offset + tokens[b * steps + t] * dim, dim);
                    var src = dx.Slice((t * batch + b) * dim, dim);
                    for (int k = 0; k < dim; k++) dst[k] += src[k];
                }
            }
        }

        /// <summary>x[t·B + b] = onehot(tokens[b·T + t]) of length <paramref name="vocab"/>.</summary>
        public static void OneHot<T>(int vocab, ReadOnlySpan<int> tokens, int batch, int steps, Span<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            x.Slice(0, batch * steps * vocab).Clear();
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                    x[(t * batch + b) * vocab + Check(tokens[b * steps + t], vocab, b, t)] = T.One;
            }
        }

        /// <summary>ids[t·B + b] = tokens[b·T + t]: the ids in the recurrent layers' time-major row order, each checked.</summary>
        public static void TimeMajor(ReadOnlySpan<int> tokens, int vocab, int batch, int steps, Span<int> ids)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++) ids[t * batch + b] = Check(tokens[b * steps + t], vocab, b, t);
            }
        }

        /// <summary>x[t·B + b] = the vector of tokens[b·T + t]: its embedding row, or its one-hot vector.</summary>
        public static void Vectors<T>(ReadOnlySpan<T> parameters, TokenBatch tokens, int batch, int steps, Span<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (tokens.IsOneHot) OneHot(tokens.Vocabulary, tokens.Ids, batch, steps, x);
            else Embed(parameters, tokens.EmbeddingOffset, tokens.Vocabulary, tokens.Dim, tokens.Ids, batch, steps, x);
        }

        private static int Check(int id, int vocab, int b, int t)
        {
            if ((uint)id >= (uint)vocab)
                throw new ArgumentOutOfRangeException("tokens", id, $"tokens[{b}, {t}] = {id} is not a token id: ids run from 0 to {vocab - 1}.");
            return id;
        }
    }
}
