using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Rnn.Kernels
{
    /// <summary>
    /// General matrix products for the recurrent layers: the input projection, the per-step recurrent product,
    /// weight gradients and batch-1 streaming (matrix–vector).
    /// </summary>
    /// <remarks>
    /// All matrices are row-major and contiguous; spans may be longer than needed (the leading part is used).
    /// With <c>accumulate</c> <see langword="false"/> C is overwritten, otherwise the product is added to it.
    /// Results do not depend on <see cref="KernelOptions.MaxThreads"/> (bit-identical for any thread count).
    /// A right-hand operand used by many products can be packed once (<see cref="PackB{T}"/>,
    /// <see cref="PackBTransposed{T}"/>) and multiplied with <see cref="MatMulPacked{T}"/>.
    /// </remarks>
    public static partial class Gemm
    {
        /// <summary>C[m,n] (+)= A[m,k] · B[n,k]ᵀ. With m = 1 this is a matrix–vector product (streaming inference).</summary>
        /// <param name="a">A, row-major [m, k].</param>
        /// <param name="b">B, row-major [n, k] (n rows of length k, e.g. PyTorch weights [out, in]).</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="n">Rows of B, columns of C.</param>
        /// <param name="k">Columns of A and B.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
        public static void MatMulTransB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Validate(a.Length, b.Length, c.Length, m, n, k);
            if (KernelOptions.UseSimd)
            {
                if (k == 1)
                {
                    OuterProduct(a, b, c, m, n, accumulate);
                    return;
                }

                if (typeof(T) == typeof(float) && GemmFloat.IsSupported)
                {
                    GemmFloat.MatMulTransB(
                        MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), m, n, k, accumulate);
                    return;
                }

                if (Vector.IsHardwareAccelerated)
                {
                    GemmVectorized.MatMulTransB(a, b, c, m, n, k, accumulate);
                    return;
                }
            }

            GemmScalar.MatMulTransB(a, b, c, m, n, k, accumulate);
        }

        /// <summary>C[m,n] (+)= A[m,k] · B[k,n].</summary>
        /// <param name="a">A, row-major [m, k].</param>
        /// <param name="b">B, row-major [k, n].</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="n">Columns of B and C.</param>
        /// <param name="k">Columns of A, rows of B.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
        public static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Validate(a.Length, b.Length, c.Length, m, n, k);
            if (KernelOptions.UseSimd)
            {
                if (typeof(T) == typeof(float) && GemmFloat.IsSupported)
                {
                    GemmFloat.MatMul(
                        MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), m, n, k, accumulate);
                    return;
                }

                if (Vector.IsHardwareAccelerated)
                {
                    GemmVectorized.MatMul(a, b, c, m, n, k, accumulate);
                    return;
                }
            }

            GemmScalar.MatMul(a, b, c, m, n, k, accumulate);
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ · B[k,n] (weight gradients: dW[out,in] += dYᵀ[out,rows] · X[rows,in]).</summary>
        /// <param name="a">A, row-major [k, m].</param>
        /// <param name="b">B, row-major [k, n].</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Columns of A, rows of C.</param>
        /// <param name="n">Columns of B and C.</param>
        /// <param name="k">Rows of A and B.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
        public static void MatMulTransA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Validate(a.Length, b.Length, c.Length, m, n, k);
            if (KernelOptions.UseSimd)
            {
                if (typeof(T) == typeof(float) && GemmFloat.IsSupported)
                {
                    GemmFloat.MatMulTransA(
                        MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), m, n, k, accumulate);
                    return;
                }

                if (Vector.IsHardwareAccelerated)
                {
                    GemmVectorized.MatMulTransA(a, b, c, m, n, k, accumulate);
                    return;
                }
            }

            GemmScalar.MatMulTransA(a, b, c, m, n, k, accumulate);
        }

        /// <summary>
        /// k = 1 (one input feature, e.g. an audio sample): every row of C is a[i]·b, one vectorised multiply(-add) per row.
        /// Each element is one product (plus C), so the result is the same as every other path's.
        /// </summary>
        private static void OuterProduct<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var row = b.Slice(0, n);
            for (int i = 0; i < m; i++)
            {
                var cRow = c.Slice(i * n, n);
                if (accumulate) TensorPrimitives.MultiplyAdd<T>(row, a[i], cRow, cRow);
                else TensorPrimitives.Multiply<T>(row, a[i], cRow);
            }
        }

        /// <summary>Validates dimensions and span lengths for a product of an [m,k] and a [k,n] operand into [m,n].</summary>
        internal static void Validate(int aLength, int bLength, int cLength, int m, int n, int k)
        {
            KernelChecks.Dimension(m, "m");
            KernelChecks.Dimension(n, "n");
            KernelChecks.Dimension(k, "k");
            KernelChecks.Length(aLength, (long)m * k, "a");
            KernelChecks.Length(bLength, (long)n * k, "b");
            KernelChecks.Length(cLength, (long)m * n, "c");
        }
    }
}
