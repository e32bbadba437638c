using System;
using System.Runtime.CompilerServices;

namespace Rnn.Kernels
{
    /// <summary>Argument validation shared by the kernels.</summary>
    internal static class KernelChecks
    {
        /// <summary>Throws if a dimension is negative.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Dimension(int value, string name)
        {
            if (value < 0)
            {
                ThrowNegative(value, name);
            }
        }

        /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="name"/> if <paramref name="length"/> is shorter than <paramref name="required"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Length(int length, long required, string name)
        {
            if (length < required)
            {
                ThrowTooShort(length, required, name);
            }
        }

        /// <summary>Throws an <see cref="ArgumentException"/> if the destination is shorter than the source.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SameLength(int sourceLength, int destinationLength, string destinationName)
        {
            if (destinationLength < sourceLength)
            {
                ThrowTooShort(destinationLength, sourceLength, destinationName);
            }
        }

        private static void ThrowNegative(int value, string name) =>
            throw new ArgumentOutOfRangeException(name, value, $"Dimension '{name}' must not be negative.");

        private static void ThrowTooShort(int length, long required, string name) =>
            throw new ArgumentException(
                $"Span '{name}' is too short: its length is {length} but at least {required} elements are required.",
                name);
    }
}
