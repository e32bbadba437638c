using System;
using System.Collections.Generic;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    [Collection(KernelOptionsCollection.Name)]
    public sealed class ElementwiseTests
    {
        private static readonly int[] Lengths = { 0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257 };

        public static IEnumerable<object[]> Modes()
        {
            yield return new object[] { true, false };
            yield return new object[] { true, true };
            yield return new object[] { false, false };
            yield return new object[] { false, true };
        }

        private static float[] Inputs(int length, int seed)
        {
            var random = new Random(seed);
            var x = new float[length];
            float[] specials = { 0f, -0f, 1e-30f, -1e-30f, 20f, -20f, 88f, -88f, 100f, -100f, 1000f, -1000f, float.PositiveInfinity, float.NegativeInfinity };
            for (int i = 0; i < length; i++)
            {
                x[i] = i < specials.Length && length > 20 ? specials[i] : (float)((random.NextDouble() * 2 - 1) * 12);
            }

            return x;
        }

        private static void CheckUnary(bool simd, bool inPlace, Action<float[], float[]> kernel, Func<double, double> exact, double relative)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            foreach (int length in Lengths)
            {
                float[] x = Inputs(length, length);
                float[] y = inPlace ? (float[])x.Clone() : new float[length + 3];
                if (!inPlace)
                {
                    y[length] = y[length + 1] = y[length + 2] = 42f;
                }

                kernel(inPlace ? y : x, y);
                for (int i = 0; i < length; i++)
                {
                    double expected = exact(x[i]);
                    double error = Math.Abs(y[i] - expected);
                    Assert.True(
                        y[i] == expected || error <= relative * Math.Abs(expected) + 1e-37 || (double.IsNaN(expected) && float.IsNaN(y[i])),
                        $"simd={simd} inPlace={inPlace} length={length} x={x[i]:R}: got {y[i]:R}, expected {expected:R}");
                }

                if (!inPlace)
                {
                    Assert.Equal(42f, y[length]);
                }
            }
        }

        private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        [Theory]
        [MemberData(nameof(Modes))]
        public void Sigmoid_float(bool simd, bool inPlace) =>
            CheckUnary(simd, inPlace, (x, y) => Elementwise.Sigmoid<float>(x, y), Sigmoid, 1e-6);

        [Theory]
        [MemberData(nameof(Modes))]
        public void Tanh_float(bool simd, bool inPlace) =>
            CheckUnary(simd, inPlace, (x, y) => Elementwise.Tanh<float>(x, y), Math.Tanh, 1e-6);

        [Theory]
        [MemberData(nameof(Modes))]
        public void Relu_float(bool simd, bool inPlace) =>
            CheckUnary(simd, inPlace, (x, y) => Elementwise.Relu<float>(x, y), v => Math.Max(v, 0.0), 0.0);

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Double_activations(bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            var random = new Random(3);
            double[] x = new double[77];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (random.NextDouble() * 2 - 1) * 30;
            }

            double[] y = new double[x.Length];
            Elementwise.Sigmoid<double>(x, y);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(y[i] - Sigmoid(x[i])) <= 1e-14 * Sigmoid(x[i]), $"sigmoid({x[i]}) = {y[i]}");
            }

            Elementwise.Tanh<double>(x, y);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(y[i] - Math.Tanh(x[i])) <= 1e-14 * Math.Abs(Math.Tanh(x[i])) + 1e-300, $"tanh({x[i]}) = {y[i]}");
            }

            Elementwise.Relu<double>(x, y);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(Math.Max(x[i], 0), y[i]);
            }
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Special_values(bool simd)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            float[] x = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f };
            float[] y = new float[4];
            Elementwise.Sigmoid<float>(x, y);
            Assert.True(float.IsNaN(y[0]));
            Assert.Equal(new[] { 1f, 0f, 0.5f }, y[1..]);
            Elementwise.Tanh<float>(x, y);
            Assert.True(float.IsNaN(y[0]));
            Assert.Equal(new[] { 1f, -1f, 0f }, y[1..]);
            Elementwise.Relu<float>(x, y);
            Assert.True(float.IsNaN(y[0]), "relu(NaN) is NaN, as in PyTorch");
            Assert.Equal(new[] { float.PositiveInfinity, 0f, 0f }, y[1..]);
        }

        [Theory]
        [MemberData(nameof(Modes))]
        public void SoftmaxRows_matches_double_math(bool simd, bool inPlace)
        {
            using var scope = new KernelOptionsScope(useSimd: simd);
            var random = new Random(9);
            foreach (var (rows, columns) in new[] { (1, 1), (3, 2), (4, 17), (2, 100), (5, 33), (1, 1000) })
            {
                float[] x = new float[rows * columns];
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (float)((random.NextDouble() * 2 - 1) * 10);
                }

                if (rows > 1)
                {
                    x[columns] = 1000f; // would overflow exp without subtracting the row maximum
                }

                float[] y = inPlace ? (float[])x.Clone() : new float[x.Length + 2];
                Elementwise.SoftmaxRows<float>(inPlace ? y : x, y, rows, columns);
                for (int r = 0; r < rows; r++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < columns; j++)
                    {
                        max = Math.Max(max, x[r * columns + j]);
                    }

                    double sum = 0;
                    for (int j = 0; j < columns; j++)
                    {
                        sum += Math.Exp(x[r * columns + j] - max);
                    }

                    for (int j = 0; j < columns; j++)
                    {
                        double expected = Math.Exp(x[r * columns + j] - max) / sum;
                        float got = y[r * columns + j];
                        Assert.True(
                            Math.Abs(got - expected) <= 2e-6 * expected + 1e-38,
                            $"simd={simd} rows={rows} columns={columns} [{r},{j}]: got {got:R}, expected {expected:R}");
                    }
                }
            }
        }

        [Fact]
        public void SoftmaxRows_double()
        {
            double[] x = { 1, 2, 3, -1000, 0, 1000 };
            double[] y = new double[6];
            Elementwise.SoftmaxRows<double>(x, y, 2, 3);
            double s = Math.Exp(-2) + Math.Exp(-1) + 1;
            Assert.Equal(Math.Exp(-2) / s, y[0], 15);
            Assert.Equal(1 / s, y[2], 15);
            Assert.Equal(0.0, y[3]);
            Assert.Equal(1.0, y[5]);
        }
    }
}
