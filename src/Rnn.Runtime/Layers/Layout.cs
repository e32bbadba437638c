using System;

namespace Rnn.Layers
{
    /// <summary>Conversions between the public batch-first layout [B, T, F] and the time-major layout [T, B, F] used inside.</summary>
    public static class Layout
    {
        /// <summary>dst[t, b] = src[b, t].</summary>
        public static void ToTimeMajor<T>(ReadOnlySpan<T> src, int batch, int steps, int features, Span<T> dst)
        {
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < steps; t++)
                    src.Slice((b * steps + t) * features, features).CopyTo(dst.Slice((t * batch + b) * features, features));
        }

        /// <summary>dst[b, t] = src[t, b].</summary>
        public static void ToBatchFirst<T>(ReadOnlySpan<T> src, int batch, int steps, int features, Span<T> dst)
        {
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < steps; t++)
                    src.Slice((t * batch + b) * features, features).CopyTo(dst.Slice((b * steps + t) * features, features));
        }
    }
}
