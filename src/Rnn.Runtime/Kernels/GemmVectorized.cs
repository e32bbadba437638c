using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Rnn.Kernels
{
    /// <summary>
    /// Simple single-threaded SIMD GEMM for any element type (the double path, and float on hardware without
    /// AVX2+FMA): row-wise multiply-adds and dot products through <see cref="TensorPrimitives"/>.
    /// </summary>
    internal static class GemmVectorized
    {
        private const int BlockK = 64;

        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ as one dot product per output element.</summary>
        public static void MatMulTransB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<T> aRow = a.Slice(i * k, k);
                Span<T> cRow = c.Slice(i * n, n);
                for (int j = 0; j < cRow.Length; j++)
                {
                    T sum = TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
                    cRow[j] = accumulate ? cRow[j] + sum : sum;
                }
            }
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n] as row multiply-adds C[i,:] += A[i,p]·B[p,:].</summary>
        public static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!accumulate)
            {
                c.Slice(0, m * n).Clear();
            }

            for (int p0 = 0; p0 < k; p0 += BlockK)
            {
                int p1 = Math.Min(k, p0 + BlockK);
                for (int i = 0; i < m; i++)
                {
                    Span<T> cRow = c.Slice(i * n, n);
                    for (int p = p0; p < p1; p++)
                    {
                        TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[i * k + p], cRow, cRow);
                    }
                }
            }
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n] as row multiply-adds C[i,:] += A[p,i]·B[p,:].</summary>
        public static void MatMulTransA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!accumulate)
            {
                c.Slice(0, m * n).Clear();
            }

            for (int p0 = 0; p0 < k; p0 += BlockK)
            {
                int p1 = Math.Min(k, p0 + BlockK);
                for (int i = 0; i < m; i++)
                {
                    Span<T> cRow = c.Slice(i * n, n);
                    for (int p = p0; p < p1; p++)
                    {
                        TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[p * m + i], cRow, cRow);
                    }
                }
            }
        }
    }
}
