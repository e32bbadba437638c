using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rnn.Layers;

namespace Rnn.Models.Tests
{
    // The generated counterparts of DynamicLanguageModel configurations.
    [RnnModel]
    [Embedding(13, 5, Dropout = 0.2f)]
    [Lstm(6, Layers = 2, Dropout = 0.2f)]
    [Dense(13, Activation.Softmax)]
    public partial class DynLstmLm { }

    [RnnModel]
    [Embedding(13, 5, Dropout = 0.2f)]
    [Gru(6, Layers = 2, Dropout = 0.2f)]
    [Dense(13, Activation.Softmax)]
    public partial class DynGruLm { }

    [RnnModel]
    [Embedding(13, 5, Dropout = 0.3f)]
    [SimpleRnn(6, Layers = 3, Dropout = 0.3f)]
    [Dense(13, Activation.Softmax)]
    public partial class DynRnnLm { }

    [RnnModel]
    [OneHot(11)]
    [Lstm(6, Layers = 2, Dropout = 0.25f)]
    [Dense(11, Activation.Softmax)]
    public partial class DynOneHotLstmLm { }

    [RnnModel]
    [OneHot(11)]
    [Gru(7)]
    [Dense(11, Activation.Softmax)]
    public partial class DynOneHotGruLm { }

    [RnnModel]
    [Embedding(13, 5, Dropout = 0.1f)]
    [Lstm(6, Layers = 2, Dropout = 0.1f, RecurrentDropout = 0.3f)]
    [Dense(13, Activation.Softmax)]
    public partial class DynLstmRecLm { }

    [RnnModel]
    [Embedding(13, 5, Dropout = 0.2f)]
    [Gru(8)]
    [Dense(13, Activation.Softmax)]
    public partial class DynGru1Lm { }

    /// <summary>
    /// DynamicLanguageModel is the generated language model with its sizes chosen at run time: with the same sizes and
    /// seed it has the same tensors and initial weights, and trains bit for bit the same (losses, gradients, dropout
    /// stream, carried state), streams and samples the same.
    /// </summary>
    public class DynamicLanguageModelTests
    {
        private const int Batch = 3, Steps = 6;

        private static readonly Dictionary<string, (Func<int, ILanguageModel> Generated, Func<int, DynamicLanguageModel> Dynamic)> s_cases = new()
        {
            ["lstm 2 layers, embedding"] = (s => new DynLstmLm(s), s => new DynamicLanguageModel(CellType.Lstm, 13, 5, 6, 2, dropout: 0.2f, seed: s)),
            ["gru 2 layers, embedding"] = (s => new DynGruLm(s), s => new DynamicLanguageModel(CellType.Gru, 13, 5, 6, 2, dropout: 0.2f, seed: s)),
            ["rnn 3 layers, embedding"] = (s => new DynRnnLm(s), s => new DynamicLanguageModel(CellType.RnnTanh, 13, 5, 6, 3, dropout: 0.3f, seed: s)),
            ["lstm 2 layers, one-hot"] = (s => new DynOneHotLstmLm(s), s => new DynamicLanguageModel(CellType.Lstm, 11, 0, 6, 2, dropout: 0.25f, seed: s)),
            ["gru 1 layer, one-hot"] = (s => new DynOneHotGruLm(s), s => new DynamicLanguageModel(CellType.Gru, 11, 0, 7, 1, seed: s)),
            ["lstm 2 layers, recurrent dropout"] = (s => new DynLstmRecLm(s), s => new DynamicLanguageModel(CellType.Lstm, 13, 5, 6, 2, dropout: 0.1f, recurrentDropout: 0.3f, seed: s)),
            ["gru 1 layer, embedding dropout"] = (s => new DynGru1Lm(s), s => new DynamicLanguageModel(CellType.Gru, 13, 5, 8, 1, dropout: 0.2f, seed: s)),
        };

