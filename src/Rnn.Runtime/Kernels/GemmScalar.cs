using System;
using System.Numerics;

namespace Rnn.Kernels
{
    /// <summary>
    /// Scalar GEMM used when <see cref="KernelOptions.UseSimd"/> is <see langword="false"/>. Plain loops in a
    /// cache-friendly order; every output element is accumulated over <c>p</c> in increasing order.
    /// </summary>
    internal static class GemmScalar
    {
        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ.</summary>
        public static void MatMulTransB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<T> aRow = a.Slice(i * k, k);
                Span<T> cRow = c.Slice(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    ReadOnlySpan<T> bRow = b.Slice(j * k, k);
                    T sum = T.Zero;
                    for (int p = 0; p < aRow.Length; p++)
                    {
                        sum += aRow[p] * bRow[p];
                    }

                    cRow[j] = accumulate ? cRow[j] + sum : sum;
                }
            }
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n].</summary>
        public static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < m; i++)
            {
                Span<T> cRow = c.Slice(i * n, n);
                if (!accumulate)
                {
                    cRow.Clear();
                }

                for (int p = 0; p < k; p++)
                {
                    T av = a[i * k + p];
                    ReadOnlySpan<T> bRow = b.Slice(p * n, n);
                    for (int j = 0; j < cRow.Length; j++)
                    {
                        cRow[j] += av * bRow[j];
                    }
                }
            }
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n].</summary>
        public static void MatMulTransA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!accumulate)
            {
                c.Slice(0, m * n).Clear();
            }

            for (int p = 0; p < k; p++)
            {
                ReadOnlySpan<T> aRow = a.Slice(p * m, m);
                ReadOnlySpan<T> bRow = b.Slice(p * n, n);
                for (int i = 0; i < aRow.Length; i++)
                {
                    T av = aRow[i];
                    Span<T> cRow = c.Slice(i * n, n);
                    for (int j = 0; j < cRow.Length; j++)
                    {
                        cRow[j] += av * bRow[j];
                    }
                }
            }
        }
    }
}
