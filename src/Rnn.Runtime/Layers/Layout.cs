using System;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>Conversions between the public batch-first layout [B, T, F] and the time-major layout [T, B, F] used inside.</summary>
    /// <remarks>
    /// Large batches are converted in the <see cref="BatchParts"/> halves on the kernel threads: each half's rows are the
    /// ones the recurrence's chunk of that half wrote or will read, and (batch-first) the first or second half of the rows
    /// the dense layer's GEMM splits between the threads, so no row crosses between the cores' caches here.
    /// </remarks>
    public static class Layout
    {
        /// <summary>Below this many elements a conversion runs on the calling thread.</summary>
        private const int ParallelMin = 1 << 15;

        /// <summary>dst[t, b] = src[b, t].</summary>
        /// <exception cref="ArgumentException">A span holds fewer than batch·steps·features values.</exception>
        public static void ToTimeMajor<T>(ReadOnlySpan<T> src, int batch, int steps, int features, Span<T> dst) where T : unmanaged =>
            Convert(src, batch, steps, features, dst, toTimeMajor: true);

        /// <summary>dst[b, t] = src[t, b].</summary>
        /// <exception cref="ArgumentException">A span holds fewer than batch·steps·features values.</exception>
        public static void ToBatchFirst<T>(ReadOnlySpan<T> src, int batch, int steps, int features, Span<T> dst) where T : unmanaged =>
            Convert(src, batch, steps, features, dst, toTimeMajor: false);

        private static unsafe void Convert<T>(ReadOnlySpan<T> src, int batch, int steps, int features, Span<T> dst, bool toTimeMajor)
            where T : unmanaged
        {
            ArgumentOutOfRangeException.ThrowIfNegative(batch);
            ArgumentOutOfRangeException.ThrowIfNegative(steps);
            ArgumentOutOfRangeException.ThrowIfNegative(features);
            long size = (long)batch * steps * features;
            KernelChecks.Length(src.Length, size, nameof(src));
            KernelChecks.Length(dst.Length, size, nameof(dst));
            int parts = size >= ParallelMin ? BatchParts.Count(batch) : 1;
            fixed (T* s = src, d = dst)
            {
                if (parts == 1)
                {
                    CopyRows(s, d, 0, batch, batch, steps, features, toTimeMajor);
                    return;
                }
                var job = ConvertJob<T>.Instance ??= new ConvertJob<T>();
                job.Set(s, d, batch, steps, features, toTimeMajor, parts);
                try
                {
                    KernelParallel.RunParts(job, parts);
                }
                finally
                {
                    job.Set(null, null, 0, 0, 0, false, 0);
                }
            }
        }

        /// <summary>Converts the rows of sequences [b0, b1).</summary>
        private static unsafe void CopyRows<T>(T* src, T* dst, int b0, int b1, int batch, int steps, int features, bool toTimeMajor)
            where T : unmanaged
        {
            for (int b = b0; b < b1; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    long batchFirst = ((long)b * steps + t) * features, timeMajor = ((long)t * batch + b) * features;
                    var from = new ReadOnlySpan<T>(src + (toTimeMajor ? batchFirst : timeMajor), features);
                    from.CopyTo(new Span<T>(dst + (toTimeMajor ? timeMajor : batchFirst), features));
                }
            }
        }

        private sealed unsafe class ConvertJob<T> : KernelJob where T : unmanaged
        {
            [ThreadStatic] public static ConvertJob<T>? Instance;
            private T* _src, _dst;
            private int _batch, _steps, _features, _parts;
            private bool _toTimeMajor;

            public void Set(T* src, T* dst, int batch, int steps, int features, bool toTimeMajor, int parts)
            {
                _src = src;
                _dst = dst;
                (_batch, _steps, _features, _toTimeMajor, _parts) = (batch, steps, features, toTimeMajor, parts);
            }

            public override void RunPart(int part)
            {
                var (b0, b1) = BatchParts.Range(part, _parts, _batch);
                CopyRows(_src, _dst, b0, b1, _batch, _steps, _features, _toTimeMajor);
            }
        }
    }
}
