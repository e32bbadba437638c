using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Rnn.Kernels
{
    /// <summary>
    /// Elementwise activations, vectorised through <see cref="TensorPrimitives"/>. Each reads <c>x</c> and writes
    /// the leading <c>x.Length</c> elements of <c>y</c>; <c>x</c> and <c>y</c> may be the same span (in place) but must
    /// not otherwise overlap.
    /// </summary>
    public static class Elementwise
    {
        /// <summary>y = 1 / (1 + exp(-x)), as PyTorch's <c>torch.sigmoid</c>.</summary>
        /// <param name="x">Input.</param>
        /// <param name="y">Output, at least as long as <paramref name="x"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
        public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            KernelChecks.SameLength(x.Length, y.Length, nameof(y));
            Span<T> dst = y.Slice(0, x.Length);
            if (KernelOptions.UseSimd)
            {
                TensorPrimitives.Sigmoid(x, dst);
                return;
            }

            for (int i = 0; i < x.Length; i++)
            {
                dst[i] = T.One / (T.One + T.Exp(-x[i]));
            }
        }

        /// <summary>y = tanh(x).</summary>
        /// <param name="x">Input.</param>
        /// <param name="y">Output, at least as long as <paramref name="x"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
        public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            KernelChecks.SameLength(x.Length, y.Length, nameof(y));
            Span<T> dst = y.Slice(0, x.Length);
            if (KernelOptions.UseSimd)
            {
                TensorPrimitives.Tanh(x, dst);
                return;
            }

            for (int i = 0; i < x.Length; i++)
            {
                dst[i] = T.Tanh(x[i]);
            }
        }

        /// <summary>y = max(x, 0).</summary>
        /// <param name="x">Input.</param>
        /// <param name="y">Output, at least as long as <paramref name="x"/>.</param>
        /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
        public static void Relu<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            KernelChecks.SameLength(x.Length, y.Length, nameof(y));
            Span<T> dst = y.Slice(0, x.Length);
            for (int i = 0; i < x.Length; i++)
            {
                T v = x[i];
                dst[i] = v > T.Zero ? v : T.Zero;
            }
        }

        /// <summary>Softmax of every row, numerically stable (the row maximum is subtracted before exp).</summary>
        /// <param name="x">Row-major [rows, columns].</param>
        /// <param name="y">Row-major [rows, columns] output; may be the same span as <paramref name="x"/>.</param>
        /// <param name="rows">Number of rows.</param>
        /// <param name="columns">Number of columns.</param>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException">A span is too short.</exception>
        public static void SoftmaxRows<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int columns)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            KernelChecks.Dimension(rows, nameof(rows));
            KernelChecks.Dimension(columns, nameof(columns));
            KernelChecks.Length(x.Length, (long)rows * columns, nameof(x));
            KernelChecks.Length(y.Length, (long)rows * columns, nameof(y));
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<T> src = x.Slice(r * columns, columns);
                Span<T> dst = y.Slice(r * columns, columns);
                T max = T.NegativeInfinity;
                for (int j = 0; j < src.Length; j++)
                {
                    if (src[j] > max)
                    {
                        max = src[j];
                    }
                }

                T sum = T.Zero;
                for (int j = 0; j < src.Length; j++)
                {
                    T e = T.Exp(src[j] - max);
                    dst[j] = e;
                    sum += e;
                }

                T inv = T.One / sum;
                for (int j = 0; j < dst.Length; j++)
                {
                    dst[j] *= inv;
                }
            }
        }
    }
}
