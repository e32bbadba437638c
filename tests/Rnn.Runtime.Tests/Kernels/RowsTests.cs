using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    [Collection(KernelOptionsCollection.Name)]
    public sealed class RowsTests
    {
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void AddBias_adds_to_every_row_exactly(bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            var random = new Random(4);
            foreach (var (rows, columns) in new[] { (1, 1), (3, 7), (5, 16), (2, 33), (64, 512), (0, 5), (3, 0) })
            {
                float[] m = GemmTestData.RandomArray<float>(random, rows * columns, 0);
                float[] bias = GemmTestData.RandomArray<float>(random, columns, 2);
                float[] result = new float[m.Length + 1];
                m.CopyTo(result, 0);
                result[^1] = 7f;
                Rows.AddBias<float>(result, bias, rows, columns);
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < columns; j++)
                    {
                        Assert.Equal(m[r * columns + j] + bias[j], result[r * columns + j]);
                    }
                }

                Assert.Equal(7f, result[^1]);
            }
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void SumColumns_accumulates_in_row_order(bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            var random = new Random(5);
            foreach (var (rows, columns) in new[] { (1, 1), (3, 7), (5, 16), (2, 33), (100, 130), (0, 5), (3, 0) })
            {
                double[] m = GemmTestData.RandomArray<double>(random, rows * columns, 0);
                double[] accumulator = GemmTestData.RandomArray<double>(random, columns, 0);
                double[] expected = (double[])accumulator.Clone();
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < columns; j++)
                    {
                        expected[j] += m[r * columns + j];
                    }
                }

                Rows.SumColumns<double>(m, accumulator, rows, columns);
                Assert.Equal(expected, accumulator);
            }
        }
    }
}
