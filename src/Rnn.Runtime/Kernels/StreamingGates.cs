using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// The gate sums of one streaming step, dst = bias + Σ_k v_k · W[k, :], over weights packed for it: W [rows, g] with row
    /// k the k-th input column of the PyTorch weight (so the sum is broadcast-FMAs into accumulators that stay in
    /// registers over all rows, with no horizontal reductions). AVX-512 keeps 128 gates in eight accumulators, AVX2 64;
    /// <see cref="Reference"/> is the plain loop, used for double, without SIMD, and to test the others.
    /// </summary>
    internal static class StreamingGates
    {
        public static void Sums<T>(ReadOnlySpan<T> w, int rows, int g, ReadOnlySpan<T> bias, ReadOnlySpan<T> v, Span<T> dst)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float) && KernelOptions.UseSimd)
            {
                var wf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(w);
                var bf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(bias);
                var vf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(v);
                var df = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(dst);
                if (Avx512F.IsSupported) { Avx512(wf, rows, g, bf, vf, df); return; }
                if (Avx2.IsSupported && Fma.IsSupported) { Avx256(wf, rows, g, bf, vf, df); return; }
            }
            Reference(w, rows, g, bias, v, dst);
        }

        /// <summary>The naive kernel: dst[j] = bias[j] + Σ_k v[k] · w[k, j].</summary>
        public static void Reference<T>(ReadOnlySpan<T> w, int rows, int g, ReadOnlySpan<T> bias, ReadOnlySpan<T> v, Span<T> dst)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            bias.Slice(0, g).CopyTo(dst);
            for (int k = 0; k < rows; k++)
            {
                T a = v[k];
                var row = w.Slice(k * g, g);
                for (int j = 0; j < g; j++) dst[j] += a * row[j];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Avx512(ReadOnlySpan<float> weights, int rows, int g, ReadOnlySpan<float> biasSpan, ReadOnlySpan<float> vSpan, Span<float> dstSpan)
        {
            fixed (float* w = weights, b = biasSpan, v = vSpan, d = dstSpan)
            {
                int j = 0;
                for (; j + 128 <= g; j += 128)
                {
                    var a0 = Avx512F.LoadVector512(b + j);
                    var a1 = Avx512F.LoadVector512(b + j + 16);
                    var a2 = Avx512F.LoadVector512(b + j + 32);
                    var a3 = Avx512F.LoadVector512(b + j + 48);
                    var a4 = Avx512F.LoadVector512(b + j + 64);
                    var a5 = Avx512F.LoadVector512(b + j + 80);
                    var a6 = Avx512F.LoadVector512(b + j + 96);
                    var a7 = Avx512F.LoadVector512(b + j + 112);
                    float* col = w + j;
                    for (int k = 0; k < rows; k++, col += g)
                    {
                        var s = Vector512.Create(v[k]);
                        a0 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col), a0);
                        a1 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 16), a1);
                        a2 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 32), a2);
                        a3 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 48), a3);
                        a4 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 64), a4);
                        a5 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 80), a5);
                        a6 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 96), a6);
                        a7 = Avx512F.FusedMultiplyAdd(s, Avx512F.LoadVector512(col + 112), a7);
                    }
                    Avx512F.Store(d + j, a0);
                    Avx512F.Store(d + j + 16, a1);
                    Avx512F.Store(d + j + 32, a2);
                    Avx512F.Store(d + j + 48, a3);
                    Avx512F.Store(d + j + 64, a4);
                    Avx512F.Store(d + j + 80, a5);
                    Avx512F.Store(d + j + 96, a6);
                    Avx512F.Store(d + j + 112, a7);
                }
                for (; j + 16 <= g; j += 16)
                {
                    var a = Avx512F.LoadVector512(b + j);
                    float* col = w + j;
                    for (int k = 0; k < rows; k++, col += g) a = Avx512F.FusedMultiplyAdd(Vector512.Create(v[k]), Avx512F.LoadVector512(col), a);
                    Avx512F.Store(d + j, a);
                }
                Tail(w, rows, g, j, b, v, d);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Avx256(ReadOnlySpan<float> weights, int rows, int g, ReadOnlySpan<float> biasSpan, ReadOnlySpan<float> vSpan, Span<float> dstSpan)
        {
            fixed (float* w = weights, b = biasSpan, v = vSpan, d = dstSpan)
            {
                int j = 0;
                for (; j + 64 <= g; j += 64)
                {
                    var a0 = Avx.LoadVector256(b + j);
                    var a1 = Avx.LoadVector256(b + j + 8);
                    var a2 = Avx.LoadVector256(b + j + 16);
                    var a3 = Avx.LoadVector256(b + j + 24);
                    var a4 = Avx.LoadVector256(b + j + 32);
                    var a5 = Avx.LoadVector256(b + j + 40);
                    var a6 = Avx.LoadVector256(b + j + 48);
                    var a7 = Avx.LoadVector256(b + j + 56);
                    float* col = w + j;
                    for (int k = 0; k < rows; k++, col += g)
                    {
                        var s = Vector256.Create(v[k]);
                        a0 = Fma.MultiplyAdd(s, Avx.LoadVector256(col), a0);
                        a1 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 8), a1);
                        a2 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 16), a2);
                        a3 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 24), a3);
                        a4 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 32), a4);
                        a5 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 40), a5);
                        a6 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 48), a6);
                        a7 = Fma.MultiplyAdd(s, Avx.LoadVector256(col + 56), a7);
                    }
                    Avx.Store(d + j, a0);
                    Avx.Store(d + j + 8, a1);
                    Avx.Store(d + j + 16, a2);
                    Avx.Store(d + j + 24, a3);
                    Avx.Store(d + j + 32, a4);
                    Avx.Store(d + j + 40, a5);
                    Avx.Store(d + j + 48, a6);
                    Avx.Store(d + j + 56, a7);
                }
                for (; j + 8 <= g; j += 8)
                {
                    var a = Avx.LoadVector256(b + j);
                    float* col = w + j;
                    for (int k = 0; k < rows; k++, col += g) a = Fma.MultiplyAdd(Vector256.Create(v[k]), Avx.LoadVector256(col), a);
                    Avx.Store(d + j, a);
                }
                Tail(w, rows, g, j, b, v, d);
            }
        }

        private static unsafe void Tail(float* w, int rows, int g, int j, float* b, float* v, float* d)
        {
            for (; j < g; j++)
            {
                float a = b[j];
                for (int k = 0; k < rows; k++) a = MathF.FusedMultiplyAdd(v[k], w[k * g + j], a);
                d[j] = a;
            }
        }
    }
}
