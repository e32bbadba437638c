using System;

namespace Rnn.Kernels
{
    /// <summary>
    /// Per-thread, 64-byte-aligned, pinned scratch buffers for packing GEMM operands. They grow once to the
    /// largest size a thread has needed and are then reused, so steady-state calls allocate nothing.
    /// </summary>
    internal static unsafe class PackingBuffers
    {
        [ThreadStatic]
        private static float[]? t_packB;

        [ThreadStatic]
        private static float[]? t_packA;

        /// <summary>Returns a 64-byte aligned scratch area of at least <paramref name="length"/> floats, valid until the next call on this thread.</summary>
        public static float* PackB(int length)
        {
            float[]? buffer = t_packB;
            if (buffer is null || buffer.Length < length + 16)
            {
                buffer = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
                t_packB = buffer;
            }

            return Align(buffer);
        }

        /// <summary>A second scratch area, independent of <see cref="PackB"/>, for packing A.</summary>
        public static float* PackA(int length)
        {
            float[]? buffer = t_packA;
            if (buffer is null || buffer.Length < length + 16)
            {
                buffer = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
                t_packA = buffer;
            }

            return Align(buffer);
        }

        private static float* Align(float[] buffer)
        {
            // The array lives on the pinned object heap, so its address never changes.
            fixed (float* start = buffer)
            {
                nint offset = ((64 - ((nint)start & 63)) & 63) / sizeof(float);
                return start + offset;
            }
        }
    }
}
