using System;

namespace Rnn.Kernels
{
    /// <summary>
    /// A grow-only buffer whose span starts on a 64-byte boundary (a cache line): SIMD loads from it never straddle two
    /// lines (a streaming step's weight reads measured 1.4× slower from a misaligned array). Backed by an array on the
    /// pinned object heap, so the address never moves. The streaming weights and the GEMM packing buffers use it.
    /// </summary>
    internal sealed class AlignedBuffer<T> where T : unmanaged
    {
        private T[] _array = Array.Empty<T>();
        private int _offset, _length;

        /// <summary>The aligned span, as long as the last <see cref="Ensure"/> asked for.</summary>
        public Span<T> Span => _array.AsSpan(_offset, _length);

        /// <summary>Makes <see cref="Span"/> <paramref name="length"/> elements long, reallocating (uninitialised) only to grow.</summary>
        public unsafe void Ensure(int length)
        {
            if (_array.Length == 0 || _array.Length - _offset < length)
            {
                _array = GC.AllocateUninitializedArray<T>(length + 64 / sizeof(T), pinned: true);
                fixed (T* p = _array) _offset = (int)((64 - ((nint)p & 63)) & 63) / sizeof(T);
            }
            _length = length;
        }

        /// <summary><see cref="Ensure"/>s <paramref name="length"/> elements and returns the start (valid while the buffer lives: it never moves).</summary>
        public unsafe T* Pointer(int length)
        {
            Ensure(length);
            fixed (T* p = _array) return p + _offset;
        }
    }
}
