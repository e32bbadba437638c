using System;

namespace Rnn.Layers
{
    /// <summary>Grows reusable buffers: a larger batch or longer sequence than ever seen allocates once; the steady state never does.</summary>
    public static class Workspace
    {
        /// <summary>Makes <paramref name="buffer"/> hold at least <paramref name="length"/> elements, reallocating only when it is too small.</summary>
        public static void Ensure<T>(ref T[] buffer, int length)
        {
            if (buffer.Length < length) buffer = new T[length];
        }
    }
}
