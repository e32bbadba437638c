using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// Elementwise activations. The float path is vectorised (<see cref="FloatMath"/>, accurate to a few ulps); double
    /// uses the exact scalar library functions. Each reads <c>x</c> and writes
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
            if (typeof(T) == typeof(float) && UseFloatVectors)
            {
                Apply<SigmoidOp>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(dst));
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
            if (typeof(T) == typeof(float) && UseFloatVectors)
            {
                Apply<TanhOp>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(dst));
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
            if (KernelOptions.UseSimd && x.Length != 0)
            {
                TensorPrimitives.Max(x, T.Zero, dst);
                return;
            }

            for (int i = 0; i < x.Length; i++)
            {
                dst[i] = T.Max(x[i], T.Zero);
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
            if (columns == 0)
            {
                return;
            }

            bool floatVectors = typeof(T) == typeof(float) && UseFloatVectors;
            bool simd = KernelOptions.UseSimd;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<T> src = x.Slice(r * columns, columns);
                Span<T> dst = y.Slice(r * columns, columns);
                if (floatVectors)
                {
                    float max = TensorPrimitives.Max(MemoryMarshal.Cast<T, float>(src));
                    Span<float> d = MemoryMarshal.Cast<T, float>(dst);
                    TensorPrimitives.Subtract(MemoryMarshal.Cast<T, float>(src), max, d);
                    Apply<ExpOp>(d, d);
                    float sum = TensorPrimitives.Sum<float>(d);
                    TensorPrimitives.Multiply(d, 1f / sum, d);
                    continue;
                }

                T rowMax = T.NegativeInfinity;
                for (int j = 0; j < src.Length; j++)
                {
                    rowMax = T.Max(rowMax, src[j]);
                }

                T total = T.Zero;
                for (int j = 0; j < src.Length; j++)
                {
                    T e = T.Exp(src[j] - rowMax);
                    dst[j] = e;
                    total += e;
                }

                T inverse = T.One / total;
                if (simd)
                {
                    TensorPrimitives.Multiply(dst, inverse, dst);
                }
                else
                {
                    for (int j = 0; j < dst.Length; j++)
                    {
                        dst[j] *= inverse;
                    }
                }
            }
        }

        private static bool UseFloatVectors => KernelOptions.UseSimd && Vector.IsHardwareAccelerated;

        /// <summary>
        /// Applies a vector operation to every element, with the widest accelerated vectors. The last, possibly
        /// overlapping, vector is computed before anything is stored, so in-place use is safe, and every element goes
        /// through the same vector code wherever it sits.
        /// </summary>
        private static void Apply<TOp>(ReadOnlySpan<float> x, Span<float> y)
            where TOp : struct, IFloatVectorOp
        {
            if (x.Length == 0)
            {
                return;
            }

            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(y);
            int length = x.Length;
            if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
            {
                int width = Vector512<float>.Count;
                Vector512<float> last = TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)(length - width)));
                for (int i = 0; i + width <= length; i += width)
                {
                    TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
                }

                last.StoreUnsafe(ref ys, (nuint)(length - width));
            }
            else if (Avx2.IsSupported && Fma.IsSupported && length >= Vector256<float>.Count)
            {
                int width = Vector256<float>.Count;
                Vector256<float> last = TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)(length - width)));
                for (int i = 0; i + width <= length; i += width)
                {
                    TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
                }

                last.StoreUnsafe(ref ys, (nuint)(length - width));
            }
            else if (Avx2.IsSupported && Fma.IsSupported)
            {
                // Shorter than one vector: go through a zero-padded scratch vector with the same code.
                Span<float> scratch = stackalloc float[Vector512<float>.Count];
                scratch.Clear();
                x.CopyTo(scratch);
                if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
                {
                    TOp.Invoke(Vector512.Create<float>(scratch)).CopyTo(scratch);
                }
                else
                {
                    TOp.Invoke(Vector256.Create<float>(scratch)).CopyTo(scratch);
                }

                scratch.Slice(0, length).CopyTo(y);
            }
            else if (length >= Vector<float>.Count)
            {
                int width = Vector<float>.Count;
                Vector<float> last = TOp.Invoke(Load(ref xs, length - width));
                for (int i = 0; i + width <= length; i += width)
                {
                    Store(TOp.Invoke(Load(ref xs, i)), ref ys, i);
                }

                Store(last, ref ys, length - width);
            }
            else
            {
                Span<float> scratch = stackalloc float[Vector<float>.Count];
                scratch.Clear();
                x.CopyTo(scratch);
                TOp.Invoke(new Vector<float>(scratch)).CopyTo(scratch);
                scratch.Slice(0, length).CopyTo(y);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<float> Load(ref float source, int offset) =>
            Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref source, offset)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector<float> value, ref float destination, int offset) =>
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref destination, offset)), value);

        private interface IFloatVectorOp
        {
            static abstract Vector<float> Invoke(Vector<float> x);

            static abstract Vector256<float> Invoke(Vector256<float> x);

            static abstract Vector512<float> Invoke(Vector512<float> x);
        }

        private readonly struct SigmoidOp : IFloatVectorOp
        {
            public static Vector<float> Invoke(Vector<float> x) => FloatMath.Sigmoid(x);

            public static Vector256<float> Invoke(Vector256<float> x) => FloatMath.Sigmoid(x);

            public static Vector512<float> Invoke(Vector512<float> x) => FloatMath.Sigmoid(x);
        }

        private readonly struct TanhOp : IFloatVectorOp
        {
            public static Vector<float> Invoke(Vector<float> x) => FloatMath.Tanh(x);

            public static Vector256<float> Invoke(Vector256<float> x) => FloatMath.Tanh(x);

            public static Vector512<float> Invoke(Vector512<float> x) => FloatMath.Tanh(x);
        }

        private readonly struct ExpOp : IFloatVectorOp
        {
            public static Vector<float> Invoke(Vector<float> x) => FloatMath.Exp(x);

            public static Vector256<float> Invoke(Vector256<float> x) => FloatMath.Exp(x);

            public static Vector512<float> Invoke(Vector512<float> x) => FloatMath.Exp(x);
        }
    }
}
