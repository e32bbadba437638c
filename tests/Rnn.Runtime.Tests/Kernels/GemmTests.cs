using System;
using System.Collections.Generic;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    [Collection(KernelOptionsCollection.Name)]
    public sealed class GemmTests
    {
        public static IEnumerable<object[]> Cases()
        {
            foreach (GemmOp op in Enum.GetValues<GemmOp>())
            {
                foreach (bool simd in new[] { true, false })
                {
                    yield return new object[] { op, simd };
                }
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Float_matches_reference(GemmOp op, bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            int seed = 1;
            foreach (var (m, n, k) in GemmTestData.Shapes())
            {
                GemmTestData.CheckAgainstReference<float>(op, m, n, k, accumulate: false, seed++);
                GemmTestData.CheckAgainstReference<float>(op, m, n, k, accumulate: true, seed++);
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Double_matches_reference(GemmOp op, bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            int seed = 1000;
            foreach (var (m, n, k) in GemmTestData.Shapes())
            {
                GemmTestData.CheckAgainstReference<double>(op, m, n, k, accumulate: false, seed++);
                GemmTestData.CheckAgainstReference<double>(op, m, n, k, accumulate: true, seed++);
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Float_single_thread_matches_reference(GemmOp op, bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd, maxThreads: 1);
            int seed = 5000;
            foreach (var (m, n, k) in GemmTestData.Shapes())
            {
                GemmTestData.CheckAgainstReference<float>(op, m, n, k, accumulate: seed % 2 == 0, seed++);
            }
        }

        [Theory]
        [InlineData(GemmOp.MatMulTransB)]
        [InlineData(GemmOp.MatMul)]
        [InlineData(GemmOp.MatMulTransA)]
        public void Zero_sized_dimensions(GemmOp op)
        {
            using var scope = new KernelOptionsScope(useSimd: true);

            // k = 0: the product is zero; overwrite clears C, accumulate leaves it.
            float[] c = { 1f, 2f, 3f, 4f, 5f, 6f, 7f };
            GemmTestData.Run<float>(op, false, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0, accumulate: true);
            Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f }, c);
            GemmTestData.Run<float>(op, false, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0, accumulate: false);
            Assert.Equal(new[] { 0f, 0f, 0f, 0f, 0f, 0f, 7f }, c);

            // m = 0 or n = 0: nothing to write.
            float[] d = { 9f };
            GemmTestData.Run<float>(op, false, new float[6], new float[6], d, 0, 3, 2, accumulate: false);
            GemmTestData.Run<float>(op, false, new float[6], new float[6], d, 3, 0, 2, accumulate: false);
            Assert.Equal(9f, d[0]);
        }

        [Fact]
        public void Known_small_products()
        {
            using var scope = new KernelOptionsScope(useSimd: true);

            // A = [[1,2,3],[4,5,6]] (2×3), W = [[1,0,1],[0,1,0]] (2×3): A·Wᵀ = [[4,2],[10,5]].
            float[] a = { 1, 2, 3, 4, 5, 6 };
            float[] w = { 1, 0, 1, 0, 1, 0 };
            float[] c = new float[4];
            Gemm.MatMulTransB<float>(a, w, c, 2, 2, 3, accumulate: false);
            Assert.Equal(new float[] { 4, 2, 10, 5 }, c);
            Gemm.MatMulTransB<float>(a, w, c, 2, 2, 3, accumulate: true);
            Assert.Equal(new float[] { 8, 4, 20, 10 }, c);

            // A (2×3) · B (3×2) with B = [[1,2],[3,4],[5,6]]: [[22,28],[49,64]].
            float[] b = { 1, 2, 3, 4, 5, 6 };
            Gemm.MatMul<float>(a, b, c, 2, 2, 3, accumulate: false);
            Assert.Equal(new float[] { 22, 28, 49, 64 }, c);

            // Aᵀ·B with A = [[1,2],[3,4],[5,6]] (3×2 → m=2), B as above (3×2): [[35,44],[44,56]].
            double[] cd = new double[4];
            Gemm.MatMulTransA<double>(new double[] { 1, 2, 3, 4, 5, 6 }, new double[] { 1, 2, 3, 4, 5, 6 }, cd, 2, 2, 3, false);
            Assert.Equal(new double[] { 35, 44, 44, 56 }, cd);
        }
    }
}
