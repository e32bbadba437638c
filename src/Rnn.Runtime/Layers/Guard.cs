using System;

namespace Rnn.Layers
{
    /// <summary>Argument checks for the generated entry points: each message names the parameter and the size it expects.</summary>
    public static class Guard
    {
        /// <summary>Checks a batch-first buffer of batch·steps·perStep values and returns steps.</summary>
        public static int Steps(int length, int batch, int perStep, string name)
        {
            if (batch <= 0)
                throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be 1 or more.");
            long perSequence = (long)batch * perStep;
            if (length == 0 || length % perSequence != 0)
                throw new ArgumentException(
                    $"{name} must hold batch · steps · {perStep} values (a positive multiple of {perSequence} for batch = {batch}), but it holds {length}.", name);
            return (int)(length / perSequence);
        }

        /// <summary>
        /// Checks that the workspaces for this batch fit in arrays: the widest holds (steps + 1) · batch rows of
        /// <paramref name="widestRow"/> values, which must not exceed <see cref="Array.MaxLength"/>.
        /// </summary>
        public static void Capacity(int steps, int batch, int widestRow)
        {
            long values = (long)(steps + 1) * batch * widestRow;
            if (values > Array.MaxLength)
                throw new ArgumentException(
                    $"batch · steps = {batch} · {steps} is too large for this model: its widest workspace would hold {values} values, more than one array can ({Array.MaxLength}). Split the batch or the sequences.",
                    nameof(batch));
        }

        /// <summary>Checks that lengths is empty (every sequence full) or holds one length in 0…steps per sequence.</summary>
        public static void Lengths(ReadOnlySpan<int> lengths, int batch, int steps)
        {
            if (lengths.IsEmpty) return;
            if (lengths.Length != batch)
                throw new ArgumentException($"lengths must hold one length per sequence (batch = {batch}), but it holds {lengths.Length}.", nameof(lengths));
            for (int b = 0; b < batch; b++)
            {
                if ((uint)lengths[b] > (uint)steps)
                    throw new ArgumentException($"lengths[{b}] = {lengths[b]} is outside 0…{steps} (the number of steps).", nameof(lengths));
            }
        }

        /// <summary>Checks that a buffer holds exactly the expected number of values (inlined: a streaming Step makes two such checks per sample).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void Size(int length, int expected, string name, string shape)
        {
            if (length != expected) ThrowSize(length, expected, name, shape);
        }

        /// <summary>Checks a token id (inlined, as <see cref="Size"/>).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static void Token(int token, int vocabulary, string name)
        {
            if ((uint)token >= (uint)vocabulary) ThrowToken(token, vocabulary, name);
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void ThrowSize(int length, int expected, string name, string shape) =>
            throw new ArgumentException($"{name} must hold {shape} = {expected} values, but it holds {length}.", name);

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void ThrowToken(int token, int vocabulary, string name) =>
            throw new ArgumentOutOfRangeException(name, token, $"{name} = {token} is not a token id: ids run from 0 to {vocabulary - 1}.");
    }
}
