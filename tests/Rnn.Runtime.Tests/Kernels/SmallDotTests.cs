using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    /// <summary>The streaming dense layer's dot product agrees with the plain double loop for every length, SIMD on and off.</summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class SmallDotTests
    {
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Matches_the_plain_loop_for_every_length(bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            var random = new Random(3);
            for (int n = 0; n <= 70; n++)
            {
                float[] a = new float[n], b = new float[n + 3];
                for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
                for (int i = 0; i < b.Length; i++) b[i] = (float)(random.NextDouble() * 2 - 1);
                double expected = SmallDot.Reference(a, b), magnitude = 0;
                for (int i = 0; i < n; i++) magnitude += Math.Abs((double)a[i] * b[i]);
                float actual = SmallDot.Compute(a, b);
                Assert.True(Math.Abs(actual - expected) <= 1e-6 * (1 + magnitude), $"n = {n}: {actual:R} vs {expected:R}");
            }
        }
    }
}
