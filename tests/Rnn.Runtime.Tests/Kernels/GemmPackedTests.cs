using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    /// <summary>
    /// The pack-once products (<see cref="Gemm.PackB{T}"/>, <see cref="Gemm.PackBTransposed{T}"/>,
    /// <see cref="Gemm.MatMulPacked{T}"/>) and the kernels' internal variants: both vector widths, a packed Aᵀ.
    /// Accuracy against <see cref="GemmReference"/> for every op is in <see cref="GemmTests"/> (the packed ops included).
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class GemmPackedTests
    {
        public static TheoryData<GemmOp> AllOps() => new()
        {
            GemmOp.MatMulTransB, GemmOp.MatMul, GemmOp.MatMulTransA, GemmOp.PackedB, GemmOp.PackedBTransposed,
        };

        [Theory]
        [MemberData(nameof(AllOps))]
        public void Float_matches_reference_with_the_AVX2_kernels(GemmOp op)
        {
            using var options = new KernelOptionsScope(useSimd: true);
            using var kernels = new GemmKernelScope(allow512: false);
            int seed = 7000;
            foreach (var (m, n, k) in GemmTestData.Shapes())
            {
                GemmTestData.CheckAgainstReference<float>(op, m, n, k, accumulate: false, seed++);
                GemmTestData.CheckAgainstReference<float>(op, m, n, k, accumulate: true, seed++);
            }
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Transposed_A_packed_at_every_stride_matches_reference(bool allow512)
        {
            using var options = new KernelOptionsScope(useSimd: true);
            using var kernels = new GemmKernelScope(allow512: allow512, alwaysPackTransposedA: true);
            int seed = 8000;
            foreach (var (m, n, k) in GemmTestData.Shapes())
            {
                GemmTestData.CheckAgainstReference<float>(GemmOp.MatMulTransA, m, n, k, accumulate: seed % 2 == 0, seed++);
            }
        }

        public static TheoryData<bool, bool, int> Variants() => new()
        {
            { true, true, 1 }, { true, true, 2 }, { true, false, 1 }, { true, false, 3 }, { false, true, 1 }, { false, true, 2 },
        };

        [Theory]
        [MemberData(nameof(Variants))]
        public void Packed_product_is_bit_identical_to_MatMul_on_the_unpacked_operand(bool simd, bool allow512, int threads)
        {
            using var options = new KernelOptionsScope(useSimd: simd, maxThreads: threads);
            using var kernels = new GemmKernelScope(allow512: allow512);
            var packed = new GemmPackedB<float>();
            int seed = 9000;
            foreach (var (m, n, k) in GemmTestData.Shapes())
            {
                foreach (bool transposed in new[] { false, true })
                {
                    var random = new Random(seed++);
                    float[] a = GemmTestData.RandomArray<float>(random, m * k, 0);
                    float[] b = GemmTestData.RandomArray<float>(random, n * k, 0);
                    float[] c0 = GemmTestData.RandomArray<float>(random, m * n, 0);
                    float[] bHat = transposed ? Transpose(b, n, k) : b;
                    if (transposed)
                    {
                        Gemm.PackBTransposed<float>(b, n, k, packed);
                    }
                    else
                    {
                        Gemm.PackB<float>(b, n, k, packed);
                    }

                    Assert.Equal(n, packed.N);
                    Assert.Equal(k, packed.K);
                    foreach (bool accumulate in new[] { false, true })
                    {
                        float[] expected = (float[])c0.Clone();
                        float[] actual = (float[])c0.Clone();
                        Gemm.MatMul<float>(a, bHat, expected, m, n, k, accumulate);
                        Gemm.MatMulPacked<float>(a, packed, actual, m, accumulate);
                        AssertBitIdentical(expected, actual, $"m={m} n={n} k={k} transposed={transposed} accumulate={accumulate}");
                    }
                }
            }
        }

        [Theory]
        [InlineData(true, false, false, true)]
        [InlineData(true, true, true, false)]
        [InlineData(false, true, true, true)]
        [InlineData(true, false, true, true)]
        public void Options_changed_after_packing_give_the_MatMul_of_the_new_options(bool simdAtPack, bool allow512AtPack, bool simdAtUse, bool allow512AtUse)
        {
            const int M = 19, N = 70, K = 300;
            var random = new Random(42);
            float[] a = GemmTestData.RandomArray<float>(random, M * K, 0);
            float[] b = GemmTestData.RandomArray<float>(random, N * K, 0);
            var packed = new GemmPackedB<float>();
            using var options = new KernelOptionsScope(useSimd: simdAtPack);
            using (new GemmKernelScope(allow512: allow512AtPack))
            {
                Gemm.PackBTransposed<float>(b, N, K, packed);
            }

            KernelOptions.UseSimd = simdAtUse;
            using var kernels = new GemmKernelScope(allow512: allow512AtUse);
            float[] expected = new float[M * N];
            float[] actual = new float[M * N];
            Gemm.MatMul<float>(a, Transpose(b, N, K), expected, M, N, K, false);
            Gemm.MatMulPacked<float>(a, packed, actual, M, false);
            AssertBitIdentical(expected, actual, "after an options change");
        }

        [Fact]
        public void Repacking_replaces_the_operand_and_its_size()
        {
            using var options = new KernelOptionsScope(useSimd: true);
            var random = new Random(3);
            var packed = new GemmPackedB<float>();
            Assert.False(packed.IsPacked);
            float[] big = GemmTestData.RandomArray<float>(random, 100 * 64, 0);
            Gemm.PackB<float>(big, 100, 64, packed);
            float[] small = GemmTestData.RandomArray<float>(random, 5 * 3, 0);
            Gemm.PackBTransposed<float>(small, 5, 3, packed);
            Assert.True(packed.IsPacked);
            Assert.Equal(5, packed.N);
            Assert.Equal(3, packed.K);

            float[] a = { 1f, 2f, 3f };
            float[] c = new float[5];
            Gemm.MatMulPacked<float>(a, packed, c, 1, false);
            for (int j = 0; j < 5; j++)
            {
                float expected = MathF.FusedMultiplyAdd(3f, small[j * 3 + 2], MathF.FusedMultiplyAdd(2f, small[j * 3 + 1], small[j * 3]));
                Assert.Equal(expected, c[j], 5);
            }
        }

        [Fact]
        public void Pack_and_product_validate_their_arguments()
        {
            var packed = new GemmPackedB<float>();
            Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => Gemm.PackB<float>(new float[6], 2, 3, null!)).ParamName);
            Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => Gemm.PackBTransposed<float>(new float[6], 2, 3, null!)).ParamName);
            Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.PackB<float>(new float[6], -2, 3, packed)).ParamName);
            Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.PackBTransposed<float>(new float[6], 2, -3, packed)).ParamName);
            AssertTooShort("b", 6, () => Gemm.PackB<float>(new float[5], 2, 3, packed));
            AssertTooShort("b", 6, () => Gemm.PackBTransposed<float>(new float[5], 2, 3, packed));
            Assert.False(packed.IsPacked);

            var notPacked = Assert.Throws<ArgumentException>(() => Gemm.MatMulPacked<float>(new float[3], packed, new float[2], 1, false));
            Assert.Equal("b", notPacked.ParamName);
            Assert.Equal("b", Assert.Throws<ArgumentNullException>(() => Gemm.MatMulPacked<float>(new float[3], null!, new float[2], 1, false)).ParamName);

            // B̂ [k = 3, n = 2]; m = 4: a needs 12, c needs 8.
            Gemm.PackB<float>(new float[6], 2, 3, packed);
            AssertTooShort("a", 12, () => Gemm.MatMulPacked<float>(new float[11], packed, new float[8], 4, false));
            AssertTooShort("c", 8, () => Gemm.MatMulPacked<float>(new float[12], packed, new float[7], 4, true));
            Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MatMulPacked<float>(new float[12], packed, new float[8], -1, false)).ParamName);
            Gemm.MatMulPacked<float>(new float[13], packed, new float[9], 4, false);
        }

        [Fact]
        public void Double_packs_plainly_and_matches_MatMul()
        {
            using var options = new KernelOptionsScope(useSimd: true);
            var random = new Random(11);
            const int M = 7, N = 33, K = 20;
            double[] a = GemmTestData.RandomArray<double>(random, M * K, 0);
            double[] b = GemmTestData.RandomArray<double>(random, N * K, 0);
            var packed = new GemmPackedB<double>();
            Gemm.PackBTransposed<double>(b, N, K, packed);
            double[] expected = new double[M * N];
            double[] actual = new double[M * N];
            Gemm.MatMulTransB<double>(a, b, expected, M, N, K, false);
            Gemm.MatMulPacked<double>(a, packed, actual, M, false);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[i], 12);
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void Steady_state_pack_and_product_allocate_nothing(int threads)
        {
            using var options = new KernelOptionsScope(useSimd: true, maxThreads: threads);
            const int M = 32, N = 512, K = 128;
            float[] a = new float[M * K];
            float[] b = new float[N * K];
            float[] c = new float[M * N];
            var packed = new GemmPackedB<float>();
            long bytes = SteadyState.FewestBytes(
                () =>
                {
                    Gemm.PackBTransposed<float>(b, N, K, packed);
                    Gemm.MatMulPacked<float>(a, packed, c, M, false);
                    Gemm.MatMulPacked<float>(a, packed, c, 16, true);
                },
                callsPerRound: 20);
            Assert.Equal(0, bytes);
        }

        private static float[] Transpose(float[] b, int rows, int columns)
        {
            var t = new float[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                for (int q = 0; q < columns; q++)
                {
                    t[q * rows + r] = b[r * columns + q];
                }
            }

            return t;
        }

        private static void AssertBitIdentical(float[] expected, float[] actual, string what)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                {
                    Assert.Fail($"{what} simd={KernelOptions.UseSimd} threads={KernelOptions.MaxThreads}: element {i} is {actual[i]:R}, MatMul gives {expected[i]:R}");
                }
            }
        }

        private static void AssertTooShort(string parameter, int required, Action action)
        {
            var e = Assert.Throws<ArgumentException>(action);
            Assert.Equal(parameter, e.ParamName);
            Assert.Contains($"at least {required} elements", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Sets the GEMM's internal kernel switches for a using block and restores them.</summary>
    internal sealed class GemmKernelScope : IDisposable
    {
        private readonly bool _allow512 = GemmFloat.Allow512;
        private readonly bool _alwaysPackTransposedA = GemmFloatPacked.AlwaysPackTransposedA;

        public GemmKernelScope(bool allow512 = true, bool alwaysPackTransposedA = false)
        {
            GemmFloat.Allow512 = allow512;
            GemmFloatPacked.AlwaysPackTransposedA = alwaysPackTransposedA;
        }

        public void Dispose()
        {
            GemmFloat.Allow512 = _allow512;
            GemmFloatPacked.AlwaysPackTransposedA = _alwaysPackTransposedA;
        }
    }
}
