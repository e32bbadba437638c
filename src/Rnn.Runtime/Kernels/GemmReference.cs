using System;
using System.Numerics;

namespace Rnn.Kernels
{
    /// <summary>
    /// Naive triple-loop matrix products with the same signatures as <see cref="Gemm"/>.
    /// Kept as the oracle that tests compare the optimised kernels against; never optimise it.
    /// </summary>
    /// <remarks>
    /// All matrices are row-major and contiguous; spans may be longer than needed (the leading part is used).
    /// Every output element is the sum over <c>p = 0 … k-1</c> in increasing order, added to the old value of
    /// <c>C</c> when <c>accumulate</c> is <see langword="true"/>.
    /// </remarks>
    public static class GemmReference
    {
        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ.</summary>
        /// <param name="a">A, row-major [m, k].</param>
        /// <param name="b">B, row-major [n, k] (n rows of length k, e.g. PyTorch weights [out, in]).</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="n">Rows of B, columns of C.</param>
        /// <param name="k">Columns of A and B.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        public static void MatMulTransB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Gemm.Validate(a.Length, b.Length, c.Length, m, n, k);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                    {
                        sum += a[i * k + p] * b[j * k + p];
                    }

                    c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
                }
            }
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n].</summary>
        /// <param name="a">A, row-major [m, k].</param>
        /// <param name="b">B, row-major [k, n].</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="n">Columns of B and C.</param>
        /// <param name="k">Columns of A, rows of B.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        public static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Gemm.Validate(a.Length, b.Length, c.Length, m, n, k);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                    {
                        sum += a[i * k + p] * b[p * n + j];
                    }

                    c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
                }
            }
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n].</summary>
        /// <param name="a">A, row-major [k, m].</param>
        /// <param name="b">B, row-major [k, n].</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Columns of A, rows of C.</param>
        /// <param name="n">Columns of B and C.</param>
        /// <param name="k">Rows of A and B.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        public static void MatMulTransA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Gemm.Validate(a.Length, b.Length, c.Length, m, n, k);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                    {
                        sum += a[p * m + i] * b[p * n + j];
                    }

                    c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
                }
            }
        }
    }
}
