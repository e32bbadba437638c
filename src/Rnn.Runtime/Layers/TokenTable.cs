using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>
    /// The input projection of a first recurrent layer that reads token ids (<see cref="TokenBatch"/>). Every row of
    /// X·W_ihᵀ + b is the projection of one of V token vectors, so the layer projects each id once, the table
    /// P [V, gH] = E·W_ihᵀ + b (one-hot: W_ihᵀ + b), and gathers rows: G[r] = P[id[r]]. Backward sums the gate gradients
    /// of the rows per id, S [V, gH], and takes the weight and embedding gradients from S: dW_ih += Sᵀ·E (one-hot: Sᵀ),
    /// dE += S·W_ih. With V &lt; N rows this replaces three [N, E]×[E, gH]-sized GEMMs (projection, dW_ih, dX) with
    /// [V, E]×[E, gH]-sized ones, and the embedding lookups with row copies.
    /// </summary>
    /// <remarks>
    /// Each P[v] is made with the float operations the row-by-row projection makes for a row holding token v (the same
    /// GEMM arithmetic, then b_ih, then b_hh), so the gathered gates are bit-identical to it. The gradients agree with
    /// the row-by-row ones to rounding (another summation order); none depends on the thread count.
    /// </remarks>
    internal sealed class TokenTable<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private T[] _table = Array.Empty<T>();  // P [V, gH]: the input projection of every token id
        private GemmPackedB<T>? _packed;        // W_ihᵀ packed, for a vocabulary that the GEMM would take by dot products

        /// <summary>Whether reading <paramref name="rows"/> token rows through a table pays: fewer ids than rows.</summary>
        public static bool Pays(int vocabulary, int rows) => vocabulary < rows;

        /// <summary>
        /// P = E·W_ihᵀ + b_ih (+ b_hh when not empty) for the embedding E of <paramref name="tokens"/>, or W_ihᵀ + b_ih (+ b_hh)
        /// for one-hot tokens; <paramref name="rows"/> is the number of rows the row-by-row projection would have had.
        /// </summary>
        public void Project(ReadOnlySpan<T> parameters, TokenBatch tokens, ReadOnlySpan<T> wih, ReadOnlySpan<T> bih, ReadOnlySpan<T> bhh,
            int g, int rows)
        {
            int v = tokens.Vocabulary, dim = tokens.Dim;
            Workspace.Ensure(ref _table, v * g);
            var table = _table.AsSpan(0, v * g);
            if (tokens.IsOneHot)
            {
                // The product of a one-hot row picks column v of W_ih: every kernel's sum of it and zero products is exactly
                // W_ih[j, v] + 0 (the + 0 turns a −0 into the +0 the sum gives), except the k = 1 outer product, a plain 1·w.
                bool plain = dim == 1 && KernelOptions.UseSimd;
                for (int id = 0; id < v; id++)
                {
                    var row = table.Slice(id * g, g);
                    for (int j = 0; j < g; j++) row[j] = plain ? wih[j * dim + id] : wih[j * dim + id] + T.Zero;
                }
            }
            else
            {
                var embedding = parameters.Slice(tokens.EmbeddingOffset, v * dim);
                if (DotProductsWouldDiffer(v, rows, dim))
                {
                    // The float GEMM takes A·Bᵀ with few rows by dot products (another summation order) and with many by
                    // packed tiles: the V-row table must be made the way the N-row projection is, by the tiles, which the
                    // pre-packed product runs with the same arithmetic.
                    _packed ??= new GemmPackedB<T>();
                    Gemm.PackBTransposed(wih, g, dim, _packed);
                    Gemm.MatMulPacked(embedding, _packed, table, v, accumulate: false);
                }
                else
                {
                    Gemm.MatMulTransB(embedding, wih, table, v, g, dim, accumulate: false);
                }
            }
            Rows.AddBias(table, bih, v, g);
            if (!bhh.IsEmpty) Rows.AddBias(table, bhh, v, g);
        }

        /// <summary>Whether <see cref="Gemm.MatMulTransB{T}"/> would use dot products for V rows but packed tiles for N rows.</summary>
        private static bool DotProductsWouldDiffer(int vocabulary, int rows, int dim) =>
            typeof(T) == typeof(float) && KernelOptions.UseSimd && dim != 1 && GemmFloat.IsSupported
            && vocabulary <= GemmFloat.DotMaxRows && rows > GemmFloat.DotMaxRows;

        /// <summary>gates[r] = P[ids[r]] for every row r of <paramref name="ids"/> (time-major).</summary>
        public void Gather(ReadOnlySpan<int> ids, Span<T> gates, int g)
        {
            var table = _table.AsSpan();
            for (int r = 0; r < ids.Length; r++) table.Slice(ids[r] * g, g).CopyTo(gates.Slice(r * g, g));
        }

        /// <summary>
        /// Adds the gate gradients dG [ids.Length, gH] of rows to their ids' sums: S[ids[r]] += dG[r], rows in increasing order.
        /// </summary>
        public static void AddToSums(ReadOnlySpan<int> ids, ReadOnlySpan<T> dGates, int g, Span<T> sums)
        {
            for (int r = 0; r < ids.Length; r++)
            {
                var sum = sums.Slice(ids[r] * g, g);
                TensorPrimitives.Add<T>(sum, dGates.Slice(r * g, g), sum);
            }
        }

        /// <summary>
        /// From the per-id sums S [V, gH] of the rows' gate gradients (0 at padding; <see cref="AddToSums"/>):
        /// dW_ih += Sᵀ·E and dE += S·W_ih (one-hot: dW_ih += Sᵀ), added into <paramref name="gradients"/>.
        /// </summary>
        public static void Backward(ReadOnlySpan<T> parameters, Span<T> gradients, TokenBatch tokens, ReadOnlySpan<T> sums, int g, int wihOffset)
        {
            int v = tokens.Vocabulary, dim = tokens.Dim;
            var gWih = gradients.Slice(wihOffset, g * dim);
            if (tokens.IsOneHot)
            {
                for (int id = 0; id < v; id++)
                {
                    var sum = sums.Slice(id * g, g);
                    for (int j = 0; j < g; j++) gWih[j * dim + id] += sum[j];
                }
                return;
            }
            int e = tokens.EmbeddingOffset;
            Gemm.MatMulTransA(sums, parameters.Slice(e, v * dim), gWih, g, dim, v, accumulate: true);                      // dW_ih += Sᵀ·E
            Gemm.MatMul(sums, parameters.Slice(wihOffset, g * dim), gradients.Slice(e, v * dim), v, dim, g, accumulate: true);  // dE += S·W_ih
        }
    }
}
