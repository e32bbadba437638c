using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rnn.Kernels
{
    /// <summary>Products with a right-hand operand packed once and reused (<see cref="GemmPackedB{T}"/>).</summary>
    public static partial class Gemm
    {
        /// <summary>Packs B[k, n] (row-major, as <see cref="MatMul{T}"/> takes it) as the operand B̂ = B of <see cref="MatMulPacked{T}"/>.</summary>
        /// <param name="b">B, row-major [k, n] (e.g. W_hh [4H, H] for dH·W_hh).</param>
        /// <param name="n">Columns of B (and of C).</param>
        /// <param name="k">Rows of B (columns of A).</param>
        /// <param name="destination">Receives a copy of B, replacing what it held.</param>
        /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than n·k.</exception>
        public static void PackB<T>(ReadOnlySpan<T> b, int n, int k, GemmPackedB<T> destination)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePack(b.Length, n, k, destination);
            destination.Pack(b, n, k, transposed: false);
        }

        /// <summary>Packs B[n, k] (row-major, as <see cref="MatMulTransB{T}"/> takes it) as the operand B̂ = Bᵀ of <see cref="MatMulPacked{T}"/>.</summary>
        /// <param name="b">B, row-major [n, k] (n rows of length k, e.g. PyTorch weights [out, in] such as W_hh [4H, H] for h·W_hhᵀ).</param>
        /// <param name="n">Rows of B (columns of C).</param>
        /// <param name="k">Columns of B (and of A).</param>
        /// <param name="destination">Receives Bᵀ, replacing what it held.</param>
        /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
        /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than n·k.</exception>
        public static void PackBTransposed<T>(ReadOnlySpan<T> b, int n, int k, GemmPackedB<T> destination)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePack(b.Length, n, k, destination);
            destination.Pack(b, n, k, transposed: true);
        }

        /// <summary>
        /// C[m, n] (+)= A[m, k] · B̂[k, n] with B̂ packed in advance; n and k are those of the pack. For float with SIMD a
        /// call runs only the micro-kernel over the packed panels (no per-call packing or transposing).
        /// </summary>
        /// <remarks>
        /// The result is bit-identical to <see cref="MatMul{T}"/> with the unpacked B̂ (B for <see cref="PackB{T}"/>,
        /// Bᵀ for <see cref="PackBTransposed{T}"/>) under the same <see cref="KernelOptions"/>, for any
        /// <see cref="KernelOptions.MaxThreads"/>. Against <see cref="MatMulTransB{T}"/> on B it agrees to rounding
        /// (for float with SIMD and m ≤ 24 that uses dot products, another summation order). If the options changed
        /// since packing (SIMD switched), B̂ is unpacked into scratch and <see cref="MatMul{T}"/> runs: correct, slower.
        /// Allocates nothing.
        /// </remarks>
        /// <param name="a">A, row-major [m, k].</param>
        /// <param name="b">The packed B̂ [k, n].</param>
        /// <param name="c">C, row-major [m, n].</param>
        /// <param name="m">Rows of A and C.</param>
        /// <param name="accumulate"><see langword="true"/> to add into C, <see langword="false"/> to overwrite it.</param>
        /// <exception cref="ArgumentNullException"><paramref name="b"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/> is negative.</exception>
        /// <exception cref="ArgumentException"><paramref name="b"/> has not been packed, or a span is shorter than its matrix (a: m·k, c: m·n).</exception>
        public static unsafe void MatMulPacked<T>(ReadOnlySpan<T> a, GemmPackedB<T> b, Span<T> c, int m, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(b);
            if (!b.IsPacked)
            {
                throw new ArgumentException("The operand has not been packed: call Gemm.PackB or Gemm.PackBTransposed first.", nameof(b));
            }

            int n = b.N, k = b.K;
            KernelChecks.Dimension(m, "m");
            KernelChecks.Length(a.Length, (long)m * k, "a");
            KernelChecks.Length(c.Length, (long)m * n, "c");
            if (b.PanelWidth == 0)
            {
                MatMul(a, b.Data, c, m, n, k, accumulate);
                return;
            }

            var af = MemoryMarshal.Cast<T, float>(a);
            var cf = MemoryMarshal.Cast<T, float>(c);
            if (KernelOptions.UseSimd && GemmFloat.IsSupported && GemmFloat.PanelWidth == b.PanelWidth)
            {
                fixed (T* packed = b.Data)
                {
                    GemmFloat.MatMulPrepacked(af, (float*)packed, cf, m, n, k, accumulate);
                }

                return;
            }

            // Packed for another kernel than the options now select: the ordinary product on the unpacked B̂.
            float* plain = PackingBuffers.Unpacked(n * k);
            b.Unpack(plain);
            MatMul<float>(af, new ReadOnlySpan<float>(plain, n * k), cf, m, n, k, accumulate);
        }

        private static void ValidatePack<T>(int bLength, int n, int k, GemmPackedB<T> destination)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(destination);
            KernelChecks.Dimension(n, "n");
            KernelChecks.Dimension(k, "k");
            KernelChecks.Length(bLength, (long)n * k, "b");
        }
    }
}
