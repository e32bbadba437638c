using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rnn.Kernels
{
    /// <summary>
    /// Vectorised float exp, tanh and sigmoid accurate to a few ulps everywhere (Cephes <c>expf</c>/<c>tanhf</c>
    /// algorithms). Written because <see cref="System.Numerics.Tensors.TensorPrimitives"/> 9.0 gives
    /// exp(0) = 1.0000001 and tanh(0) = −6e−8 (tanh's relative error reaches 3e−5 near zero).
    /// </summary>
    internal static class FloatMath
    {
        private const float Log2E = 1.44269504088896341f;
        private const float Ln2Hi = 0.693359375f;
        private const float Ln2Lo = -2.12194440e-4f;
        private const float RoundMagic = 12582912f; // 1.5 · 2^23: adding and subtracting it rounds to an integer

        /// <summary>e^x; +∞ above ~88.72, 0 (through subnormals) below ~−103.9, NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Exp(Vector<float> x)
        {
            Vector<float> xc = Vector.Min(Vector.Max(x, new Vector<float>(-104f)), new Vector<float>(88.8f));
            Vector<float> magic = new Vector<float>(RoundMagic);
            Vector<float> fn = (xc * new Vector<float>(Log2E) + magic) - magic;
            Vector<float> r = xc - fn * new Vector<float>(Ln2Hi);
            r -= fn * new Vector<float>(Ln2Lo);
            Vector<float> r2 = r * r;
            Vector<float> poly = new Vector<float>(1.9875691500e-4f);
            poly = poly * r + new Vector<float>(1.3981999507e-3f);
            poly = poly * r + new Vector<float>(8.3334519073e-3f);
            poly = poly * r + new Vector<float>(4.1665795894e-2f);
            poly = poly * r + new Vector<float>(1.6666665459e-1f);
            poly = poly * r + new Vector<float>(5.0000001201e-1f);
            Vector<float> y = poly * r2 + r + Vector<float>.One;

            // y · 2^n in two steps so that n = ±128 … ±150 still over/underflows correctly.
            Vector<int> n = Vector.ConvertToInt32(fn);
            Vector<int> n1 = Vector.ShiftRightArithmetic(n, 1);
            Vector<int> n2 = n - n1;
            Vector<int> bias = new Vector<int>(127);
            y *= Vector.AsVectorSingle(Vector.ShiftLeft(n1 + bias, 23));
            y *= Vector.AsVectorSingle(Vector.ShiftLeft(n2 + bias, 23));
            return Vector.ConditionalSelect(Vector.Equals(x, x), y, x);
        }

        /// <summary>tanh(x): an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) with x's sign above.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Tanh(Vector<float> x)
        {
            Vector<float> z = Vector.Abs(x);
            Vector<float> e = Exp(z + z);
            Vector<float> large = Vector<float>.One - new Vector<float>(2f) / (e + Vector<float>.One);
            Vector<int> signBit = Vector.AsVectorInt32(x) & new Vector<int>(int.MinValue);
            large = Vector.AsVectorSingle(Vector.AsVectorInt32(large) | signBit);

            Vector<float> s = x * x;
            Vector<float> poly = new Vector<float>(-5.70498872745e-3f);
            poly = poly * s + new Vector<float>(2.06390887954e-2f);
            poly = poly * s + new Vector<float>(-5.37397155531e-2f);
            poly = poly * s + new Vector<float>(1.33314422036e-1f);
            poly = poly * s + new Vector<float>(-3.33332819422e-1f);
            Vector<float> small = poly * s * x + x;
            return Vector.ConditionalSelect(Vector.LessThan(z, new Vector<float>(0.625f)), small, large);
        }

        /// <summary>1 / (1 + e^−x), as PyTorch computes it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));
    }
}
