using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    /// <summary>
    /// The fused streaming LSTM and GRU steps (gate sums and cell update in one pass over block-packed weights) agree with
    /// the naive step on PyTorch's own tensor layout, for every block count (pairs and a single trailing block) and input size.
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class StreamingCellsTests
    {
        /// <summary>Hidden sizes in blocks of the kernel's width: 1, 2, 3 and 5 blocks (pairs and a leftover block).</summary>
        public static TheoryData<int, int> Shapes()
        {
            var data = new TheoryData<int, int>();
            foreach (int n in new[] { 1, 3, 8 })
                foreach (int blocks in new[] { 1, 2, 3, 5 })
                    data.Add(n, blocks);
            return data;
        }

        [Theory]
        [MemberData(nameof(Shapes))]
        public void Fused_lstm_step_matches_the_naive_step(int n, int blocks)
        {
            int w = StreamingCells.Width;
            if (w == 0) return; // no AVX2 here: the fused step never runs (the model tests cover the fallback)
            int h = blocks * w;
            var random = new Random(n * 100 + blocks);
            float[] wih = Fill(random, 4 * h * n), whh = Fill(random, 4 * h * h), bih = Fill(random, 4 * h), bhh = Fill(random, 4 * h);
            float[] packed = new float[StreamingCells.LstmSize(n, h)];
            StreamingCells.PackLstm(wih, whh, bih, bhh, n, h, packed);
            float[] c = Fill(random, h), cExpected = (float[])c.Clone();
            float[] state = Fill(random, h), hExpected = (float[])state.Clone();
            for (int step = 0; step < 4; step++)
            {
                float[] x = Fill(random, n), v = new float[n + h];
                x.CopyTo(v, 0);
                hExpected.CopyTo(v, n);
                StreamingCells.ReferenceLstm(wih, whh, bih, bhh, v, n, h, cExpected, hExpected);
                StreamingCells.Lstm(packed, x, n, h, c, state, new float[h]);
                AssertClose(cExpected, c, "c", step);
                AssertClose(hExpected, state, "h", step);
                hExpected.CopyTo(state, 0);
                cExpected.CopyTo(c, 0);
            }
        }

        [Theory]
        [MemberData(nameof(Shapes))]
        public void Fused_gru_step_matches_the_naive_step(int n, int blocks)
        {
            int w = StreamingCells.Width;
            if (w == 0) return;
            int h = blocks * w;
            var random = new Random(n * 100 + blocks + 7);
            float[] wih = Fill(random, 3 * h * n), whh = Fill(random, 3 * h * h), bih = Fill(random, 3 * h), bhh = Fill(random, 3 * h);
            float[] packed = new float[StreamingCells.GruSize(n, h)];
            StreamingCells.PackGru(wih, whh, bih, bhh, n, h, packed);
            float[] state = Fill(random, h), hExpected = (float[])state.Clone();
            for (int step = 0; step < 4; step++)
            {
                float[] x = Fill(random, n), v = new float[n + h];
                x.CopyTo(v, 0);
                hExpected.CopyTo(v, n);
                StreamingCells.ReferenceGru(wih, whh, bih, bhh, v, n, h, hExpected);
                StreamingCells.Gru(packed, x, n, h, state, new float[h]);
                AssertClose(hExpected, state, "h", step);
                hExpected.CopyTo(state, 0);
            }
        }

        [Fact]
        public void Without_simd_the_fused_step_does_not_apply()
        {
            using var scope = new KernelOptionsScope(useSimd: false);
            Assert.Equal(0, StreamingCells.Width);
            Assert.False(StreamingCells.Applies(32));
        }

        private static void AssertClose(float[] expected, float[] actual, string what, int step)
        {
            for (int j = 0; j < expected.Length; j++)
                Assert.True(Math.Abs(expected[j] - actual[j]) <= 2e-6f * (1 + Math.Abs(expected[j])),
                    $"step {step}, {what}[{j}]: fused {actual[j]:R}, naive {expected[j]:R}");
        }

        private static float[] Fill(Random random, int n)
        {
            var a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1) * 0.6f;
            return a;
        }
    }
}
