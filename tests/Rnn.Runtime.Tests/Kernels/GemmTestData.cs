using System;
using System.Collections.Generic;
using System.Numerics;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    public enum GemmOp
    {
        MatMulTransB,
        MatMul,
        MatMulTransA,

        /// <summary><see cref="Gemm.PackB{T}"/> of B[k, n], then <see cref="Gemm.MatMulPacked{T}"/> (reference: MatMul).</summary>
        PackedB,

        /// <summary><see cref="Gemm.PackBTransposed{T}"/> of B[n, k], then <see cref="Gemm.MatMulPacked{T}"/> (reference: MatMulTransB).</summary>
        PackedBTransposed,
    }

    /// <summary>Shapes, random operands and the comparison against <see cref="GemmReference"/> shared by the GEMM tests.</summary>
    internal static class GemmTestData
    {
        /// <summary>Shapes (m, n, k): ones, odd sizes, sizes around the vector widths (8, 16, 32) and the blocking
        /// (6- and 8-row tiles, 96-row blocks, 256-deep packing, 16-lane dot products), batch-1 matrix–vector products and
        /// problems large enough to be split between threads, plus seeded random shapes.</summary>
        public static IEnumerable<(int M, int N, int K)> Shapes()
        {
            var fixedShapes = new (int, int, int)[]
            {
                (1, 1, 1), (1, 1, 17), (1, 7, 3), (1, 9, 16), (1, 8, 33), (1, 128, 32), (1, 2048, 5), (1, 257, 31),
                (1, 130, 513), (1, 1000, 300), (1, 33, 8), (1, 17, 15), (2, 13, 15), (3, 33, 40), (4, 64, 7), (4, 100, 700),
                (5, 31, 17), (6, 32, 16), (7, 33, 1), (7, 1, 9), (1, 33, 300), (13, 65, 257), (37, 100, 64), (64, 128, 128),
                (97, 70, 5), (100, 3, 300), (200, 65, 513), (12, 512, 33), (6, 96, 256), (20, 31, 512), (193, 40, 2),
                (8, 8, 8), (17, 47, 23), (33, 1, 600), (64, 512, 128), (2, 300, 40), (24, 129, 100), (25, 64, 17), (48, 260, 31), (49, 33, 70),
                // 8-row tiles (whole, and one row either side), the recurrent step shapes, a 4 KiB-strided Aᵀ (packed A).
                (9, 64, 40), (15, 33, 9), (16, 512, 128), (16, 128, 512), (31, 65, 20), (32, 96, 257), (1024, 9, 11), (2048, 3, 5),
            };
            foreach (var s in fixedShapes)
            {
                yield return s;
            }

            var random = new Random(12345);
            for (int i = 0; i < 40; i++)
            {
                yield return (random.Next(1, 80), random.Next(1, 150), random.Next(1, 300));
            }
        }

        public static T[] RandomArray<T>(Random random, int length, int padding)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var array = new T[length + padding];
            for (int i = 0; i < length; i++)
            {
                array[i] = T.CreateChecked(random.NextDouble() * 2.0 - 1.0);
            }

            // Padding beyond the matrix must never be read: make it poison.
            for (int i = length; i < array.Length; i++)
            {
                array[i] = T.NaN;
            }

            return array;
        }

        public static void Run<T>(GemmOp op, bool reference, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (op)
            {
                case GemmOp.MatMulTransB:
                    if (reference)
                    {
                        GemmReference.MatMulTransB(a, b, c, m, n, k, accumulate);
                    }
                    else
                    {
                        Gemm.MatMulTransB(a, b, c, m, n, k, accumulate);
                    }

                    break;
                case GemmOp.MatMul:
                    if (reference)
                    {
                        GemmReference.MatMul(a, b, c, m, n, k, accumulate);
                    }
                    else
                    {
                        Gemm.MatMul(a, b, c, m, n, k, accumulate);
                    }

                    break;
                case GemmOp.MatMulTransA:
                    if (reference)
                    {
                        GemmReference.MatMulTransA(a, b, c, m, n, k, accumulate);
                    }
                    else
                    {
                        Gemm.MatMulTransA(a, b, c, m, n, k, accumulate);
                    }

                    break;
                case GemmOp.PackedB:
                    if (reference)
                    {
                        GemmReference.MatMul(a, b, c, m, n, k, accumulate);
                    }
                    else
                    {
                        var packed = new GemmPackedB<T>();
                        Gemm.PackB(b, n, k, packed);
                        Gemm.MatMulPacked(a, packed, c, m, accumulate);
                    }

                    break;
                default:
                    if (reference)
                    {
                        GemmReference.MatMulTransB(a, b, c, m, n, k, accumulate);
                    }
                    else
                    {
                        var packed = new GemmPackedB<T>();
                        Gemm.PackBTransposed(b, n, k, packed);
                        Gemm.MatMulPacked(a, packed, c, m, accumulate);
                    }

                    break;
            }
        }

        /// <summary>
        /// Runs <paramref name="op"/> on random operands and checks every element against the reference, with the
        /// rounding-error bound 4·(k+2)·ε·Σ|a||b| (+|c|) — for float about 5e-7·k relative, tighter than 1e-5·k,
        /// so that even one missing term fails. Also checks that nothing past m·n is written.
        /// </summary>
        public static void CheckAgainstReference<T>(GemmOp op, int m, int n, int k, bool accumulate, int seed)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var random = new Random(seed);
            const int Padding = 5;
            T[] a = RandomArray<T>(random, m * k, Padding);
            T[] b = RandomArray<T>(random, n * k, Padding);
            T[] c0 = RandomArray<T>(random, m * n, 0);
            T[] c = new T[m * n + Padding];
            if (accumulate)
            {
                c0.CopyTo(c, 0);
            }
            else
            {
                // Overwrite mode must not read C (NaN here would propagate).
                Array.Fill(c, T.NaN, 0, m * n);
            }

            T sentinel = T.CreateChecked(12345.0);
            Array.Fill(c, sentinel, m * n, Padding);

            T[] expected = new T[m * n];
            T[] magnitude = new T[m * n];
            if (accumulate)
            {
                c0.CopyTo(expected, 0);
                for (int i = 0; i < c0.Length; i++)
                {
                    magnitude[i] = T.Abs(c0[i]);
                }
            }

            Run(op, true, a.AsSpan(0, m * k), b.AsSpan(0, n * k), expected, m, n, k, accumulate);
            Run(op, true, Abs(a, m * k), Abs(b, n * k), magnitude, m, n, k, accumulate);
            Run(op, false, a, b, c, m, n, k, accumulate);

            T bound = T.CreateChecked(4.0 * (k + 2) * (typeof(T) == typeof(float) ? 1.1920929e-7 : 2.220446049250313e-16));
            for (int i = 0; i < m * n; i++)
            {
                T error = T.Abs(c[i] - expected[i]);
                T tolerance = bound * magnitude[i] + T.CreateChecked(1e-30);
                if (!(error <= tolerance))
                {
                    Assert.Fail(
                        $"{op}<{typeof(T).Name}> m={m} n={n} k={k} accumulate={accumulate} simd={KernelOptions.UseSimd} " +
                        $"threads={KernelOptions.MaxThreads}: C[{i / n},{i % n}] = {c[i]}, reference {expected[i]}, " +
                        $"error {error} > tolerance {tolerance}");
                }
            }

            for (int i = m * n; i < c.Length; i++)
            {
                Assert.True(c[i] == sentinel, $"{op} m={m} n={n} k={k}: wrote past the end of C at {i}");
            }
        }

        private static T[] Abs<T>(T[] source, int length)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var result = new T[length];
            for (int i = 0; i < length; i++)
            {
                result[i] = T.Abs(source[i]);
            }

            return result;
        }
    }
}
