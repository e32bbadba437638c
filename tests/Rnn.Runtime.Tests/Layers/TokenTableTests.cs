using System;
using System.Numerics;
using Rnn.Kernels;
using Rnn.Layers;
using Rnn.Tests.Kernels;
using Xunit.Abstractions;

namespace Rnn.Tests.Layers
{
    /// <summary>
    /// A recurrent block reading token ids (<see cref="TokenBatch"/>) against the same block reading the token vectors
    /// (embedding rows or one-hot, then <see cref="TokenInput.EmbedBackward{T}"/> for the embedding's gradient): through
    /// per-token tables the outputs are bit-identical and the gradients equal to rounding; without tables (vocabulary ≥
    /// steps · batch) everything is bit-identical; and the tables are taken exactly when they should be.
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]  // compares kernels' bits: no other test may switch the options meanwhile
    public sealed class TokenTableTests
    {
        private readonly ITestOutputHelper _output;

        public TokenTableTests(ITestOutputHelper output) => _output = output;

        public sealed record Case(string Name, CellType Cell, bool OneHot, int Vocab, int Dim, int Hidden, int Layers, int Directions,
            int Batch, int Steps, bool Padded = false, bool Last = false, Merge Merge = Merge.Concat, float Dropout = 0f, float RecurrentDropout = 0f)
        {
            public int Input => OneHot ? Vocab : Dim;
            public int Embedding => OneHot ? 0 : Vocab * Dim;
            public bool Table => Vocab < Batch * Steps;
            public override string ToString() => Name;
        }

        private static readonly Case[] s_cases =
        {
            new("lstm-embedding", CellType.Lstm, false, 20, 40, 12, 1, 1, 4, 8),                        // V ≤ 24 < N: the table by packed tiles
            new("lstm-embedding-big", CellType.Lstm, false, 65, 128, 64, 1, 1, 16, 12),                  // W2's shape, smaller: parallel GEMMs
            new("gru-embedding-bidirectional-last", CellType.Gru, false, 30, 16, 10, 1, 2, 6, 9, Padded: true, Last: true),
            new("gru-onehot-padded", CellType.Gru, true, 12, 12, 8, 1, 1, 5, 7, Padded: true),
            new("rnn-tanh-onehot-stacked", CellType.RnnTanh, true, 9, 9, 6, 2, 1, 4, 6, Padded: true),
            new("rnn-relu-embedding-bidirectional-sum", CellType.RnnRelu, false, 25, 7, 9, 2, 2, 3, 11, Merge: Merge.Sum),
            new("lstm-onehot-bidirectional-dropout", CellType.Lstm, true, 17, 17, 8, 2, 2, 4, 10, Padded: true, Dropout: 0.3f, RecurrentDropout: 0.2f),
            new("lstm-embedding-few-rows", CellType.Lstm, false, 10, 6, 5, 1, 2, 2, 8),                  // N ≤ 24: both by dot products
            new("gru-embedding-vocabulary-not-smaller", CellType.Gru, false, 40, 8, 6, 1, 2, 2, 8, Padded: true),  // V ≥ N: no table
            new("lstm-onehot-vocabulary-equal", CellType.Lstm, true, 16, 16, 6, 2, 1, 2, 8),             // V = N: no table
        };

        public static TheoryData<Case> Cases()
        {
            var data = new TheoryData<Case>();
            foreach (var c in s_cases) data.Add(c);
            return data;
        }

        private sealed class Result<T>
        {
            public T[] Outputs = Array.Empty<T>(), Final = Array.Empty<T>(), Gradients = Array.Empty<T>();
            public bool Table;
        }

        private sealed class Inputs<T> where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T[] Parameters = Array.Empty<T>(), DOutput = Array.Empty<T>(), DFinal = Array.Empty<T>();
            public int[] Tokens = Array.Empty<int>(), Lengths = Array.Empty<int>();
            public int BlockParameters, OutputSize;

            public static Inputs<T> For(Case c, int seed = 1)
            {
                var random = new Random(seed);
                var probe = NewBlock<T>(c);
                int n = c.Batch * c.Steps;
                var inputs = new Inputs<T> { BlockParameters = probe.ParameterCount, OutputSize = probe.OutputSize };
                inputs.Parameters = Values<T>(random, c.Embedding + probe.ParameterCount, 0.6);
                inputs.Tokens = new int[n];
                for (int i = 0; i < n; i++) inputs.Tokens[i] = random.Next(c.Vocab);
                if (c.Padded)
                {
                    inputs.Lengths = new int[c.Batch];
                    for (int b = 0; b < c.Batch; b++) inputs.Lengths[b] = b == 0 ? c.Steps : 1 + random.Next(c.Steps);
                }
                if (c.Last) inputs.DFinal = Values<T>(random, c.Batch * probe.OutputSize, 1);
                else inputs.DOutput = Values<T>(random, n * probe.OutputSize, 1);
                if (c.Padded && !c.Last)
                {
                    // d loss / d output is 0 at padding, as the heads make it.
                    for (int b = 0; b < c.Batch; b++)
                        for (int t = inputs.Lengths[b]; t < c.Steps; t++)
                            inputs.DOutput.AsSpan((t * c.Batch + b) * probe.OutputSize, probe.OutputSize).Clear();
                }
                return inputs;
            }
        }

        private static RecurrentBlock<T> NewBlock<T>(Case c) where T : unmanaged, IFloatingPointIeee754<T> =>
            new(c.Cell, c.Input, c.Hidden, c.Layers, c.Directions, c.Merge, parameterOffset: c.Embedding, c.Dropout, c.RecurrentDropout);

        private static T[] Values<T>(Random random, int count, double scale) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = new T[count];
            for (int i = 0; i < count; i++) values[i] = T.CreateTruncating((random.NextDouble() * 2 - 1) * scale);
            return values;
        }

        private static TokenBatch Tokens(Case c, int[] tokens) =>
            c.OneHot ? TokenBatch.OneHot(tokens, c.Vocab) : TokenBatch.Embedded(tokens, c.Vocab, c.Dim, 0);

        private static RandomSource? Random(Case c) => c.Dropout > 0f || c.RecurrentDropout > 0f ? new RandomSource(7) : null;

        /// <summary>Forward and Backward on the token ids.</summary>
        private static Result<T> ThroughTokens<T>(Case c, Inputs<T> inputs, RecurrentBlock<T>? block = null) where T : unmanaged, IFloatingPointIeee754<T>
        {
            block ??= NewBlock<T>(c);
            int n = c.Batch * c.Steps;
            var result = new Result<T> { Outputs = new T[n * block.OutputSize], Final = new T[c.Batch * block.OutputSize], Gradients = new T[inputs.Parameters.Length] };
            var tokens = Tokens(c, inputs.Tokens);
            block.Forward(inputs.Parameters, tokens, c.Steps, c.Batch, inputs.Lengths, result.Outputs, random: Random(c));
            result.Table = block.UsedTokenTable;
            block.FinalState(result.Final);
            block.Backward(inputs.Parameters, result.Gradients, tokens, inputs.DOutput, inputs.DFinal);
            return result;
        }

        /// <summary>The path without tables: the token vectors, Forward and Backward on them, then their gradients into the embedding rows.</summary>
        private static Result<T> ThroughVectors<T>(Case c, Inputs<T> inputs) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var block = NewBlock<T>(c);
            int n = c.Batch * c.Steps;
            var result = new Result<T> { Outputs = new T[n * block.OutputSize], Final = new T[c.Batch * block.OutputSize], Gradients = new T[inputs.Parameters.Length] };
            var x = new T[n * c.Input];
            TokenInput.Vectors<T>(inputs.Parameters, Tokens(c, inputs.Tokens), c.Batch, c.Steps, x);
            block.Forward(inputs.Parameters, x, c.Steps, c.Batch, inputs.Lengths, result.Outputs, random: Random(c));
            result.Table = block.UsedTokenTable;
            block.FinalState(result.Final);
            var dx = c.OneHot ? Array.Empty<T>() : new T[n * c.Input];
            block.Backward(inputs.Parameters, result.Gradients, x, inputs.DOutput, inputs.DFinal, dx);
            if (!c.OneHot) TokenInput.EmbedBackward<T>(result.Gradients, 0, c.Dim, inputs.Tokens, c.Batch, c.Steps, dx);
            return result;
        }

        private void AssertAgree<T>(Case c, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var inputs = Inputs<T>.For(c);
            var vectors = ThroughVectors(c, inputs);
            var tokens = ThroughTokens(c, inputs);

            Assert.False(vectors.Table);
            Assert.Equal(c.Table, tokens.Table);
            AssertBits(vectors.Outputs, tokens.Outputs, "outputs");
            AssertBits(vectors.Final, tokens.Final, "final states");
            if (!tokens.Table)
            {
                AssertBits(vectors.Gradients, tokens.Gradients, "gradients");
                return;
            }
            // Per tensor region (embedding, then the block's): |Δ| ≤ tolerance · max |g| of the region.
            double worst = RelativeError(vectors.Gradients.AsSpan(0, c.Embedding), tokens.Gradients.AsSpan(0, c.Embedding));
            worst = Math.Max(worst, RelativeError(vectors.Gradients.AsSpan(c.Embedding), tokens.Gradients.AsSpan(c.Embedding)));
            _output.WriteLine($"{c} ({typeof(T).Name}): largest gradient difference {worst:E2} of the largest gradient");
            Assert.True(worst <= tolerance, $"{c}: the gradients differ by {worst:E2} of their size (tolerance {tolerance:E0})");
            // The gradients must not be trivially equal: every parameter region gets some gradient.
            Assert.Contains(tokens.Gradients.AsSpan(c.Embedding).ToArray(), g => g != T.Zero);
            if (!c.OneHot) Assert.Contains(tokens.Gradients.AsSpan(0, c.Embedding).ToArray(), g => g != T.Zero);
        }

        private static double RelativeError<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual) where T : unmanaged, IFloatingPointIeee754<T>
        {
            double scale = 0, worst = 0;
            for (int i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(double.CreateTruncating(expected[i])));
            for (int i = 0; i < expected.Length; i++)
                worst = Math.Max(worst, Math.Abs(double.CreateTruncating(expected[i]) - double.CreateTruncating(actual[i])));
            return scale == 0 ? worst : worst / scale;
        }

        private static void AssertBits<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                if (!expected[i].Equals(actual[i]) || T.IsNegative(expected[i]) != T.IsNegative(actual[i]))
                    Assert.Fail($"{what}[{i}]: {expected[i]} through the vectors, {actual[i]} through the tokens");
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Float_tokens_give_the_outputs_of_their_vectors_bit_for_bit_and_their_gradients_to_rounding(Case c) =>
            AssertAgree<float>(c, 1e-6);

        [Theory]
        [MemberData(nameof(Cases))]
        public void Double_tokens_give_the_outputs_of_their_vectors_bit_for_bit_and_their_gradients_to_rounding(Case c) =>
            AssertAgree<double>(c, 1e-13);

        [Theory]
        [InlineData("lstm-embedding")]
        [InlineData("gru-onehot-padded")]
        [InlineData("rnn-relu-embedding-bidirectional-sum")]
        public void Without_simd_the_tables_still_give_the_same_outputs(string name)
        {
            using var scope = new KernelOptionsScope(useSimd: false);
            AssertAgree<float>(Array.Find(s_cases, c => c.Name == name)!, 1e-6);
        }

        [Theory]
        [InlineData("lstm-embedding-big")]
        [InlineData("gru-embedding-bidirectional-last")]
        public void Results_through_the_tables_do_not_depend_on_the_thread_count(string name)
        {
            var c = Array.Find(s_cases, x => x.Name == name)!;
            var inputs = Inputs<float>.For(c);
            Result<float> one, two;
            using (new KernelOptionsScope(maxThreads: 1)) one = ThroughTokens(c, inputs);
            using (new KernelOptionsScope(maxThreads: 2)) two = ThroughTokens(c, inputs);
            Assert.True(one.Table);
            AssertBits(one.Outputs, two.Outputs, "outputs");
            AssertBits(one.Gradients, two.Gradients, "gradients");
        }

        [Fact]
        public void The_table_is_used_exactly_while_the_vocabulary_is_smaller_than_the_rows()
        {
            var c = s_cases[0] with { Batch = 1, Steps = 20 };  // V = 20 = N
            var block = NewBlock<float>(c);
            var inputs = Inputs<float>.For(c);
            Assert.False(ThroughTokens(c, inputs, block).Table);
            var longer = Inputs<float>.For(c with { Steps = 21 });
            Assert.True(ThroughTokens(c with { Steps = 21 }, longer, block).Table);
            // A Forward on vectors clears it.
            block.Forward(longer.Parameters, new float[21 * c.Dim], 21, 1, default, new float[21 * c.Hidden]);
            Assert.False(block.UsedTokenTable);
        }

        [Fact]
        public void A_token_outside_the_vocabulary_is_refused_before_anything_runs()
        {
            var c = s_cases[0];
            var inputs = Inputs<float>.For(c);
            inputs.Tokens[5] = c.Vocab;
            var block = NewBlock<float>(c);
            var output = new float[c.Batch * c.Steps * c.Hidden];
            var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
                block.Forward(inputs.Parameters, TokenBatch.Embedded(inputs.Tokens, c.Vocab, c.Dim, 0), c.Steps, c.Batch, default, output));
            Assert.Equal("tokens", error.ParamName);
        }

        [Fact]
        public void Backward_on_tokens_needs_a_Forward_on_tokens()
        {
            var c = s_cases[0];
            var inputs = Inputs<float>.For(c);
            var block = NewBlock<float>(c);
            int n = c.Batch * c.Steps;
            block.Forward(inputs.Parameters, new float[n * c.Dim], c.Steps, c.Batch, default, new float[n * c.Hidden]);
            Assert.Throws<InvalidOperationException>(() =>
                block.Backward(inputs.Parameters, new float[inputs.Parameters.Length], TokenBatch.Embedded(inputs.Tokens, c.Vocab, c.Dim, 0), inputs.DOutput, default));
        }

        [Theory]
        [InlineData("lstm-embedding")]
        [InlineData("lstm-onehot-bidirectional-dropout")]
        [InlineData("gru-embedding-vocabulary-not-smaller")]
        public void Forward_and_Backward_on_tokens_allocate_nothing_once_warm(string name)
        {
            var c = Array.Find(s_cases, x => x.Name == name)!;
            var inputs = Inputs<float>.For(c);
            var block = NewBlock<float>(c);
            var output = new float[c.Batch * c.Steps * block.OutputSize];
            var gradients = new float[inputs.Parameters.Length];
            var random = new RandomSource(3);
            using var scope = new KernelOptionsScope(maxThreads: 1);
            SteadyState.AssertAllocatesNothing(() =>
            {
                var tokens = Tokens(c, inputs.Tokens);
                block.Forward(inputs.Parameters, tokens, c.Steps, c.Batch, inputs.Lengths, output, random: c.Dropout > 0f ? random : null);
                block.Backward(inputs.Parameters, gradients, tokens, inputs.DOutput, inputs.DFinal);
            }, 20, name);
        }
    }
}
