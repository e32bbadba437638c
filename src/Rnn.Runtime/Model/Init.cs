using System;
using System.Numerics;

namespace Rnn
{
    /// <summary>PyTorch's default initialisations, drawn from a seeded <see cref="RandomSource"/>.</summary>
    public static class Init
    {
        /// <summary>U(−1/√fanIn, 1/√fanIn): nn.RNN/LSTM/GRU (fanIn = hidden) and nn.Linear (fanIn = in_features).</summary>
        public static void Uniform<T>(RandomSource random, Span<T> values, int fanIn)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T bound = T.CreateChecked(1.0 / Math.Sqrt(fanIn));
            random.FillUniform(values, -bound, bound);
        }

        /// <summary>N(0, 1): nn.Embedding.</summary>
        public static void Normal<T>(RandomSource random, Span<T> values)
            where T : unmanaged, IFloatingPointIeee754<T>
            => random.FillNormal(values, T.Zero, T.One);
    }
}