        public static TheoryData<string> Names()
        {
            var data = new TheoryData<string>();
            foreach (var name in s_cases.Keys) data.Add(name);
            return data;
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Same_tensors_and_same_initial_weights_as_the_generated_model(string name)
        {
            foreach (int seed in new[] { 0, 7, -3 })
            {
                var generated = s_cases[name].Generated(seed);
                var dynamic = s_cases[name].Dynamic(seed);
                Assert.Equal(generated.ParameterCount, dynamic.ParameterCount);
                Assert.Equal(generated.Vocabulary, dynamic.Vocabulary);
                Assert.Equal(generated.StateSize, dynamic.StateSize);
                Assert.Equal(generated.Tensors.Count, dynamic.Tensors.Count);
                for (int i = 0; i < generated.Tensors.Count; i++)
                {
                    Assert.Equal(generated.Tensors[i].Name, dynamic.Tensors[i].Name);
                    Assert.Equal(generated.Tensors[i].Offset, dynamic.Tensors[i].Offset);
                    Assert.Equal(generated.Tensors[i].Shape, dynamic.Tensors[i].Shape);
                }
                TrainingAsserts.BitEqual(generated.Parameters, dynamic.Parameters, $"{name}, seed {seed}: initial parameters");
                Assert.Equal(generated.DropoutRandom.GetState(), dynamic.DropoutRandom.GetState());
                Assert.False(dynamic.Training);
                Assert.False(dynamic.Stateful);
                Assert.Equal(0, dynamic.StateBatch);
            }
            Assert.NotEqual(TrainingAsserts.Bits(s_cases[name].Dynamic(1).Parameters), TrainingAsserts.Bits(s_cases[name].Dynamic(2).Parameters));
        }

        /// <summary>Both models: the same chunk, then asserts that losses, gradients, the dropout stream and the carried state agree bit for bit.</summary>
        private static void SameStep(ILanguageModel a, ILanguageModel b, int[] tokens, int batch, int[] targets, int[]? lengths, string what)
        {
            a.ZeroGradients();
            b.ZeroGradients();
            float lossA = a.Backward(tokens, batch, targets, lengths);
            float lossB = b.Backward(tokens, batch, targets, lengths);
            Assert.True(BitConverter.SingleToInt32Bits(lossA) == BitConverter.SingleToInt32Bits(lossB), $"{what}: loss {lossA:R} (generated) vs {lossB:R} (dynamic)");
            TrainingAsserts.BitEqual(a.Gradients, b.Gradients, what + ": gradients");
            Assert.Contains(a.Gradients.ToArray(), g => g != 0);
            Assert.Equal(a.DropoutRandom.GetState(), b.DropoutRandom.GetState());
            Assert.Equal(a.StateBatch, b.StateBatch);
            var stateA = new float[a.StateBatch * a.StateSize];
            var stateB = new float[b.StateBatch * b.StateSize];
            a.GetState(stateA);
            b.GetState(stateB);
            TrainingAsserts.BitEqual(stateA, stateB, what + ": carried state");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Stateful_training_with_dropout_is_bit_identical(string name)
        {
            var generated = s_cases[name].Generated(11);
            var dynamic = s_cases[name].Dynamic(11);
            int vocabulary = generated.Vocabulary;
            var adamA = new Adam(0.01f);
            var adamB = new Adam(0.01f);
            foreach (var m in new[] { generated, dynamic })
            {
                m.Training = true;
                m.Stateful = true;
            }
            var random = new Random(5);
            for (int step = 0; step < 6; step++)
            {
                // Steps 0–2 and 4–5 at batch 3; step 3 at batch 2 (restarting the state) with lengths.
                int batch = step == 3 ? 2 : Batch;
                int[]? lengths = step == 3 ? new[] { Steps, 3 } : null;
                var tokens = TestData.Ints(random, batch * Steps, vocabulary);
                var targets = TestData.Ints(random, batch * Steps, vocabulary);
                SameStep(generated, dynamic, tokens, batch, targets, lengths, $"{name}, step {step}");
                Gradients.ClipByNorm(generated.Gradients, 1f);
                Gradients.ClipByNorm(dynamic.Gradients, 1f);
                adamA.Step(generated.Parameters, generated.Gradients);
                adamB.Step(dynamic.Parameters, dynamic.Gradients);
                TrainingAsserts.BitEqual(generated.Parameters, dynamic.Parameters, $"{name}, step {step}: parameters after Adam");
            }

            // Evaluate and Forward, in training (masks drawn) and in inference.
            var x = TestData.Ints(random, Batch * Steps, vocabulary);
            var y = TestData.Ints(random, Batch * Steps, vocabulary);
            Assert.Equal(BitConverter.SingleToInt32Bits(generated.Evaluate(x, Batch, y)), BitConverter.SingleToInt32Bits(dynamic.Evaluate(x, Batch, y)));
            foreach (bool training in new[] { true, false })
            {
                generated.Training = training;
                dynamic.Training = training;
                var outA = new float[Batch * Steps * vocabulary];
                var outB = new float[outA.Length];
                generated.Forward(x, Batch, outA);
                dynamic.Forward(x, Batch, outB);
                TrainingAsserts.BitEqual(outA, outB, $"{name}: Forward (training {training})");
                for (int row = 0; row < Batch * Steps; row++)
                    Assert.True(Math.Abs(outA.AsSpan(row * vocabulary, vocabulary).ToArray().Sum() - 1) < 1e-5, "Forward writes probabilities");
            }
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Dropout_makes_a_difference_where_the_model_has_any(string name)
        {
            // Guards the identity test above: with dropout the training Forward differs from the inference Forward.
            var dynamic = s_cases[name].Dynamic(12);
            var tokens = TestData.Ints(new Random(6), Batch * Steps, dynamic.Vocabulary);
            var inference = new float[Batch * Steps * dynamic.Vocabulary];
            var training = new float[inference.Length];
            dynamic.Forward(tokens, Batch, inference);
            dynamic.Training = true;
            dynamic.Forward(tokens, Batch, training);
            bool hasDropout = name != "gru 1 layer, one-hot";
            Assert.Equal(hasDropout, TrainingAsserts.MaxDifference<float>(inference, training) > 1e-4);
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Step_Prime_and_Sample_are_identical(string name)
        {
            var generated = s_cases[name].Generated(13);
            var dynamic = s_cases[name].Dynamic(13);
            int vocabulary = generated.Vocabulary;
            var yA = new float[vocabulary];
            var yB = new float[vocabulary];
            foreach (int token in TestData.Ints(new Random(7), 12, vocabulary))
            {
                generated.Step(token, yA);
                dynamic.Step(token, yB);
                TrainingAsserts.BitEqual(yA, yB, $"{name}: Step({token})");
            }

            int[] prompt = { 1, 2, 3, 4 };
            generated.Prime(prompt);
            dynamic.Prime(prompt);
            var samplerA = new Sampler(new RandomSource(99)) { Temperature = 0.9f, TopK = 6, TopP = 0.95f };
            var samplerB = new Sampler(new RandomSource(99)) { Temperature = 0.9f, TopK = 6, TopP = 0.95f };
            var a = new int[40];
            var b = new int[40];
            for (int i = 0; i < 40; i++)
            {
                a[i] = generated.Sample(samplerA);
                b[i] = dynamic.Sample(samplerB);
            }
            Assert.Equal(a, b);
            Assert.True(a.Distinct().Count() > 1, "the samples are all one token: the comparison says little");
        }

        [Fact]
        public void Weights_saved_by_one_load_into_the_other()
        {
            string directory = Directory.CreateTempSubdirectory("rnn-dynamic-").FullName;
            try
            {
                var dynamic = new DynamicLanguageModel(CellType.Lstm, 13, 5, 6, 2, dropout: 0.2f, seed: 21);
                var generated = new DynLstmLm(4);
                string path = Path.Combine(directory, "dynamic.safetensors");
                dynamic.SaveSafetensors(path);
                generated.LoadSafetensors(path);
                TrainingAsserts.BitEqual(dynamic.Parameters, generated.Parameters, "generated ← dynamic");

                generated.Parameters[0] += 1;
                string back = Path.Combine(directory, "generated.safetensors");
                generated.SaveSafetensors(back);
                dynamic.LoadSafetensors(back);
                TrainingAsserts.BitEqual(generated.Parameters, dynamic.Parameters, "dynamic ← generated");

                // Another size does not fit and changes nothing.
                var other = new DynamicLanguageModel(CellType.Lstm, 13, 5, 7, 2, seed: 1);
                var before = other.Parameters.ToArray();
                Assert.Throws<SafetensorsException>(() => other.LoadSafetensors(back));
                TrainingAsserts.BitEqual(before, other.Parameters, "after a failed load");
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public void A_trainer_run_on_either_model_gives_the_same_weights()
        {
            var text = new int[400];
            for (int i = 0; i < text.Length; i++) text[i] = (i * 7 + i / 13) % 13;
            float[] Train(ILanguageModel model)
            {
                var task = new LanguageModelTask(model, text.AsMemory(0, 320), text.AsMemory(320), batch: 4, steps: 8);
                var trainer = new Trainer(task, new Adam(0.02f), new TrainerOptions { Steps = 12, ClipNorm = 1, ValidateEvery = 4 });
                var result = trainer.Run();
                Assert.Equal(12, result.Steps);
                return model.Parameters.ToArray();
            }
            TrainingAsserts.BitEqual(Train(new DynLstmLm(3)), Train(new DynamicLanguageModel(CellType.Lstm, 13, 5, 6, 2, dropout: 0.2f, seed: 3)), "weights after 12 trainer steps");
        }

        [Fact]
        public void Describes_itself_and_checks_its_arguments()
        {
            var model = new DynamicLanguageModel(CellType.Gru, 20, 0, 9, 3, dropout: 0.1f, seed: 1);
            Assert.Equal(CellType.Gru, model.Cell);
            Assert.Equal(3, model.Layers);
            Assert.Equal(9, model.Hidden);
            Assert.Equal(0, model.Embedding);
            Assert.Equal(20, model.Vocabulary);
            Assert.Equal(3 * 9, model.StateSize);
            Assert.Equal(3 * 9 * (20 + 9 + 2) + 2 * 3 * 9 * (9 + 9 + 2) + 20 * (9 + 1), model.ParameterCount);
            Assert.Equal(2 * 2 * 6, new DynamicLanguageModel(CellType.Lstm, 5, 3, 6, 2).StateSize);

            Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 0, 3, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 5, -1, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 5, 3, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 5, 3, 4, layers: 0));

            var tokens = new[] { 1, 2, 25 };
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(tokens, 1, new float[3 * 20]));
            Assert.Equal("token", Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(20, new float[20])).ParamName);
            Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => model.Forward(new[] { 1, 2 }, 1, new float[39])).ParamName);
            Assert.Equal("targets", Assert.Throws<ArgumentException>(() => model.Backward(new[] { 1, 2 }, 1, new[] { 1 })).ParamName);
            Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.SetState(new float[5], 1)).ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.SetState(Array.Empty<float>(), -1));
        }
    }
}
