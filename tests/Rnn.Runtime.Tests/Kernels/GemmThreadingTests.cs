using System;
using Rnn.Kernels;
using Xunit.Abstractions;

namespace Rnn.Tests.Kernels
{
    [Collection(KernelOptionsCollection.Name)]
    public sealed class GemmThreadingTests
    {
        private readonly ITestOutputHelper _output;

        public GemmThreadingTests(ITestOutputHelper output) => _output = output;

        public static TheoryData<GemmOp, int, int, int> LargeShapes() => new()
        {
            { GemmOp.MatMulTransB, 1, 2048, 512 },
            { GemmOp.MatMulTransB, 3, 1001, 301 },
            { GemmOp.MatMulTransB, 64, 512, 128 },
            { GemmOp.MatMulTransB, 50, 67, 129 },
            { GemmOp.MatMulTransB, 20, 333, 77 },
            { GemmOp.MatMulTransB, 7, 1000, 64 },
            { GemmOp.MatMulTransB, 401, 129, 65 },
            { GemmOp.MatMulTransB, 130, 7, 700 },
            { GemmOp.MatMul, 64, 512, 128 },
            { GemmOp.MatMul, 203, 45, 300 },
            { GemmOp.MatMul, 1, 999, 700 },
            { GemmOp.MatMulTransA, 512, 128, 640 },
            { GemmOp.MatMulTransA, 77, 301, 50 },
            { GemmOp.MatMulTransA, 9, 40, 2000 },
            { GemmOp.MatMulTransA, 1024, 40, 30 },
            { GemmOp.PackedBTransposed, 16, 512, 128 },
            { GemmOp.PackedBTransposed, 64, 512, 128 },
            { GemmOp.PackedBTransposed, 50, 67, 129 },
            { GemmOp.PackedBTransposed, 3, 1001, 301 },
            { GemmOp.PackedB, 16, 128, 512 },
            { GemmOp.PackedB, 203, 45, 300 },
            { GemmOp.PackedB, 13, 999, 700 },
        };

        [Theory]
        [MemberData(nameof(LargeShapes))]
        public void Float_results_are_bit_identical_for_any_thread_count(GemmOp op, int m, int n, int k)
        {
            using var scope = new KernelOptionsScope(useSimd: true);
            var random = new Random(m * 31 + n * 7 + k);
            float[] a = GemmTestData.RandomArray<float>(random, m * k, 0);
            float[] b = GemmTestData.RandomArray<float>(random, n * k, 0);
            float[] c0 = GemmTestData.RandomArray<float>(random, m * n, 0);

            foreach (bool accumulate in new[] { false, true })
            {
                float[] single = (float[])c0.Clone();
                KernelOptions.MaxThreads = 1;
                GemmTestData.Run<float>(op, false, a, b, single, m, n, k, accumulate);
                for (int threads = 2; threads <= 4; threads++)
                {
                    KernelOptions.MaxThreads = threads;
                    int before = GemmFloat.ParallelCalls;
                    float[] parallel = (float[])c0.Clone();
                    GemmTestData.Run<float>(op, false, a, b, parallel, m, n, k, accumulate);
                    if (GemmFloat.IsSupported)
                    {
                        Assert.True(GemmFloat.ParallelCalls > before, "the problem was expected to be split between threads");
                    }

                    for (int i = 0; i < single.Length; i++)
                    {
                        if (BitConverter.SingleToInt32Bits(single[i]) != BitConverter.SingleToInt32Bits(parallel[i]))
                        {
                            Assert.Fail($"{op} {m}×{n}×{k} accumulate={accumulate}: element {i} differs with {threads} threads: {single[i]:R} vs {parallel[i]:R}");
                        }
                    }
                }
            }
        }

