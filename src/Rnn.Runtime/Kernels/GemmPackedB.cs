using System;
using System.Numerics;

namespace Rnn.Kernels
{
    /// <summary>
    /// A right-hand GEMM operand B̂[k, n] packed once for many products with <see cref="Gemm.MatMulPacked{T}"/>, e.g. a
    /// recurrent layer's W_hh at every time step of one forward or backward pass. Fill it with
    /// <see cref="Gemm.PackB{T}"/> (from B[k, n], as <see cref="Gemm.MatMul{T}"/> takes it) or
    /// <see cref="Gemm.PackBTransposed{T}"/> (from B[n, k], as <see cref="Gemm.MatMulTransB{T}"/> takes it).
    /// </summary>
    /// <remarks>
    /// It holds a copy: pack again after the source changes (e.g. after every optimiser step). Its storage (64-byte
    /// aligned, pinned) grows to the largest matrix packed into it and is then reused, so packing the same size again
    /// allocates nothing. Any number of threads may multiply with one instance at once (products only read it); it
    /// must not be repacked while a product is reading it. The layout (micro-kernel panels for float with SIMD, else
    /// the plain row-major B̂) is chosen when packing, from the <see cref="KernelOptions"/> of that moment.
    /// </remarks>
    /// <typeparam name="T">The element type (float uses the packed micro-kernels; other types store B̂ plainly).</typeparam>
    public sealed class GemmPackedB<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly AlignedBuffer<T> _buffer = new();

        /// <summary>Columns of B̂ (and of C): the n of the last pack.</summary>
        public int N { get; private set; }

        /// <summary>Rows of B̂ (columns of A): the k of the last pack.</summary>
        public int K { get; private set; }

        /// <summary>Whether a matrix has been packed into this instance.</summary>
        public bool IsPacked { get; private set; }

        /// <summary>Columns per micro-kernel panel (NR) of a float SIMD layout, or 0 for the plain row-major B̂[k, n].</summary>
        internal int PanelWidth { get; private set; }

        /// <summary>The packed data (<see cref="GemmFloatPrepacked"/> panels, or B̂ row-major when <see cref="PanelWidth"/> is 0).</summary>
        internal ReadOnlySpan<T> Data => _buffer.Span;

        /// <summary>Packs B̂ = B[k, n] (<paramref name="transposed"/> false) or Bᵀ for B[n, k]; arguments already validated.</summary>
        internal unsafe void Pack(ReadOnlySpan<T> b, int n, int k, bool transposed)
        {
            IsPacked = false;
            if (typeof(T) == typeof(float) && KernelOptions.UseSimd && GemmFloat.IsSupported)
            {
                int nr = GemmFloat.PanelWidth;
                float* dst = (float*)_buffer.Pointer(CheckedLength(GemmFloatPrepacked.Length(n, k, nr)));
                fixed (T* src = b)
                {
                    if (transposed)
                    {
                        GemmFloatPrepacked.PackTransposed((float*)src, n, k, nr, dst);
                    }
                    else
                    {
                        GemmFloatPrepacked.Pack((float*)src, n, k, nr, dst);
                    }
                }

                PanelWidth = nr;
            }
            else
            {
                _buffer.Ensure(CheckedLength((long)n * k));
                Span<T> dst = _buffer.Span;
                if (transposed)
                {
                    for (int p = 0; p < k; p++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            dst[p * n + j] = b[j * k + p];
                        }
                    }
                }
                else
                {
                    b.Slice(0, n * k).CopyTo(dst);
                }

                PanelWidth = 0;
            }

            N = n;
            K = k;
            IsPacked = true;
        }

        /// <summary>Writes B̂ row-major [k, n] into <paramref name="dst"/> from the panel layout (when the options changed since packing).</summary>
        internal unsafe void Unpack(float* dst)
        {
            int nr = PanelWidth;
            fixed (T* data = Data)
            {
                float* src = (float*)data;
                for (int j = 0; j < N; j += nr)
                {
                    int width = Math.Min(nr, N - j);
                    float* panel = src + (nint)j * K;
                    for (int p = 0; p < K; p++)
                    {
                        new ReadOnlySpan<float>(panel + (nint)p * nr, width).CopyTo(new Span<float>(dst + (nint)p * N + j, width));
                    }
                }
            }
        }

        private static int CheckedLength(long length) =>
            length <= Array.MaxLength - 64
                ? (int)length
                : throw new ArgumentException($"The packed matrix would need {length} elements, more than an array can hold.", "b");
    }
}
