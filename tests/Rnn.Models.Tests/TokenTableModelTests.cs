using System;
using System.Collections.Generic;
using System.Reflection;
using Rnn.Layers;

namespace Rnn.Models.Tests
{
    [RnnModel]
    [Embedding(vocab: 20, dim: 24)]
    [Lstm(16)]
    [Dense(20, Activation.Softmax)]
    public partial class TtEmbeddingLstm { }

    /// <summary><see cref="TtEmbeddingLstm"/> without its embedding: it reads the embedded vectors.</summary>
    [RnnModel(Input = 24)]
    [Lstm(16)]
    [Dense(20, Activation.Softmax)]
    public partial class TtVectorsLstm { }

    [RnnModel(Returns = Returns.Last)]
    [OneHot(12)]
    [Bidirectional]
    [Gru(8, Layers = 2)]
    [Dense(3, Activation.Softmax)]
    public partial class TtOneHotBiGru { }

    /// <summary><see cref="TtOneHotBiGru"/> reading the one-hot vectors.</summary>
    [RnnModel(Input = 12, Returns = Returns.Last)]
    [Bidirectional]
    [Gru(8, Layers = 2)]
    [Dense(3, Activation.Softmax)]
    public partial class TtVectorsBiGru { }

    [RnnModel]
    [Embedding(vocab: 20, dim: 24, Dropout = 0.2f)]
    [Lstm(16)]
    [Dense(20, Activation.Softmax)]
    public partial class TtDropoutLstm { }

