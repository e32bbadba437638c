namespace Rnn.Kernels
{
    /// <summary>
    /// A float GEMM C[M,N] (+)= Â[M,K] · B̂[K,N] described by pointers and strides, so that one driver serves all
    /// three layouts: Â(i, p) = <c>A[i·RsA + p·CsA]</c>, B̂(p, j) = <c>B[p·RsB + j·CsB]</c>, C(i, j) = <c>C[i·Ldc + j]</c>.
    /// The pointers refer to memory the caller keeps pinned for the duration of the call.
    /// </summary>
    /// <remarks>
    /// When <see cref="PanelStride"/> is non-zero, B is pre-packed (<see cref="GemmFloatPrepacked"/>): panels of
    /// NR = <see cref="RsB"/> columns, each K rows of NR floats (<see cref="CsB"/> = 1), consecutive panels
    /// <see cref="PanelStride"/> floats apart, so B̂(p, j) = <c>B[(j / NR)·PanelStride + p·NR + j % NR]</c>.
    /// </remarks>
    internal unsafe struct GemmProblem
    {
        public float* A;
        public nint RsA;
        public nint CsA;
        public float* B;
        public nint RsB;
        public nint CsB;
        public float* C;
        public nint Ldc;
        public int M;
        public int N;
        public int K;
        public bool Accumulate;
        public nint PanelStride;

        public GemmProblem(float* a, nint rsA, nint csA, float* b, nint rsB, nint csB, float* c, nint ldc, int m, int n, int k, bool accumulate)
        {
            A = a;
            RsA = rsA;
            CsA = csA;
            B = b;
            RsB = rsB;
            CsB = csB;
            C = c;
            Ldc = ldc;
            M = m;
            N = n;
            K = k;
            Accumulate = accumulate;
            PanelStride = 0;
        }

        /// <summary>The sub-problem of output rows <c>[start, start + count)</c>.</summary>
        public readonly GemmProblem Rows(int start, int count)
        {
            GemmProblem p = this;
            p.A += start * RsA;
            p.C += start * Ldc;
            p.M = count;
            return p;
        }

        /// <summary>The sub-problem of output columns <c>[start, start + count)</c> (for pre-packed B, start is a multiple of NR).</summary>
        public readonly GemmProblem Columns(int start, int count)
        {
            GemmProblem p = this;
            p.B += PanelStride != 0 ? start / RsB * PanelStride : start * CsB;
            p.C += start;
            p.N = count;
            return p;
        }
    }
}