        [Fact]
        public void Double_results_are_bit_identical_for_any_thread_count()
        {
            using var scope = new KernelOptionsScope(useSimd: true);
            var random = new Random(77);
            const int M = 64, N = 256, K = 130;
            double[] a = GemmTestData.RandomArray<double>(random, M * K, 0);
            double[] b = GemmTestData.RandomArray<double>(random, N * K, 0);
            foreach (GemmOp op in Enum.GetValues<GemmOp>())
            {
                KernelOptions.MaxThreads = 1;
                double[] single = new double[M * N];
                GemmTestData.Run<double>(op, false, a, b, single, M, N, K, false);
                KernelOptions.MaxThreads = 2;
                double[] parallel = new double[M * N];
                GemmTestData.Run<double>(op, false, a, b, parallel, M, N, K, false);
                Assert.Equal(single, parallel);
            }
        }

        [Fact]
        public void Single_threaded_calls_allocate_nothing()
        {
            using var scope = new KernelOptionsScope(useSimd: true, maxThreads: 1);
            long allocated = MeasureAllocations();
            Assert.Equal(0, allocated);
        }

        [Fact]
        public void Scalar_calls_allocate_nothing()
        {
            using var scope = new KernelOptionsScope(useSimd: false, maxThreads: 1);
            long allocated = MeasureAllocations();
            Assert.Equal(0, allocated);
        }

        [Fact]
        public void Threaded_calls_allocate_nothing_on_the_calling_thread()
        {
            using var scope = new KernelOptionsScope(useSimd: true, maxThreads: 2);
            MeasureAllocations(); // warm up: workers and their buffers are created once
            long total = GC.GetTotalAllocatedBytes(precise: true);
            int before = GemmFloat.ParallelCalls;
            long allocated = MeasureAllocations();
            long totalAfter = GC.GetTotalAllocatedBytes(precise: true);
            _output.WriteLine($"calling thread: {allocated} bytes; whole process during the loop: {totalAfter - total} bytes");
            Assert.Equal(0, allocated);
            if (GemmFloat.IsSupported)
            {
                Assert.True(GemmFloat.ParallelCalls > before, "expected threaded calls");
            }
        }

        private static long MeasureAllocations()
        {
            const int M = 64, N = 512, K = 128;
            float[] a = new float[M * K];
            float[] b = new float[N * K];
            float[] c = new float[M * N];
            float[] v = new float[K];
            double[] ad = new double[M * K];
            double[] bd = new double[N * K];
            double[] cd = new double[M * N];
            float[] x = new float[1000];
            float[] bias = new float[N];
            var packed = new GemmPackedB<float>();
            var packedDouble = new GemmPackedB<double>();

            void Once()
            {
                Gemm.MatMulTransB<float>(a, b, c, M, N, K, false);
                Gemm.MatMulTransB<float>(v, b, c, 1, N, K, true);
                Gemm.MatMul<float>(a, b, c, M, N, K, true);
                Gemm.MatMulTransA<float>(a, b, c, M, N, K, false);
                Gemm.MatMulTransA<float>(a, b, c, 32, 200, 17, false);
                Gemm.MatMulTransB<double>(ad, bd, cd, 8, N, K, false);
                Gemm.MatMul<double>(ad, bd, cd, M, N, K, true);
                Gemm.MatMulTransA<double>(ad, bd, cd, M, N, K, false);
                Gemm.PackBTransposed<float>(b, N, K, packed);
                Gemm.MatMulPacked<float>(a, packed, c, M, true);
                Gemm.MatMulPacked<float>(a, packed, c, 16, false);
                Gemm.PackB<float>(b, N, K, packed);
                Gemm.MatMulPacked<float>(a, packed, c, M, false);
                Gemm.PackB<double>(bd, N, K, packedDouble);
                Gemm.MatMulPacked<double>(ad, packedDouble, cd, M, true);
                Rows.AddBias<float>(c, bias, M, N);
                Rows.SumColumns<float>(c, bias, M, N);
                Elementwise.Sigmoid<float>(x, x);
                Elementwise.Tanh<float>(x, x);
                Elementwise.Relu<float>(x, x);
                Elementwise.SoftmaxRows<float>(x, x, 10, 100);
            }

            Once();
            Once();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                Once();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }
}
