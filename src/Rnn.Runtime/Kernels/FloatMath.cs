using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// Vectorised float exp, tanh and sigmoid accurate to a few ulps everywhere (Cephes <c>expf</c>/<c>tanhf</c>
    /// algorithms), as AVX-512 and AVX2+FMA intrinsics (raw min/max, hardware round-to-nearest conversion, fused
    /// polynomials) and as portable <see cref="Vector{T}"/> code for other hardware. Written because <see cref="System.Numerics.Tensors.TensorPrimitives"/> 9.0 gives
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
        /// <summary>e^x with AVX-512 (see <see cref="Exp(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x)
        {
            // max/min return their second operand for NaN input; the final select restores NaN.
            Vector512<float> xc = Avx512F.Min(Avx512F.Max(x, Vector512.Create(-104f)), Vector512.Create(88.8f));
            Vector512<int> n = Avx512F.ConvertToVector512Int32(xc * Vector512.Create(Log2E));
            Vector512<float> fn = Avx512F.ConvertToVector512Single(n);
            Vector512<float> r = Avx512F.FusedMultiplyAddNegated(fn, Vector512.Create(Ln2Hi), xc);
            r = Avx512F.FusedMultiplyAddNegated(fn, Vector512.Create(Ln2Lo), r);
            Vector512<float> poly = Avx512F.FusedMultiplyAdd(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(8.3334519073e-3f));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(4.1665795894e-2f));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(1.6666665459e-1f));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(5.0000001201e-1f));
            Vector512<float> y = Avx512F.FusedMultiplyAdd(poly, r * r, r) + Vector512<float>.One;
            Vector512<int> n1 = Avx512F.ShiftRightArithmetic(n, 1);
            Vector512<int> bias = Vector512.Create(127);
            y *= Avx512F.ShiftLeftLogical(n1 + bias, 23).AsSingle();
            y *= Avx512F.ShiftLeftLogical(n - n1 + bias, 23).AsSingle();
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
        }

        /// <summary>tanh with AVX-512 (see <see cref="Tanh(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Tanh(Vector512<float> x)
        {
            Vector512<float> z = Vector512.Abs(x);
            Vector512<float> e = Exp(z + z);
            Vector512<float> large = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
            large = (large.AsInt32() | (x.AsInt32() & Vector512.Create(int.MinValue))).AsSingle();
            Vector512<float> s = x * x;
            Vector512<float> poly = Avx512F.FusedMultiplyAdd(Vector512.Create(-5.70498872745e-3f), s, Vector512.Create(2.06390887954e-2f));
            poly = Avx512F.FusedMultiplyAdd(poly, s, Vector512.Create(-5.37397155531e-2f));
            poly = Avx512F.FusedMultiplyAdd(poly, s, Vector512.Create(1.33314422036e-1f));
            poly = Avx512F.FusedMultiplyAdd(poly, s, Vector512.Create(-3.33332819422e-1f));
            Vector512<float> small = Avx512F.FusedMultiplyAdd(poly * s, x, x);
            return Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(0.625f)), small, large);
        }

        /// <summary>1 / (1 + e^−x) with AVX-512.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

        /// <summary>e^x with AVX2 + FMA (see <see cref="Exp(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            Vector256<float> xc = Avx.Min(Avx.Max(x, Vector256.Create(-104f)), Vector256.Create(88.8f));
            Vector256<int> n = Avx.ConvertToVector256Int32(xc * Vector256.Create(Log2E));
            Vector256<float> fn = Avx.ConvertToVector256Single(n);
            Vector256<float> r = Fma.MultiplyAddNegated(fn, Vector256.Create(Ln2Hi), xc);
            r = Fma.MultiplyAddNegated(fn, Vector256.Create(Ln2Lo), r);
            Vector256<float> poly = Fma.MultiplyAdd(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
            poly = Fma.MultiplyAdd(poly, r, Vector256.Create(8.3334519073e-3f));
            poly = Fma.MultiplyAdd(poly, r, Vector256.Create(4.1665795894e-2f));
            poly = Fma.MultiplyAdd(poly, r, Vector256.Create(1.6666665459e-1f));
            poly = Fma.MultiplyAdd(poly, r, Vector256.Create(5.0000001201e-1f));
            Vector256<float> y = Fma.MultiplyAdd(poly, r * r, r) + Vector256<float>.One;
            Vector256<int> n1 = Avx2.ShiftRightArithmetic(n, 1);
            Vector256<int> bias = Vector256.Create(127);
            y *= Avx2.ShiftLeftLogical(n1 + bias, 23).AsSingle();
            y *= Avx2.ShiftLeftLogical(n - n1 + bias, 23).AsSingle();
            return Avx.BlendVariable(x, y, Avx.CompareEqual(x, x));
        }

        /// <summary>tanh with AVX2 + FMA (see <see cref="Tanh(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Tanh(Vector256<float> x)
        {
            Vector256<float> z = Vector256.Abs(x);
            Vector256<float> e = Exp(z + z);
            Vector256<float> large = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
            large = (large.AsInt32() | (x.AsInt32() & Vector256.Create(int.MinValue))).AsSingle();
            Vector256<float> s = x * x;
            Vector256<float> poly = Fma.MultiplyAdd(Vector256.Create(-5.70498872745e-3f), s, Vector256.Create(2.06390887954e-2f));
            poly = Fma.MultiplyAdd(poly, s, Vector256.Create(-5.37397155531e-2f));
            poly = Fma.MultiplyAdd(poly, s, Vector256.Create(1.33314422036e-1f));
            poly = Fma.MultiplyAdd(poly, s, Vector256.Create(-3.33332819422e-1f));
            Vector256<float> small = Fma.MultiplyAdd(poly * s, x, x);
            return Avx.BlendVariable(large, small, Avx.CompareLessThan(z, Vector256.Create(0.625f)));
        }

        /// <summary>1 / (1 + e^−x) with AVX2 + FMA.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));
    }
}
