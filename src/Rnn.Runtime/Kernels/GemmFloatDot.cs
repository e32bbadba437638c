using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// Float C[m,n] (+)= A[m,k] · B[n,k]ᵀ as dot products of contiguous rows, for few rows of A (batch-1 streaming
    /// is matrix–vector). Eight rows of B are read at a time against one row of A with one vector accumulator each;
    /// the k tail is a masked, overlapping final vector; the eight accumulators are reduced together by one fixed
    /// tree, which the single-column edge code reuses so that every element is computed the same way.
    /// </summary>
    internal static unsafe class GemmFloatDot
    {
        private static readonly int[] s_tailMask =
        {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        };

        /// <summary>Runs with AVX-512 (16-lane accumulators). Requires <c>CsA == 1</c> and <c>RsB == 1</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run512(in GemmProblem p)
        {
            int k = p.K;
            if (k < 16)
            {
                RunScalar(p);
                return;
            }

            int rem = k & 15;
            int last = k - 16;
            Vector512<float> mask;
            fixed (int* table = s_tailMask)
            {
                mask = Vector512.Load((float*)(table + rem));
            }

            int kMain = k - rem;
            nint ldb = p.CsB;
            for (int i = 0; i < p.M; i++)
            {
                float* a = p.A + i * p.RsA;
                float* c = p.C + i * p.Ldc;
                int j = 0;
                for (; j + 8 <= p.N; j += 8)
                {
                    float* b0 = p.B + j * ldb;
                    float* b1 = b0 + ldb;
                    float* b2 = b1 + ldb;
                    float* b3 = b2 + ldb;
                    float* b4 = b3 + ldb;
                    float* b5 = b4 + ldb;
                    float* b6 = b5 + ldb;
                    float* b7 = b6 + ldb;
                    Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    Vector512<float> s4 = default, s5 = default, s6 = default, s7 = default;
                    for (int q = 0; q < kMain; q += 16)
                    {
                        Vector512<float> x = Vector512.Load(a + q);
                        s0 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b0 + q), s0);
                        s1 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b1 + q), s1);
                        s2 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b2 + q), s2);
                        s3 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b3 + q), s3);
                        s4 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b4 + q), s4);
                        s5 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b5 + q), s5);
                        s6 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b6 + q), s6);
                        s7 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b7 + q), s7);
                    }

                    if (rem != 0)
                    {
                        Vector512<float> x = Vector512.Load(a + last) & mask;
                        s0 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b0 + last) & mask, s0);
                        s1 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b1 + last) & mask, s1);
                        s2 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b2 + last) & mask, s2);
                        s3 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b3 + last) & mask, s3);
                        s4 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b4 + last) & mask, s4);
                        s5 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b5 + last) & mask, s5);
                        s6 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b6 + last) & mask, s6);
                        s7 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b7 + last) & mask, s7);
                    }

                    Vector256<float> sums = Reduce8(Half(s0), Half(s1), Half(s2), Half(s3), Half(s4), Half(s5), Half(s6), Half(s7));
                    if (p.Accumulate)
                    {
                        sums = Vector256.Load(c + j) + sums;
                    }

                    Vector256.Store(sums, c + j);
                }

                for (; j < p.N; j++)
                {
                    float* b0 = p.B + j * ldb;
                    Vector512<float> s0 = default;
                    for (int q = 0; q < kMain; q += 16)
                    {
                        s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + q), Vector512.Load(b0 + q), s0);
                    }

                    if (rem != 0)
                    {
                        s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + last) & mask, Vector512.Load(b0 + last) & mask, s0);
                    }

                    Vector256<float> z = default;
                    float sum = Reduce8(Half(s0), z, z, z, z, z, z, z).ToScalar();
                    c[j] = p.Accumulate ? c[j] + sum : sum;
                }
            }
        }

        /// <summary>Runs with AVX2 + FMA (8-lane accumulators). Requires <c>CsA == 1</c> and <c>RsB == 1</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run256(in GemmProblem p)
        {
            int k = p.K;
            if (k < 8)
            {
                RunScalar(p);
                return;
            }

            int rem = k & 7;
            int last = k - 8;
            Vector256<float> mask;
            fixed (int* table = s_tailMask)
            {
                mask = Vector256.Load((float*)(table + 8 + rem));
            }

            int kMain = k - rem;
            nint ldb = p.CsB;
            for (int i = 0; i < p.M; i++)
            {
                float* a = p.A + i * p.RsA;
                float* c = p.C + i * p.Ldc;
                int j = 0;
                for (; j + 8 <= p.N; j += 8)
                {
                    float* b0 = p.B + j * ldb;
                    float* b1 = b0 + ldb;
                    float* b2 = b1 + ldb;
                    float* b3 = b2 + ldb;
                    float* b4 = b3 + ldb;
                    float* b5 = b4 + ldb;
                    float* b6 = b5 + ldb;
                    float* b7 = b6 + ldb;
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
                    for (int q = 0; q < kMain; q += 8)
                    {
                        Vector256<float> x = Vector256.Load(a + q);
                        s0 = Fma.MultiplyAdd(x, Vector256.Load(b0 + q), s0);
                        s1 = Fma.MultiplyAdd(x, Vector256.Load(b1 + q), s1);
                        s2 = Fma.MultiplyAdd(x, Vector256.Load(b2 + q), s2);
                        s3 = Fma.MultiplyAdd(x, Vector256.Load(b3 + q), s3);
                        s4 = Fma.MultiplyAdd(x, Vector256.Load(b4 + q), s4);
                        s5 = Fma.MultiplyAdd(x, Vector256.Load(b5 + q), s5);
                        s6 = Fma.MultiplyAdd(x, Vector256.Load(b6 + q), s6);
                        s7 = Fma.MultiplyAdd(x, Vector256.Load(b7 + q), s7);
                    }

                    if (rem != 0)
                    {
                        Vector256<float> x = Vector256.Load(a + last) & mask;
                        s0 = Fma.MultiplyAdd(x, Vector256.Load(b0 + last) & mask, s0);
                        s1 = Fma.MultiplyAdd(x, Vector256.Load(b1 + last) & mask, s1);
                        s2 = Fma.MultiplyAdd(x, Vector256.Load(b2 + last) & mask, s2);
                        s3 = Fma.MultiplyAdd(x, Vector256.Load(b3 + last) & mask, s3);
                        s4 = Fma.MultiplyAdd(x, Vector256.Load(b4 + last) & mask, s4);
                        s5 = Fma.MultiplyAdd(x, Vector256.Load(b5 + last) & mask, s5);
                        s6 = Fma.MultiplyAdd(x, Vector256.Load(b6 + last) & mask, s6);
                        s7 = Fma.MultiplyAdd(x, Vector256.Load(b7 + last) & mask, s7);
                    }

                    Vector256<float> sums = Reduce8(s0, s1, s2, s3, s4, s5, s6, s7);
                    if (p.Accumulate)
                    {
                        sums = Vector256.Load(c + j) + sums;
                    }

                    Vector256.Store(sums, c + j);
                }

                for (; j < p.N; j++)
                {
                    float* b0 = p.B + j * ldb;
                    Vector256<float> s0 = default;
                    for (int q = 0; q < kMain; q += 8)
                    {
                        s0 = Fma.MultiplyAdd(Vector256.Load(a + q), Vector256.Load(b0 + q), s0);
                    }

                    if (rem != 0)
                    {
                        s0 = Fma.MultiplyAdd(Vector256.Load(a + last) & mask, Vector256.Load(b0 + last) & mask, s0);
                    }

                    Vector256<float> z = default;
                    float sum = Reduce8(s0, z, z, z, z, z, z, z).ToScalar();
                    c[j] = p.Accumulate ? c[j] + sum : sum;
                }
            }
        }

        /// <summary>Short rows (k below one vector): a fused multiply-add chain per element.</summary>
        private static void RunScalar(in GemmProblem p)
        {
            for (int i = 0; i < p.M; i++)
            {
                float* a = p.A + i * p.RsA;
                float* c = p.C + i * p.Ldc;
                for (int j = 0; j < p.N; j++)
                {
                    float* b = p.B + j * p.CsB;
                    float sum = 0f;
                    for (int q = 0; q < p.K; q++)
                    {
                        sum = MathF.FusedMultiplyAdd(a[q], b[q], sum);
                    }

                    c[j] = p.Accumulate ? c[j] + sum : sum;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Half(Vector512<float> v) => v.GetLower() + v.GetUpper();

        /// <summary>Returns the eight horizontal sums of eight vectors, lane r holding the sum of <c>vr</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Reduce8(
            Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3,
            Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7)
        {
            Vector256<float> h01 = Avx.HorizontalAdd(v0, v1);
            Vector256<float> h23 = Avx.HorizontalAdd(v2, v3);
            Vector256<float> h45 = Avx.HorizontalAdd(v4, v5);
            Vector256<float> h67 = Avx.HorizontalAdd(v6, v7);
            Vector256<float> q0123 = Avx.HorizontalAdd(h01, h23);
            Vector256<float> q4567 = Avx.HorizontalAdd(h45, h67);
            return Avx.Permute2x128(q0123, q4567, 0x20) + Avx.Permute2x128(q0123, q4567, 0x31);
        }
    }
}
