using System;
using Rnn.Kernels;

namespace Rnn.Tests.Kernels
{
    /// <summary>
    /// Tests that change <see cref="KernelOptions"/> (a process-wide setting) run in this collection, which xunit
    /// runs on its own, after the parallel collections, so no other test sees a changed option.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class KernelOptionsCollection
    {
        public const string Name = "KernelOptions";
    }

    /// <summary>Sets <see cref="KernelOptions"/> for the duration of a using block and restores the previous values.</summary>
    internal sealed class KernelOptionsScope : IDisposable
    {
        private readonly bool _useSimd;
        private readonly int _maxThreads;

        public KernelOptionsScope(bool? useSimd = null, int? maxThreads = null)
        {
            _useSimd = KernelOptions.UseSimd;
            _maxThreads = KernelOptions.MaxThreads;
            if (useSimd is bool simd)
            {
                KernelOptions.UseSimd = simd;
            }

            if (maxThreads is int threads)
            {
                KernelOptions.MaxThreads = threads;
            }
        }

        public void Dispose()
        {
            KernelOptions.UseSimd = _useSimd;
            KernelOptions.MaxThreads = _maxThreads;
        }
    }
}
