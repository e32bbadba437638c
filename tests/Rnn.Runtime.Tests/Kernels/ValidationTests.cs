using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    public sealed class ValidationTests
    {
        public static TheoryData<GemmOp> Ops() => new() { GemmOp.MatMulTransB, GemmOp.MatMul, GemmOp.MatMulTransA };

        [Theory]
        [MemberData(nameof(Ops))]
        public void Gemm_names_the_short_span_and_the_required_length(GemmOp op)
        {
            // m = 2, n = 3, k = 4: a needs 8, b needs 12, c needs 6.
            AssertTooShort("a", 8, () => GemmTestData.Run<float>(op, false, new float[7], new float[12], new float[6], 2, 3, 4, false));
            AssertTooShort("b", 12, () => GemmTestData.Run<float>(op, false, new float[8], new float[11], new float[6], 2, 3, 4, false));
            AssertTooShort("c", 6, () => GemmTestData.Run<double>(op, false, new double[8], new double[12], new double[5], 2, 3, 4, true));
            AssertTooShort("c", 6, () => GemmTestData.Run<float>(op, true, new float[8], new float[12], new float[5], 2, 3, 4, true));

            // Longer spans are fine.
            GemmTestData.Run<float>(op, false, new float[9], new float[13], new float[7], 2, 3, 4, false);

            var negative = Assert.Throws<ArgumentOutOfRangeException>(
                () => GemmTestData.Run<float>(op, false, new float[8], new float[12], new float[6], 2, -3, 4, false));
            Assert.Equal("n", negative.ParamName);
        }

        [Fact]
        public void Rows_and_elementwise_validate_lengths()
        {
            AssertTooShort("matrix", 6, () => Rows.AddBias<float>(new float[5], new float[3], 2, 3));
            AssertTooShort("bias", 3, () => Rows.AddBias<float>(new float[6], new float[2], 2, 3));
            AssertTooShort("matrix", 6, () => Rows.SumColumns<float>(new float[5], new float[3], 2, 3));
            AssertTooShort("accumulator", 3, () => Rows.SumColumns<float>(new float[6], new float[2], 2, 3));
            AssertTooShort("y", 4, () => Elementwise.Sigmoid<float>(new float[4], new float[3]));
            AssertTooShort("y", 4, () => Elementwise.Tanh<double>(new double[4], new double[3]));
            AssertTooShort("y", 4, () => Elementwise.Relu<float>(new float[4], new float[3]));
            AssertTooShort("x", 6, () => Elementwise.SoftmaxRows<float>(new float[5], new float[6], 2, 3));
            AssertTooShort("y", 6, () => Elementwise.SoftmaxRows<float>(new float[6], new float[5], 2, 3));
            Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => Rows.AddBias<float>(new float[6], new float[3], -1, 3)).ParamName);
        }

        [Fact]
        public void MaxThreads_rejects_values_below_one()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.MaxThreads = 0);
            Assert.True(KernelOptions.MaxThreads >= 1);
        }

        private static void AssertTooShort(string parameter, int required, Action action)
        {
            var e = Assert.Throws<ArgumentException>(action);
            Assert.Equal(parameter, e.ParamName);
            Assert.Contains($"at least {required} elements", e.Message, StringComparison.Ordinal);
        }
    }
}
