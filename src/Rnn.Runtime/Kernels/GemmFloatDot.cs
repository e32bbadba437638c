using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// Float C[m,n] (+)= A[m,k] · B[n,k]ᵀ as dot products of contiguous rows, for few rows of A (batch-1 streaming
    /// is matrix–vector). Groups of four rows of A use 4 × 4 tiles (sixteen accumulators, each B load shared by four
    /// rows); a single row is taken against sixteen rows of B at a time; every element has one vector accumulator;
    /// the k tail is a masked, overlapping final vector; accumulators are reduced together by one fixed tree
    /// (sixteen at a time with AVX-512, eight with AVX2), which the single-column edge code reuses so that every
    /// element is computed the same way wherever it falls.
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
            Vector512<float> mask;
            fixed (int* table = s_tailMask)
            {
                mask = Vector512.Load((float*)(table + rem));
            }

            int kMain = k - rem;
            nint ldb = p.CsB;
            int i = 0;
            for (; i + 4 <= p.M; i += 4)
            {
                Rows4x4_512(p, i, kMain, rem, mask);
            }

            for (; i < p.M; i++)
            {
                float* a = p.A + i * p.RsA;
                float* c = p.C + i * p.Ldc;
                int j = 0;
                for (; j + 16 <= p.N; j += 16)
                {
                    float* b = p.B + j * ldb;
                    Dot8x512(a, b, ldb, kMain, rem, mask, out var s0, out var s1, out var s2, out var s3, out var s4, out var s5, out var s6, out var s7);
                    Dot8x512(a, b + 8 * ldb, ldb, kMain, rem, mask, out var s8, out var s9, out var s10, out var s11, out var s12, out var s13, out var s14, out var s15);
                    Vector512<float> sums = Reduce16(s0, s4, s8, s12, s1, s5, s9, s13, s2, s6, s10, s14, s3, s7, s11, s15);
                    if (p.Accumulate)
                    {
                        sums = Vector512.Load(c + j) + sums;
                    }

                    Vector512.Store(sums, c + j);
                }

                for (; j < p.N; j++)
                {
                    float sum = Dot512(a, p.B + j * ldb, kMain, rem, mask);
                    c[j] = p.Accumulate ? c[j] + sum : sum;
                }
            }
        }

        /// <summary>One row of A against eight consecutive rows of B: eight unreduced accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Dot8x512(
            float* a, float* b0, nint ldb, int kMain, int rem, Vector512<float> mask,
            out Vector512<float> s0, out Vector512<float> s1, out Vector512<float> s2, out Vector512<float> s3,
            out Vector512<float> s4, out Vector512<float> s5, out Vector512<float> s6, out Vector512<float> s7)
        {
            float* b1 = b0 + ldb;
            float* b2 = b1 + ldb;
            float* b3 = b2 + ldb;
            float* b4 = b3 + ldb;
            float* b5 = b4 + ldb;
            float* b6 = b5 + ldb;
            float* b7 = b6 + ldb;
            s0 = default;
            s1 = default;
            s2 = default;
            s3 = default;
            s4 = default;
            s5 = default;
            s6 = default;
            s7 = default;
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
                int last = kMain + rem - 16;
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
        }

        /// <summary>Rows i … i+3 of C: 4 × 4 tiles (16 accumulators, B rows shared by four A rows), then single columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Rows4x4_512(in GemmProblem p, int i, int kMain, int rem, Vector512<float> mask)
        {
            int last = kMain + rem - 16;
            nint ldb = p.CsB;
            float* a0 = p.A + i * p.RsA;
            float* a1 = a0 + p.RsA;
            float* a2 = a1 + p.RsA;
            float* a3 = a2 + p.RsA;
            float* c0 = p.C + i * p.Ldc;
            float* c1 = c0 + p.Ldc;
            float* c2 = c1 + p.Ldc;
            float* c3 = c2 + p.Ldc;
            int j = 0;
            for (; j + 4 <= p.N; j += 4)
            {
                float* b0 = p.B + j * ldb;
                float* b1 = b0 + ldb;
                float* b2 = b1 + ldb;
                float* b3 = b2 + ldb;
                Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
                Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
                Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
                for (int q = 0; q < kMain; q += 16)
                {
                    Vector512<float> x0 = Vector512.Load(a0 + q);
                    Vector512<float> x1 = Vector512.Load(a1 + q);
                    Vector512<float> x2 = Vector512.Load(a2 + q);
                    Vector512<float> x3 = Vector512.Load(a3 + q);
                    Vector512<float> y = Vector512.Load(b0 + q);
                    s00 = Avx512F.FusedMultiplyAdd(x0, y, s00);
                    s10 = Avx512F.FusedMultiplyAdd(x1, y, s10);
                    s20 = Avx512F.FusedMultiplyAdd(x2, y, s20);
                    s30 = Avx512F.FusedMultiplyAdd(x3, y, s30);
                    y = Vector512.Load(b1 + q);
                    s01 = Avx512F.FusedMultiplyAdd(x0, y, s01);
                    s11 = Avx512F.FusedMultiplyAdd(x1, y, s11);
                    s21 = Avx512F.FusedMultiplyAdd(x2, y, s21);
                    s31 = Avx512F.FusedMultiplyAdd(x3, y, s31);
                    y = Vector512.Load(b2 + q);
                    s02 = Avx512F.FusedMultiplyAdd(x0, y, s02);
                    s12 = Avx512F.FusedMultiplyAdd(x1, y, s12);
                    s22 = Avx512F.FusedMultiplyAdd(x2, y, s22);
                    s32 = Avx512F.FusedMultiplyAdd(x3, y, s32);
                    y = Vector512.Load(b3 + q);
                    s03 = Avx512F.FusedMultiplyAdd(x0, y, s03);
                    s13 = Avx512F.FusedMultiplyAdd(x1, y, s13);
                    s23 = Avx512F.FusedMultiplyAdd(x2, y, s23);
                    s33 = Avx512F.FusedMultiplyAdd(x3, y, s33);
                }

                if (rem != 0)
                {
                    Vector512<float> x0 = Vector512.Load(a0 + last) & mask;
                    Vector512<float> x1 = Vector512.Load(a1 + last) & mask;
                    Vector512<float> x2 = Vector512.Load(a2 + last) & mask;
                    Vector512<float> x3 = Vector512.Load(a3 + last) & mask;
                    Vector512<float> y = Vector512.Load(b0 + last) & mask;
                    s00 = Avx512F.FusedMultiplyAdd(x0, y, s00);
                    s10 = Avx512F.FusedMultiplyAdd(x1, y, s10);
                    s20 = Avx512F.FusedMultiplyAdd(x2, y, s20);
                    s30 = Avx512F.FusedMultiplyAdd(x3, y, s30);
                    y = Vector512.Load(b1 + last) & mask;
                    s01 = Avx512F.FusedMultiplyAdd(x0, y, s01);
                    s11 = Avx512F.FusedMultiplyAdd(x1, y, s11);
                    s21 = Avx512F.FusedMultiplyAdd(x2, y, s21);
                    s31 = Avx512F.FusedMultiplyAdd(x3, y, s31);
                    y = Vector512.Load(b2 + last) & mask;
                    s02 = Avx512F.FusedMultiplyAdd(x0, y, s02);
                    s12 = Avx512F.FusedMultiplyAdd(x1, y, s12);
                    s22 = Avx512F.FusedMultiplyAdd(x2, y, s22);
                    s32 = Avx512F.FusedMultiplyAdd(x3, y, s32);
                    y = Vector512.Load(b3 + last) & mask;
                    s03 = Avx512F.FusedMultiplyAdd(x0, y, s03);
                    s13 = Avx512F.FusedMultiplyAdd(x1, y, s13);
                    s23 = Avx512F.FusedMultiplyAdd(x2, y, s23);
                    s33 = Avx512F.FusedMultiplyAdd(x3, y, s33);
                }

                // Lane 4r + c of the result is the sum of s_rc.
                Vector512<float> r = Reduce16(s00, s10, s20, s30, s01, s11, s21, s31, s02, s12, s22, s32, s03, s13, s23, s33);
                Store4(c0 + j, r.GetLower().GetLower(), p.Accumulate);
                Store4(c1 + j, r.GetLower().GetUpper(), p.Accumulate);
                Store4(c2 + j, r.GetUpper().GetLower(), p.Accumulate);
                Store4(c3 + j, r.GetUpper().GetUpper(), p.Accumulate);
            }

            for (; j < p.N; j++)
            {
                float* b = p.B + j * ldb;
                float d0 = Dot512(a0, b, kMain, rem, mask);
                float d1 = Dot512(a1, b, kMain, rem, mask);
                float d2 = Dot512(a2, b, kMain, rem, mask);
                float d3 = Dot512(a3, b, kMain, rem, mask);
                c0[j] = p.Accumulate ? c0[j] + d0 : d0;
                c1[j] = p.Accumulate ? c1[j] + d1 : d1;
                c2[j] = p.Accumulate ? c2[j] + d2 : d2;
                c3[j] = p.Accumulate ? c3[j] + d3 : d3;
            }
        }

        /// <summary>One dot product computed exactly as one lane of the tiled kernels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Dot512(float* a, float* b, int kMain, int rem, Vector512<float> mask)
        {
            Vector512<float> s0 = default;
            for (int q = 0; q < kMain; q += 16)
            {
                s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + q), Vector512.Load(b + q), s0);
            }

            if (rem != 0)
            {
                int last = kMain + rem - 16;
                s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + last) & mask, Vector512.Load(b + last) & mask, s0);
            }

            Vector512<float> z = default;
            return Reduce16(s0, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z).ToScalar();
        }

        /// <summary>Rows i … i+3 of C: 4 × 4 tiles (16 accumulators, B rows shared by four A rows), then single columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Rows4x4_256(in GemmProblem p, int i, int kMain, int rem, Vector256<float> mask)
        {
            int last = kMain + rem - 8;
            nint ldb = p.CsB;
            float* a0 = p.A + i * p.RsA;
            float* a1 = a0 + p.RsA;
            float* a2 = a1 + p.RsA;
            float* a3 = a2 + p.RsA;
            float* c0 = p.C + i * p.Ldc;
            float* c1 = c0 + p.Ldc;
            float* c2 = c1 + p.Ldc;
            float* c3 = c2 + p.Ldc;
            int j = 0;
            for (; j + 4 <= p.N; j += 4)
            {
                float* b0 = p.B + j * ldb;
                float* b1 = b0 + ldb;
                float* b2 = b1 + ldb;
                float* b3 = b2 + ldb;
                Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
                Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
                Vector256<float> s30 = default, s31 = default, s32 = default, s33 = default;
                for (int q = 0; q < kMain; q += 8)
                {
                    Vector256<float> x0 = Vector256.Load(a0 + q);
                    Vector256<float> x1 = Vector256.Load(a1 + q);
                    Vector256<float> x2 = Vector256.Load(a2 + q);
                    Vector256<float> x3 = Vector256.Load(a3 + q);
                    Vector256<float> y = Vector256.Load(b0 + q);
                    s00 = Fma.MultiplyAdd(x0, y, s00);
                    s10 = Fma.MultiplyAdd(x1, y, s10);
                    s20 = Fma.MultiplyAdd(x2, y, s20);
                    s30 = Fma.MultiplyAdd(x3, y, s30);
                    y = Vector256.Load(b1 + q);
                    s01 = Fma.MultiplyAdd(x0, y, s01);
                    s11 = Fma.MultiplyAdd(x1, y, s11);
                    s21 = Fma.MultiplyAdd(x2, y, s21);
                    s31 = Fma.MultiplyAdd(x3, y, s31);
                    y = Vector256.Load(b2 + q);
                    s02 = Fma.MultiplyAdd(x0, y, s02);
                    s12 = Fma.MultiplyAdd(x1, y, s12);
                    s22 = Fma.MultiplyAdd(x2, y, s22);
                    s32 = Fma.MultiplyAdd(x3, y, s32);
                    y = Vector256.Load(b3 + q);
                    s03 = Fma.MultiplyAdd(x0, y, s03);
                    s13 = Fma.MultiplyAdd(x1, y, s13);
                    s23 = Fma.MultiplyAdd(x2, y, s23);
                    s33 = Fma.MultiplyAdd(x3, y, s33);
                }

                if (rem != 0)
                {
                    Vector256<float> x0 = Vector256.Load(a0 + last) & mask;
                    Vector256<float> x1 = Vector256.Load(a1 + last) & mask;
                    Vector256<float> x2 = Vector256.Load(a2 + last) & mask;
                    Vector256<float> x3 = Vector256.Load(a3 + last) & mask;
                    Vector256<float> y = Vector256.Load(b0 + last) & mask;
                    s00 = Fma.MultiplyAdd(x0, y, s00);
                    s10 = Fma.MultiplyAdd(x1, y, s10);
                    s20 = Fma.MultiplyAdd(x2, y, s20);
                    s30 = Fma.MultiplyAdd(x3, y, s30);
                    y = Vector256.Load(b1 + last) & mask;
                    s01 = Fma.MultiplyAdd(x0, y, s01);
                    s11 = Fma.MultiplyAdd(x1, y, s11);
                    s21 = Fma.MultiplyAdd(x2, y, s21);
                    s31 = Fma.MultiplyAdd(x3, y, s31);
                    y = Vector256.Load(b2 + last) & mask;
                    s02 = Fma.MultiplyAdd(x0, y, s02);
                    s12 = Fma.MultiplyAdd(x1, y, s12);
                    s22 = Fma.MultiplyAdd(x2, y, s22);
                    s32 = Fma.MultiplyAdd(x3, y, s32);
                    y = Vector256.Load(b3 + last) & mask;
                    s03 = Fma.MultiplyAdd(x0, y, s03);
                    s13 = Fma.MultiplyAdd(x1, y, s13);
                    s23 = Fma.MultiplyAdd(x2, y, s23);
                    s33 = Fma.MultiplyAdd(x3, y, s33);
                }

                Vector256<float> r01 = Reduce8(s00, s01, s02, s03, s10, s11, s12, s13);
                Vector256<float> r23 = Reduce8(s20, s21, s22, s23, s30, s31, s32, s33);
                Store4(c0 + j, r01.GetLower(), p.Accumulate);
                Store4(c1 + j, r01.GetUpper(), p.Accumulate);
                Store4(c2 + j, r23.GetLower(), p.Accumulate);
                Store4(c3 + j, r23.GetUpper(), p.Accumulate);
            }

            for (; j < p.N; j++)
            {
                float* b = p.B + j * ldb;
                float d0 = Dot256(a0, b, kMain, rem, mask);
                float d1 = Dot256(a1, b, kMain, rem, mask);
                float d2 = Dot256(a2, b, kMain, rem, mask);
                float d3 = Dot256(a3, b, kMain, rem, mask);
                c0[j] = p.Accumulate ? c0[j] + d0 : d0;
                c1[j] = p.Accumulate ? c1[j] + d1 : d1;
                c2[j] = p.Accumulate ? c2[j] + d2 : d2;
                c3[j] = p.Accumulate ? c3[j] + d3 : d3;
            }
        }

        /// <summary>One dot product computed exactly as one lane of the tiled kernels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Dot256(float* a, float* b, int kMain, int rem, Vector256<float> mask)
        {
            Vector256<float> s0 = default;
            for (int q = 0; q < kMain; q += 8)
            {
                s0 = Fma.MultiplyAdd(Vector256.Load(a + q), Vector256.Load(b + q), s0);
            }

            if (rem != 0)
            {
                int last = kMain + rem - 8;
                s0 = Fma.MultiplyAdd(Vector256.Load(a + last) & mask, Vector256.Load(b + last) & mask, s0);
            }

            Vector256<float> z = default;
            return Reduce8(s0, z, z, z, z, z, z, z).ToScalar();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store4(float* c, Vector128<float> v, bool accumulate)
        {
            if (accumulate)
            {
                v = Vector128.Load(c) + v;
            }

            Vector128.Store(v, c);
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
            int i = 0;
            for (; i + 4 <= p.M; i += 4)
            {
                Rows4x4_256(p, i, kMain, rem, mask);
            }

            for (; i < p.M; i++)
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
                    float sum = Dot256(a, p.B + j * ldb, kMain, rem, mask);
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

        /// <summary>
        /// Sixteen horizontal sums in one vector, by one fixed tree that treats every input alike (so an element's
        /// value does not depend on its slot): lane 4r + l of the result is the sum of argument r + 4l.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Reduce16(
            Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3,
            Vector512<float> v4, Vector512<float> v5, Vector512<float> v6, Vector512<float> v7,
            Vector512<float> v8, Vector512<float> v9, Vector512<float> v10, Vector512<float> v11,
            Vector512<float> v12, Vector512<float> v13, Vector512<float> v14, Vector512<float> v15)
        {
            // 16 lanes → 8: quarter 0 + quarter 2, quarter 1 + quarter 3, two inputs per vector.
            Vector512<float> w0 = Avx512F.Shuffle4x128(v0, v1, 0x44) + Avx512F.Shuffle4x128(v0, v1, 0xEE);
            Vector512<float> w1 = Avx512F.Shuffle4x128(v2, v3, 0x44) + Avx512F.Shuffle4x128(v2, v3, 0xEE);
            Vector512<float> w2 = Avx512F.Shuffle4x128(v4, v5, 0x44) + Avx512F.Shuffle4x128(v4, v5, 0xEE);
            Vector512<float> w3 = Avx512F.Shuffle4x128(v6, v7, 0x44) + Avx512F.Shuffle4x128(v6, v7, 0xEE);
            Vector512<float> w4 = Avx512F.Shuffle4x128(v8, v9, 0x44) + Avx512F.Shuffle4x128(v8, v9, 0xEE);
            Vector512<float> w5 = Avx512F.Shuffle4x128(v10, v11, 0x44) + Avx512F.Shuffle4x128(v10, v11, 0xEE);
            Vector512<float> w6 = Avx512F.Shuffle4x128(v12, v13, 0x44) + Avx512F.Shuffle4x128(v12, v13, 0xEE);
            Vector512<float> w7 = Avx512F.Shuffle4x128(v14, v15, 0x44) + Avx512F.Shuffle4x128(v14, v15, 0xEE);

            // 8 → 4: quarter r of x0 holds input r's four partial sums (x1: inputs 4…7, and so on).
            Vector512<float> x0 = Avx512F.Shuffle4x128(w0, w1, 0x88) + Avx512F.Shuffle4x128(w0, w1, 0xDD);
            Vector512<float> x1 = Avx512F.Shuffle4x128(w2, w3, 0x88) + Avx512F.Shuffle4x128(w2, w3, 0xDD);
            Vector512<float> x2 = Avx512F.Shuffle4x128(w4, w5, 0x88) + Avx512F.Shuffle4x128(w4, w5, 0xDD);
            Vector512<float> x3 = Avx512F.Shuffle4x128(w6, w7, 0x88) + Avx512F.Shuffle4x128(w6, w7, 0xDD);

            // 4 → 2 → 1 inside each 128-bit quarter.
            Vector512<float> y0 = Avx512F.Shuffle(x0, x1, 0x44) + Avx512F.Shuffle(x0, x1, 0xEE);
            Vector512<float> y1 = Avx512F.Shuffle(x2, x3, 0x44) + Avx512F.Shuffle(x2, x3, 0xEE);
            return Avx512F.Shuffle(y0, y1, 0x88) + Avx512F.Shuffle(y0, y1, 0xDD);
        }

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
