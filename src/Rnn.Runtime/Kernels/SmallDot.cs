using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// The dot product of two short float vectors, for a dense layer's single row in streaming inference (a 32-unit amp
    /// model's head is one such product per sample): one vector accumulator, no dispatch. <see cref="Reference"/> is the
    /// plain loop; tests compare them.
    /// </summary>
    internal static class SmallDot
    {
        /// <summary>Σ a[i]·b[i] over a's length (b at least as long).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            int n = a.Length, i = 0;
            b = b.Slice(0, n);
            float sum = 0f;
            fixed (float* pa = a, pb = b)
            {
                if (KernelOptions.UseSimd && Avx512F.IsSupported && n >= 16)
                {
                    var acc = Vector512<float>.Zero;
                    for (; i + 16 <= n; i += 16) acc = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(pa + i), Avx512F.LoadVector512(pb + i), acc);
                    sum = Sum(Avx.Add(acc.GetLower(), Avx512F.ExtractVector256(acc, 1)));
                }
                else if (KernelOptions.UseSimd && Fma.IsSupported && n >= 8)
                {
                    var acc = Vector256<float>.Zero;
                    for (; i + 8 <= n; i += 8) acc = Fma.MultiplyAdd(Avx.LoadVector256(pa + i), Avx.LoadVector256(pb + i), acc);
                    sum = Sum(acc);
                }
                for (; i < n; i++) sum = MathF.FusedMultiplyAdd(pa[i], pb[i], sum);
            }
            return sum;
        }

        /// <summary>The eight lanes' sum in three halving steps (shorter than the generic Vector256.Sum's code).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Sum(Vector256<float> v)
        {
            Vector128<float> x = Sse.Add(v.GetLower(), Avx.ExtractVector128(v, 1));
            x = Sse.Add(x, Sse.MoveHighToLow(x, x));
            return Sse.AddScalar(x, Sse.Shuffle(x, x, 1)).ToScalar();
        }

        /// <summary>The plain loop, in double: what <see cref="Compute"/> approximates.</summary>
        public static double Reference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            double sum = 0;
            for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
            return sum;
        }
    }
}
