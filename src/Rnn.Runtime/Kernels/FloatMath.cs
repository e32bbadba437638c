using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Kernels
{
    /// <summary>
    /// Vectorised float exp, tanh and sigmoid accurate to a few ulps everywhere (Cephes' <c>expf</c>, Eigen's rational
    /// tanh), as AVX-512 and AVX2+FMA intrinsics (raw min/max, hardware round-to-nearest conversion, fused
    /// polynomials) and as portable <see cref="Vector{T}"/> code for other hardware. Written because <see cref="System.Numerics.Tensors.TensorPrimitives"/> 9.0 gives
    /// exp(0) = 1.0000001 and tanh(0) = −6e−8 (tanh's relative error reaches 3e−5 near zero).
    /// </summary>
    internal static class FloatMath
    {
        private const float Log2E = 1.44269504088896341f;
        private const float Ln2Hi = 0.693359375f;
        private const float Ln2Lo = -2.12194440e-4f;
        private const float RoundMagic = 12582912f; // 1.5 · 2^23: adding and subtracting it rounds to an integer

        // exp: x clamped to [ExpLow, ExpHigh], then Cephes' degree-5 polynomial P0 … P5 in the reduced argument.
        private const float ExpLow = -104f, ExpHigh = 88.8f;
        private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

        /// <summary>e^x; +∞ above ~88.72, 0 (through subnormals) below ~−103.9, NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Exp(Vector<float> x)
        {
            Vector<float> xc = Vector.Min(Vector.Max(x, new Vector<float>(ExpLow)), new Vector<float>(ExpHigh));
            Vector<float> magic = new Vector<float>(RoundMagic);
            Vector<float> fn = (xc * new Vector<float>(Log2E) + magic) - magic;
            Vector<float> r = xc - fn * new Vector<float>(Ln2Hi);
            r -= fn * new Vector<float>(Ln2Lo);
            Vector<float> r2 = r * r;
            Vector<float> poly = new Vector<float>(P0);
            poly = poly * r + new Vector<float>(P1);
            poly = poly * r + new Vector<float>(P2);
            poly = poly * r + new Vector<float>(P3);
            poly = poly * r + new Vector<float>(P4);
            poly = poly * r + new Vector<float>(P5);
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

        // tanh: a 13/6-degree rational interpolant (Eigen's, accurate to a couple of ulp) on x clamped to [−9, 9], beyond
        // which tanh is ±1 in float; no exp and one division, half the work of 1 − 2/(e^{2x} + 1).
        private const float TanhClamp = 9f, TanhClamp512 = 8.5f;
        private const float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f, A5 = 1.48572235717979e-05f,
            A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f, A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
        private const float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f, B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

        /// <summary>tanh(x) by a rational interpolant on [−9, 9], ±1 beyond, NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Tanh(Vector<float> x)
        {
            Vector<float> xc = Vector.Min(Vector.Max(x, new Vector<float>(-TanhClamp)), new Vector<float>(TanhClamp));
            Vector<float> x2 = xc * xc;
            Vector<float> p = x2 * new Vector<float>(A13) + new Vector<float>(A11);
            p = p * x2 + new Vector<float>(A9);
            p = p * x2 + new Vector<float>(A7);
            p = p * x2 + new Vector<float>(A5);
            p = p * x2 + new Vector<float>(A3);
            p = p * x2 + new Vector<float>(A1);
            Vector<float> q = x2 * new Vector<float>(B6) + new Vector<float>(B4);
            q = q * x2 + new Vector<float>(B2);
            q = q * x2 + new Vector<float>(B0);
            return Vector.ConditionalSelect(Vector.Equals(x, x), p * xc / q, x);
        }

        /// <summary>1 / (1 + e^−x), as PyTorch computes it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));
        /// <summary>e^x with AVX-512 (see <see cref="Exp(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x)
        {
            // max/min return their second operand for NaN input; the final select restores NaN.
            Vector512<float> xc = Avx512F.Min(Avx512F.Max(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
            Vector512<int> n = Avx512F.ConvertToVector512Int32(xc * Vector512.Create(Log2E));
            Vector512<float> fn = Avx512F.ConvertToVector512Single(n);
            Vector512<float> r = Avx512F.FusedMultiplyAddNegated(fn, Vector512.Create(Ln2Hi), xc);
            r = Avx512F.FusedMultiplyAddNegated(fn, Vector512.Create(Ln2Lo), r);
            Vector512<float> poly = Avx512F.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(P2));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(P3));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(P4));
            poly = Avx512F.FusedMultiplyAdd(poly, r, Vector512.Create(P5));
            Vector512<float> y = Avx512F.FusedMultiplyAdd(poly, r * r, r) + Vector512<float>.One;
            Vector512<int> n1 = Avx512F.ShiftRightArithmetic(n, 1);
            Vector512<int> bias = Vector512.Create(127);
            y *= Avx512F.ShiftLeftLogical(n1 + bias, 23).AsSingle();
            y *= Avx512F.ShiftLeftLogical(n - n1 + bias, 23).AsSingle();
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
        }

        /// <summary>
        /// tanh with AVX-512 (see <see cref="Tanh(Vector{float})"/>): the same rational, its numerator and denominator by
        /// Estrin's scheme, a dependency chain three FMAs shorter than Horner's (the streaming step waits on two tanh in
        /// a row). Estrin's rounding reaches exactly ±1 at ±8.5 (Horner's at ±9), hence the clamp there; tanh(8.5) is 1 to
        /// within one float ulp. The clamp keeps NaN (vmaxps returns its second operand when either is NaN): no select.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Tanh(Vector512<float> x)
        {
            Vector512<float> xc = Avx512F.Min(Vector512.Create(TanhClamp512), Avx512F.Max(Vector512.Create(-TanhClamp512), x));
            Vector512<float> y = xc * xc;
            Vector512<float> y2 = y * y;
            Vector512<float> p01 = Avx512F.FusedMultiplyAdd(y2,
                Avx512F.FusedMultiplyAdd(y, Vector512.Create(A7), Vector512.Create(A5)),
                Avx512F.FusedMultiplyAdd(y, Vector512.Create(A3), Vector512.Create(A1)));
            Vector512<float> p23 = Avx512F.FusedMultiplyAdd(y2, Vector512.Create(A13),
                Avx512F.FusedMultiplyAdd(y, Vector512.Create(A11), Vector512.Create(A9)));
            Vector512<float> p = Avx512F.FusedMultiplyAdd(y2 * y2, p23, p01);
            Vector512<float> q = Avx512F.FusedMultiplyAdd(y2,
                Avx512F.FusedMultiplyAdd(y, Vector512.Create(B6), Vector512.Create(B4)),
                Avx512F.FusedMultiplyAdd(y, Vector512.Create(B2), Vector512.Create(B0)));
            return p * xc / q;
        }

        /// <summary>σ(x) for recurrent gates with AVX-512 (see <see cref="GateSigmoid(Vector256{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> GateSigmoid(Vector512<float> x) => GateSigmoidOfHalf(x * Vector512.Create(0.5f));

        /// <summary>
        /// σ(2u) = ½·tanh(u) + ½ for a gate sum u that is already halved (the streaming step packs its sigmoid gates' weights
        /// and biases times ½, which is exact, and saves the multiplication on its critical path).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> GateSigmoidOfHalf(Vector512<float> u) =>
            Avx512F.FusedMultiplyAdd(Tanh(u), Vector512.Create(0.5f), Vector512.Create(0.5f));

        /// <summary>1 / (1 + e^−x) with AVX-512.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

        // AVX2 has 16 vector registers: with every constant of exp and tanh held in one (what the JIT does with
        // Vector256.Create constants) the temporaries spill to the stack on every step, three times slower. The AVX2
        // versions read their constants as memory operands from this table instead (8 copies each, 32-byte aligned).
        private const int CMin = 0, CMax = 1, CLog2E = 2, CLn2Hi = 3, CLn2Lo = 4, CP0 = 5, COne = 11, CBias = 12, CSign = 13,
            CTanhLow = 14, CTanhHigh = 15, CA13 = 16, CB6 = 23, CHalf = 27, CCount = 28;

        private static readonly unsafe float* s_c256 = Constants256();

        private static unsafe float* Constants256()
        {
            float[] values =
            {
                ExpLow, ExpHigh, Log2E, Ln2Hi, Ln2Lo,
                P0, P1, P2, P3, P4, P5,
                1f, BitConverter.Int32BitsToSingle(127), BitConverter.Int32BitsToSingle(int.MinValue), -TanhClamp, TanhClamp,
                A13, A11, A9, A7, A5, A3, A1, B6, B4, B2, B0, 0.5f,
            };
            var table = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(CCount * 8 * sizeof(float), 32);
            for (int k = 0; k < CCount; k++)
                for (int j = 0; j < 8; j++) table[k * 8 + j] = values[k];
            return table;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<float> C(int k) => Avx.LoadAlignedVector256(s_c256 + 8 * k);

        /// <summary>e^x with AVX2 + FMA (see <see cref="Exp(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            Vector256<float> xc = Avx.Min(Avx.Max(x, C(CMin)), C(CMax));
            Vector256<int> n = Avx.ConvertToVector256Int32(Avx.Multiply(xc, C(CLog2E)));
            Vector256<float> fn = Avx.ConvertToVector256Single(n);
            Vector256<float> r = Fma.MultiplyAddNegated(fn, C(CLn2Hi), xc);
            r = Fma.MultiplyAddNegated(fn, C(CLn2Lo), r);
            Vector256<float> poly = Fma.MultiplyAdd(r, C(CP0), C(CP0 + 1));
            poly = Fma.MultiplyAdd(poly, r, C(CP0 + 2));
            poly = Fma.MultiplyAdd(poly, r, C(CP0 + 3));
            poly = Fma.MultiplyAdd(poly, r, C(CP0 + 4));
            poly = Fma.MultiplyAdd(poly, r, C(CP0 + 5));
            Vector256<float> y = Avx.Add(Fma.MultiplyAdd(poly, Avx.Multiply(r, r), r), C(COne));
            Vector256<int> n1 = Avx2.ShiftRightArithmetic(n, 1);
            Vector256<int> bias = C(CBias).AsInt32();
            y = Avx.Multiply(y, Avx2.ShiftLeftLogical(Avx2.Add(n1, bias), 23).AsSingle());
            y = Avx.Multiply(y, Avx2.ShiftLeftLogical(Avx2.Add(Avx2.Subtract(n, n1), bias), 23).AsSingle());
            return Avx.BlendVariable(x, y, Avx.CompareEqual(x, x));
        }

        /// <summary>tanh with AVX2 + FMA (see <see cref="Tanh(Vector{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Tanh(Vector256<float> x)
        {
            Vector256<float> xc = Avx.Min(Avx.Max(x, C(CTanhLow)), C(CTanhHigh));
            Vector256<float> x2 = Avx.Multiply(xc, xc);
            Vector256<float> p = Fma.MultiplyAdd(x2, C(CA13), C(CA13 + 1));
            p = Fma.MultiplyAdd(p, x2, C(CA13 + 2));
            p = Fma.MultiplyAdd(p, x2, C(CA13 + 3));
            p = Fma.MultiplyAdd(p, x2, C(CA13 + 4));
            p = Fma.MultiplyAdd(p, x2, C(CA13 + 5));
            p = Fma.MultiplyAdd(p, x2, C(CA13 + 6));
            Vector256<float> q = Fma.MultiplyAdd(x2, C(CB6), C(CB6 + 1));
            q = Fma.MultiplyAdd(q, x2, C(CB6 + 2));
            q = Fma.MultiplyAdd(q, x2, C(CB6 + 3));
            return Avx.BlendVariable(x, Avx.Divide(Avx.Multiply(p, xc), q), Avx.CompareEqual(x, x));
        }

        /// <summary>
        /// σ(x) for recurrent gates, as ½·tanh(x/2) + ½ over the rational tanh: a third fewer instructions than
        /// 1 / (1 + e^−x). Within 3e−8 absolute of σ everywhere (below 1.5e−8 it returns at most that), which is all a gate
        /// needs; <see cref="Sigmoid(Vector256{float})"/> keeps full relative accuracy for outputs such as a sigmoid head.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> GateSigmoid(Vector256<float> x) => GateSigmoidOfHalf(Avx.Multiply(x, C(CHalf)));

        /// <summary>σ(2u) = ½·tanh(u) + ½ with AVX2 + FMA (see <see cref="GateSigmoidOfHalf(Vector512{float})"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> GateSigmoidOfHalf(Vector256<float> u) => Fma.MultiplyAdd(Tanh(u), C(CHalf), C(CHalf));

        /// <summary>1 / (1 + e^−x) with AVX2 + FMA.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sigmoid(Vector256<float> x) =>
            Avx.Divide(C(COne), Avx.Add(C(COne), Exp(Avx.Xor(x, C(CSign)))));
    }
}
