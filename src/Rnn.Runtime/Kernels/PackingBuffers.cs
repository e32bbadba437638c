namespace Rnn.Kernels
{
    /// <summary>
    /// Per-thread, 64-byte-aligned, pinned scratch buffers for packing GEMM operands. They grow once to the
    /// largest size a thread has needed and are then reused, so steady-state calls allocate nothing.
    /// </summary>
    internal static unsafe class PackingBuffers
    {
        [System.ThreadStatic]
        private static AlignedBuffer<float>? t_packB;

        [System.ThreadStatic]
        private static AlignedBuffer<float>? t_packA;

        [System.ThreadStatic]
        private static AlignedBuffer<float>? t_unpacked;

        /// <summary>Returns a 64-byte aligned scratch area of at least <paramref name="length"/> floats, valid until the next call on this thread.</summary>
        public static float* PackB(int length) => (t_packB ??= new()).Pointer(length);

        /// <summary>A second scratch area, independent of <see cref="PackB"/>, for packing A.</summary>
        public static float* PackA(int length) => (t_packA ??= new()).Pointer(length);

        /// <summary>A third area, for a pre-packed B̂ unpacked back to row-major (<see cref="Gemm.MatMulPacked{T}"/> after the options changed).</summary>
        public static float* Unpacked(int length) => (t_unpacked ??= new()).Pointer(length);
    }
}
