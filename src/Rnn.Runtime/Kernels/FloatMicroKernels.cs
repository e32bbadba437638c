using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// A register-blocked float GEMM micro-kernel: C[MR, NR] (+)= A[MR, kc] · Bp[kc, NR], where A is read through
    /// strides (element (r, p) at <c>a[r·rsA + p·csA]</c>) and Bp holds <c>kc</c> rows of <c>NR</c> contiguous floats,
    /// consecutive rows <c>ldb</c> floats apart.
    /// </summary>
    /// <remarks>
    /// Every kernel computes each output element as the same chain of fused multiply-adds over <c>p</c> in increasing
    /// order starting from zero (then adds the old C when <c>add</c> is set), so results do not depend on how the
    /// problem is tiled or split between threads.
    /// </remarks>
    internal unsafe interface IFloatMicroKernel
    {
        /// <summary>Rows of the register tile.</summary>
        static abstract int MR { get; }

        /// <summary>Columns of the register tile (two vectors).</summary>
        static abstract int NR { get; }

        /// <summary>
        /// An MR × NR tile, of which the first <paramref name="rows"/> (1 … MR) rows are real: missing rows re-read
        /// the last real row of A and are not stored, so a partial tile runs at full speed.
        /// </summary>
        static abstract void Tile(float* a, nint rsA, nint csA, float* b, nint ldb, int kc, float* c, nint ldc, bool add, int rows);

        /// <summary>One row × 4·NR columns (eight vector accumulators), B read in place with row stride <paramref name="ldb"/>.</summary>
        static abstract void RowWide(float* a, nint csA, float* b, nint ldb, int kc, float* c, bool add);
    }

    /// <summary>
    /// AVX-512 8 × 32 micro-kernel: 16 zmm accumulators, two B vectors, A broadcast from memory (of 32 registers).
    /// Eight rows make the common batch sizes 8, 16 and 32 whole tiles (6 × 32 measured 1.25× slower at 16 rows).
    /// </summary>
    internal readonly unsafe struct FloatKernel512 : IFloatMicroKernel
    {
        public static int MR => 8;

        public static int NR => 32;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(float* a, nint rsA, nint csA, float* b, nint ldb, int kc, float* c, nint ldc, bool add, int rows)
        {
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
            float* a0 = a;
            float* a1 = a + Math.Min(1, rows - 1) * rsA;
            float* a2 = a + Math.Min(2, rows - 1) * rsA;
            float* a3 = a + Math.Min(3, rows - 1) * rsA;
            float* a4 = a + Math.Min(4, rows - 1) * rsA;
            float* a5 = a + Math.Min(5, rows - 1) * rsA;
            float* a6 = a + Math.Min(6, rows - 1) * rsA;
            float* a7 = a + Math.Min(7, rows - 1) * rsA;
            nint off = 0;
            for (int p = 0; p < kc; p++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                b += ldb;
                Vector512<float> x = Vector512.Create(a0[off]);
                c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(a1[off]);
                c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(a2[off]);
                c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(a3[off]);
                c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(a4[off]);
                c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(a5[off]);
                c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
                x = Vector512.Create(a6[off]);
                c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
                x = Vector512.Create(a7[off]);
                c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
                off += csA;
            }

            Store(c, c00, c01, add);
            if (rows == 8)
            {
                Store(c + ldc, c10, c11, add);
                Store(c + 2 * ldc, c20, c21, add);
                Store(c + 3 * ldc, c30, c31, add);
                Store(c + 4 * ldc, c40, c41, add);
                Store(c + 5 * ldc, c50, c51, add);
                Store(c + 6 * ldc, c60, c61, add);
                Store(c + 7 * ldc, c70, c71, add);
                return;
            }

            if (rows > 1)
            {
                Store(c + ldc, c10, c11, add);
            }

            if (rows > 2)
            {
                Store(c + 2 * ldc, c20, c21, add);
            }

            if (rows > 3)
            {
                Store(c + 3 * ldc, c30, c31, add);
            }

            if (rows > 4)
            {
                Store(c + 4 * ldc, c40, c41, add);
            }

            if (rows > 5)
            {
                Store(c + 5 * ldc, c50, c51, add);
            }

            if (rows > 6)
            {
                Store(c + 6 * ldc, c60, c61, add);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void RowWide(float* a, nint csA, float* b, nint ldb, int kc, float* c, bool add)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector512<float> s4 = default, s5 = default, s6 = default, s7 = default;
            nint off = 0;
            for (int p = 0; p < kc; p++)
            {
                Vector512<float> x = Vector512.Create(a[off]);
                s0 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b), s0);
                s1 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 16), s1);
                s2 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 32), s2);
                s3 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 48), s3);
                s4 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 64), s4);
                s5 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 80), s5);
                s6 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 96), s6);
                s7 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 112), s7);
                b += ldb;
                off += csA;
            }

            Store(c, s0, s1, add);
            Store(c + 32, s2, s3, add);
            Store(c + 64, s4, s5, add);
            Store(c + 96, s6, s7, add);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(float* c, Vector512<float> v0, Vector512<float> v1, bool add)
        {
            if (add)
            {
                v0 = Vector512.Load(c) + v0;
                v1 = Vector512.Load(c + 16) + v1;
            }

            Vector512.Store(v0, c);
            Vector512.Store(v1, c + 16);
        }
    }

    /// <summary>AVX2 + FMA 6 × 16 micro-kernel (12 ymm accumulators).</summary>
    internal readonly unsafe struct FloatKernel256 : IFloatMicroKernel
    {
        public static int MR => 6;

        public static int NR => 16;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(float* a, nint rsA, nint csA, float* b, nint ldb, int kc, float* c, nint ldc, bool add, int rows)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            float* a0 = a;
            float* a1 = a + Math.Min(1, rows - 1) * rsA;
            float* a2 = a + Math.Min(2, rows - 1) * rsA;
            float* a3 = a + Math.Min(3, rows - 1) * rsA;
            float* a4 = a + Math.Min(4, rows - 1) * rsA;
            float* a5 = a + Math.Min(5, rows - 1) * rsA;
            nint off = 0;
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                b += ldb;
                Vector256<float> x = Vector256.Create(a0[off]);
                c00 = Fma.MultiplyAdd(x, b0, c00);
                c01 = Fma.MultiplyAdd(x, b1, c01);
                x = Vector256.Create(a1[off]);
                c10 = Fma.MultiplyAdd(x, b0, c10);
                c11 = Fma.MultiplyAdd(x, b1, c11);
                x = Vector256.Create(a2[off]);
                c20 = Fma.MultiplyAdd(x, b0, c20);
                c21 = Fma.MultiplyAdd(x, b1, c21);
                x = Vector256.Create(a3[off]);
                c30 = Fma.MultiplyAdd(x, b0, c30);
                c31 = Fma.MultiplyAdd(x, b1, c31);
                x = Vector256.Create(a4[off]);
                c40 = Fma.MultiplyAdd(x, b0, c40);
                c41 = Fma.MultiplyAdd(x, b1, c41);
                x = Vector256.Create(a5[off]);
                c50 = Fma.MultiplyAdd(x, b0, c50);
                c51 = Fma.MultiplyAdd(x, b1, c51);
                off += csA;
            }

            Store(c, c00, c01, add);
            if (rows == 6)
            {
                Store(c + ldc, c10, c11, add);
                Store(c + 2 * ldc, c20, c21, add);
                Store(c + 3 * ldc, c30, c31, add);
                Store(c + 4 * ldc, c40, c41, add);
                Store(c + 5 * ldc, c50, c51, add);
                return;
            }

            if (rows > 1)
            {
                Store(c + ldc, c10, c11, add);
            }

            if (rows > 2)
            {
                Store(c + 2 * ldc, c20, c21, add);
            }

            if (rows > 3)
            {
                Store(c + 3 * ldc, c30, c31, add);
            }

            if (rows > 4)
            {
                Store(c + 4 * ldc, c40, c41, add);
            }
        }


        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void RowWide(float* a, nint csA, float* b, nint ldb, int kc, float* c, bool add)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
            nint off = 0;
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> x = Vector256.Create(a[off]);
                s0 = Fma.MultiplyAdd(x, Vector256.Load(b), s0);
                s1 = Fma.MultiplyAdd(x, Vector256.Load(b + 8), s1);
                s2 = Fma.MultiplyAdd(x, Vector256.Load(b + 16), s2);
                s3 = Fma.MultiplyAdd(x, Vector256.Load(b + 24), s3);
                s4 = Fma.MultiplyAdd(x, Vector256.Load(b + 32), s4);
                s5 = Fma.MultiplyAdd(x, Vector256.Load(b + 40), s5);
                s6 = Fma.MultiplyAdd(x, Vector256.Load(b + 48), s6);
                s7 = Fma.MultiplyAdd(x, Vector256.Load(b + 56), s7);
                b += ldb;
                off += csA;
            }

            Store(c, s0, s1, add);
            Store(c + 16, s2, s3, add);
            Store(c + 32, s4, s5, add);
            Store(c + 48, s6, s7, add);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(float* c, Vector256<float> v0, Vector256<float> v1, bool add)
        {
            if (add)
            {
                v0 = Vector256.Load(c) + v0;
                v1 = Vector256.Load(c + 8) + v1;
            }

            Vector256.Store(v0, c);
            Vector256.Store(v1, c + 8);
        }
    }
}
