using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Rnn.Kernels
{
    /// <summary>Row-wise operations on row-major matrices: bias addition and column sums (bias gradients).</summary>
    public static class Rows
    {
        /// <summary>Adds <paramref name="bias"/> to every row: matrix[r, j] += bias[j].</summary>
        /// <param name="matrix">Row-major [rows, columns], updated in place.</param>
        /// <param name="bias">[columns].</param>
        /// <param name="rows">Number of rows.</param>
        /// <param name="columns">Number of columns.</param>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException">A span is too short.</exception>
        public static void AddBias<T>(Span<T> matrix, ReadOnlySpan<T> bias, int rows, int columns)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            KernelChecks.Dimension(rows, nameof(rows));
            KernelChecks.Dimension(columns, nameof(columns));
            KernelChecks.Length(matrix.Length, (long)rows * columns, nameof(matrix));
            KernelChecks.Length(bias.Length, columns, nameof(bias));
            ReadOnlySpan<T> b = bias.Slice(0, columns);
            bool simd = KernelOptions.UseSimd;
            for (int r = 0; r < rows; r++)
            {
                Span<T> row = matrix.Slice(r * columns, columns);
                if (simd)
                {
                    TensorPrimitives.Add(row, b, row);
                }
                else
                {
                    for (int j = 0; j < row.Length; j++)
                    {
                        row[j] += b[j];
                    }
                }
            }
        }

        /// <summary>Adds the column sums to <paramref name="accumulator"/>: accumulator[j] += Σ_r matrix[r, j] (rows in increasing order).</summary>
        /// <param name="matrix">Row-major [rows, columns].</param>
        /// <param name="accumulator">[columns], updated in place.</param>
        /// <param name="rows">Number of rows.</param>
        /// <param name="columns">Number of columns.</param>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException">A span is too short.</exception>
        public static void SumColumns<T>(ReadOnlySpan<T> matrix, Span<T> accumulator, int rows, int columns)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            KernelChecks.Dimension(rows, nameof(rows));
            KernelChecks.Dimension(columns, nameof(columns));
            KernelChecks.Length(matrix.Length, (long)rows * columns, nameof(matrix));
            KernelChecks.Length(accumulator.Length, columns, nameof(accumulator));
            Span<T> acc = accumulator.Slice(0, columns);
            bool simd = KernelOptions.UseSimd;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<T> row = matrix.Slice(r * columns, columns);
                if (simd)
                {
                    TensorPrimitives.Add(acc, row, acc);
                }
                else
                {
                    for (int j = 0; j < acc.Length; j++)
                    {
                        acc[j] += row[j];
                    }
                }
            }
        }
    }
}
