using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    /// <summary>The streaming gate sums: the AVX-512 / AVX2 kernels agree with the naive one on every shape, remainders included.</summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class StreamingGatesTests
    {
        [Theory]
        [InlineData(1, 1)]
        [InlineData(2, 5)]
        [InlineData(33, 128)]    // LSTM(1 → 32): [x; h] rows, 4H gates
        [InlineData(32, 96)]     // GRU(32) hidden side
        [InlineData(9, 130)]     // 128 + a scalar tail
        [InlineData(65, 144)]    // 128 + one 16-lane block
        [InlineData(72, 256)]
        [InlineData(129, 520)]   // LSTM(1 → 128) with extra columns
        [InlineData(3, 7)]
        public void Simd_sums_match_the_naive_kernel(int rows, int g)
        {
            var random = new Random(rows * 1000 + g);
            float[] w = Fill(random, rows * g), bias = Fill(random, g), v = Fill(random, rows);
            var expected = new float[g];
            var actual = new float[g];
            StreamingGates.Reference<float>(w, rows, g, bias, v, expected);
            StreamingGates.Sums<float>(w, rows, g, bias, v, actual);
            for (int j = 0; j < g; j++)
                Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-5f * (1 + Math.Abs(expected[j])), $"gate {j}: {actual[j]} vs {expected[j]}");
            // And against a double-precision sum, so that the reference itself is pinned.
            for (int j = 0; j < g; j++)
            {
                double sum = bias[j];
                for (int k = 0; k < rows; k++) sum += (double)v[k] * w[k * g + j];
                Assert.True(Math.Abs(sum - expected[j]) <= 1e-5 * (1 + Math.Abs(sum)));
            }
        }

        [Fact]
        public void Without_simd_the_naive_kernel_runs()
        {
            var random = new Random(3);
            float[] w = Fill(random, 33 * 128), bias = Fill(random, 128), v = Fill(random, 33);
            var expected = new float[128];
            var actual = new float[128];
            StreamingGates.Reference<float>(w, 33, 128, bias, v, expected);
            bool saved = KernelOptions.UseSimd;
            try
            {
                KernelOptions.UseSimd = false;
                StreamingGates.Sums<float>(w, 33, 128, bias, v, actual);
            }
            finally
            {
                KernelOptions.UseSimd = saved;
            }
            Assert.Equal(expected, actual);
        }

        private static float[] Fill(Random random, int n)
        {
            var a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
            return a;
        }
    }
}