    /// <summary>
    /// Generated token models read their tokens through per-token tables (the first recurrent module's input projection
    /// P = E·W_ihᵀ + b per token id, rows gathered) exactly when the vocabulary is smaller than steps · batch and no
    /// embedding dropout changes the vectors; and they compute what the same model reading the token vectors computes:
    /// logits bit for bit, gradients to rounding.
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]  // compares bits: no test may switch the kernel options meanwhile
    public sealed class TokenTableModelTests
    {
        private static bool UsedTable(object model, string field = "_recurrentBlock") =>
            ((RecurrentBlock<float>)model.GetType().GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!).UsedTokenTable;

        /// <summary>Copies every tensor of <paramref name="from"/> that <paramref name="to"/> has (by name) into it.</summary>
        private static void CopyShared(IRnnModel<float> from, IRnnModel<float> to)
        {
            var p = to.Parameters;
            foreach (var target in to.Tensors)
                Find(from, target.Name).CopyTo(p.Slice(target.Offset, target.Length));
        }

        private static ReadOnlySpan<float> Find(IRnnModel<float> model, string name, bool gradients = false)
        {
            foreach (var t in model.Tensors)
                if (t.Name == name) return (gradients ? model.Gradients : model.Parameters).Slice(t.Offset, t.Length);
            throw new KeyNotFoundException(name);
        }

        private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
        {
            float scale = 0, worst = 0;
            for (int i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
            for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
            Assert.True(scale > 0, $"{what}: no gradient at all");
            Assert.True(worst <= 1e-6f * scale, $"{what}: differs by {worst / scale:E2} of its largest value");
        }

        private static void AssertBits(float[] expected, float[] actual, string what)
        {
            for (int i = 0; i < expected.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{what}[{i}]: {expected[i]} through the vectors, {actual[i]} through the tokens");
        }

        [Theory]
        [InlineData(6, 9, true, true)]     // N = 54 > V = 20: tables
        [InlineData(6, 9, false, true)]
        [InlineData(1, 12, true, false)]   // N = 12 < V: the token vectors
        public void An_embedding_model_computes_what_it_computes_on_the_embedded_vectors(int batch, int steps, bool padded, bool table)
        {
            var tokensModel = new TtEmbeddingLstm(3);
            var vectorsModel = new TtVectorsLstm();
            CopyShared(tokensModel, vectorsModel);
            var random = new Random(5);
            var tokens = TestData.Ints(random, batch * steps, 20);
            var targets = TestData.Ints(random, batch * steps, 20);
            int[]? lengths = padded ? new int[batch] : null;
            if (lengths is not null) for (int b = 0; b < batch; b++) lengths[b] = b == 0 ? steps : 1 + random.Next(steps);
            var embedding = Find(tokensModel, "embedding.weight").ToArray();
            var vectors = new float[batch * steps * 24];
            for (int i = 0; i < tokens.Length; i++) embedding.AsSpan(tokens[i] * 24, 24).CopyTo(vectors.AsSpan(i * 24, 24));

            var viaTokens = new float[batch * steps * 20];
            var viaVectors = new float[batch * steps * 20];
            tokensModel.ForwardLogits(tokens, batch, viaTokens, lengths);
            Assert.Equal(table, UsedTable(tokensModel));
            vectorsModel.ForwardLogits(vectors, batch, viaVectors, lengths);
            AssertBits(viaVectors, viaTokens, "logits");

            float lossTokens = tokensModel.Backward(tokens, batch, targets, lengths);
            float lossVectors = vectorsModel.Backward(vectors, batch, targets, lengths);
            Assert.Equal(table, UsedTable(tokensModel));
            Assert.Equal(lossVectors, lossTokens);
            foreach (var t in ((IRnnModel<float>)vectorsModel).Tensors)
                AssertClose(Find(vectorsModel, t.Name, gradients: true), Find(tokensModel, t.Name, gradients: true), t.Name);
            // The embedding's gradient: the input gradients added into the rows of their tokens.
            var dEmbedding = new float[20 * 24];
            var dx = vectorsModel.InputGradients;
            for (int i = 0; i < tokens.Length; i++)
                for (int k = 0; k < 24; k++) dEmbedding[tokens[i] * 24 + k] += dx[i * 24 + k];
            AssertClose(dEmbedding, Find(tokensModel, "embedding.weight", gradients: true), "embedding.weight");
        }

        [Fact]
        public void A_one_hot_bidirectional_stack_computes_what_it_computes_on_the_one_hot_vectors()
        {
            const int batch = 5, steps = 7, vocab = 12;
            var tokensModel = new TtOneHotBiGru(4);
            var vectorsModel = new TtVectorsBiGru();
            CopyShared(tokensModel, vectorsModel);
            var random = new Random(6);
            var tokens = TestData.Ints(random, batch * steps, vocab);
            var targets = TestData.Ints(random, batch, 3);
            int[] lengths = { 7, 3, 5, 1, 6 };
            var vectors = new float[batch * steps * vocab];
            for (int i = 0; i < tokens.Length; i++) vectors[i * vocab + tokens[i]] = 1;

            var viaTokens = new float[batch * 3];
            var viaVectors = new float[batch * 3];
            tokensModel.ForwardLogits(tokens, batch, viaTokens, lengths);
            Assert.True(UsedTable(tokensModel));
            vectorsModel.ForwardLogits(vectors, batch, viaVectors, lengths);
            AssertBits(viaVectors, viaTokens, "logits");

            Assert.Equal(vectorsModel.Backward(vectors, batch, targets, lengths), tokensModel.Backward(tokens, batch, targets, lengths));
            foreach (var t in ((IRnnModel<float>)vectorsModel).Tensors)
                AssertClose(Find(vectorsModel, t.Name, gradients: true), Find(tokensModel, t.Name, gradients: true), t.Name);
        }

        [Fact]
        public void Embedding_dropout_reads_the_vectors_while_training_and_the_table_otherwise()
        {
            var model = new TtDropoutLstm(1);
            var random = new Random(2);
            var tokens = TestData.Ints(random, 4 * 10, 20);
            var targets = TestData.Ints(random, 4 * 10, 20);
            model.Training = true;
            model.Backward(tokens, 4, targets);
            Assert.False(UsedTable(model));
            model.Training = false;
            model.Backward(tokens, 4, targets);
            Assert.True(UsedTable(model));
        }

        [Fact]
        public void The_dynamic_language_model_reads_its_tokens_through_the_table()
        {
            var model = new DynamicLanguageModel(Layers.CellType.Lstm, vocabulary: 20, embedding: 8, hidden: 16, dropout: 0.1f, seed: 1);
            var random = new Random(3);
            var tokens = TestData.Ints(random, 4 * 10, 20);
            var targets = TestData.Ints(random, 4 * 10, 20);
            model.Backward(tokens, 4, targets);
            Assert.True(UsedTable(model, "_block"));
            model.Training = true;  // embedding dropout on: the embedded vectors
            model.Backward(tokens, 4, targets);
            Assert.False(UsedTable(model, "_block"));
            var oneHot = new DynamicLanguageModel(Layers.CellType.Gru, vocabulary: 20, embedding: 0, hidden: 16, seed: 1);
            oneHot.Backward(tokens, 4, targets);
            Assert.True(UsedTable(oneHot, "_block"));
        }
    }
}
