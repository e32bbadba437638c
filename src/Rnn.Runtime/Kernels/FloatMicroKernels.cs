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

        /// <summary>Full MR × NR tile.</summary>
        static abstract void Tile(float* a, nint rsA, nint csA, float* b, nint ldb, int kc, float* c, nint ldc, bool add);

        /// <summary>One row × NR.</summary>
        static abstract void Row(float* a, nint csA, float* b, nint ldb, int kc, float* c, bool add);
    }

    /// <summary>AVX-512 6 × 32 micro-kernel (12 zmm accumulators).</summary>
    internal readonly unsafe struct FloatKernel512 : IFloatMicroKernel
    {
        public static int MR => 6;

        public static int NR => 32;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(float* a, nint rsA, nint csA, float* b, nint ldb, int kc, float* c, nint ldc, bool add)
        {
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            float* a0 = a;
            float* a1 = a + rsA;
            float* a2 = a + 2 * rsA;
            float* a3 = a + 3 * rsA;
            float* a4 = a + 4 * rsA;
            float* a5 = a + 5 * rsA;
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
                off += csA;
            }

            Store(c, c00, c01, add);
            Store(c + ldc, c10, c11, add);
            Store(c + 2 * ldc, c20, c21, add);
            Store(c + 3 * ldc, c30, c31, add);
            Store(c + 4 * ldc, c40, c41, add);
            Store(c + 5 * ldc, c50, c51, add);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Row(float* a, nint csA, float* b, nint ldb, int kc, float* c, bool add)
        {
            Vector512<float> c00 = default, c01 = default;
            nint off = 0;
            for (int p = 0; p < kc; p++)
            {
                Vector512<float> x = Vector512.Create(a[off]);
                c00 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b), c00);
                c01 = Avx512F.FusedMultiplyAdd(x, Vector512.Load(b + 16), c01);
                b += ldb;
                off += csA;
            }

            Store(c, c00, c01, add);
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
        public static void Tile(float* a, nint rsA, nint csA, float* b, nint ldb, int kc, float* c, nint ldc, bool add)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            float* a0 = a;
            float* a1 = a + rsA;
            float* a2 = a + 2 * rsA;
            float* a3 = a + 3 * rsA;
            float* a4 = a + 4 * rsA;
            float* a5 = a + 5 * rsA;
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
            Store(c + ldc, c10, c11, add);
            Store(c + 2 * ldc, c20, c21, add);
            Store(c + 3 * ldc, c30, c31, add);
            Store(c + 4 * ldc, c40, c41, add);
            Store(c + 5 * ldc, c50, c51, add);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Row(float* a, nint csA, float* b, nint ldb, int kc, float* c, bool add)
        {
            Vector256<float> c00 = default, c01 = default;
            nint off = 0;
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> x = Vector256.Create(a[off]);
                c00 = Fma.MultiplyAdd(x, Vector256.Load(b), c00);
                c01 = Fma.MultiplyAdd(x, Vector256.Load(b + 8), c01);
                b += ldb;
                off += csA;
            }

            Store(c, c00, c01, add);
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
