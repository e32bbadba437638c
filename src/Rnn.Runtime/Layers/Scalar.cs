using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rnn.Layers
{
    /// <summary>Scalar activations and their derivatives, written as PyTorch computes them.</summary>
    internal static class Scalar<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Sigmoid(T x) => T.One / (T.One + T.Exp(-x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Tanh(T x) => T.Tanh(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Relu(T x) => x > T.Zero ? x : T.Zero;
    }
}
