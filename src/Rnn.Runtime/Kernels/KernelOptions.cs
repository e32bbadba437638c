using System;
using System.Globalization;

namespace Rnn.Kernels
{
    /// <summary>
    /// Process-wide switches for the numeric kernels in <see cref="Rnn.Kernels"/>.
    /// </summary>
    /// <remarks>
    /// The defaults come from environment variables read once at start-up:
    /// <c>RNNGEN_SIMD=0</c> disables SIMD, <c>RNNGEN_THREADS=n</c> sets the thread count.
    /// The properties may be changed at any time; kernels read them once per call.
    /// </remarks>
    public static class KernelOptions
    {
        private static bool s_useSimd = ReadUseSimd();
        private static int s_maxThreads = ReadMaxThreads();

        /// <summary>
        /// When <see langword="true"/> (the default unless the environment variable <c>RNNGEN_SIMD</c> is <c>0</c>)
        /// the kernels use SIMD code paths where the hardware supports them; <see langword="false"/> forces the
        /// scalar fallback everywhere.
        /// </summary>
        public static bool UseSimd
        {
            get => s_useSimd;
            set => s_useSimd = value;
        }

        /// <summary>
        /// The largest number of threads a single kernel call may use. The default is
        /// <c>min(Environment.ProcessorCount, 2)</c> unless the environment variable <c>RNNGEN_THREADS</c> is set.
        /// <c>1</c> means single-threaded. Results are bit-identical for every value.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
        public static int MaxThreads
        {
            get => s_maxThreads;
            set
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be at least 1.");
                }

                s_maxThreads = value;
            }
        }

        private static bool ReadUseSimd()
        {
            string? text = Environment.GetEnvironmentVariable("RNNGEN_SIMD");
            return text is null || text.Trim() != "0";
        }

        private static int ReadMaxThreads()
        {
            string? text = Environment.GetEnvironmentVariable("RNNGEN_THREADS");
            if (text is not null
                && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
                && n >= 1)
            {
                return n;
            }

            return Math.Max(1, Math.Min(Environment.ProcessorCount, 2));
        }
    }
}
