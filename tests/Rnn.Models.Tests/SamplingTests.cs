using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Kernels;
using Rnn.Layers;
using Rnn.Tests;

namespace Rnn.Models.Tests
{
    [RnnModel]
    [Embedding(12, 6)]
    [Lstm(10)]
    [Dense(12, Activation.Softmax)]
    public partial class SmLstmLm { }

    /// <summary>A hidden dense layer before the head: Sample must read the head's logits, not the hidden layer's.</summary>
    [RnnModel]
    [OneHot(9)]
    [Gru(8, Layers = 2)]
    [Dense(6, Activation.Tanh)]
    [Dense(9, Activation.Softmax)]
    public partial class SmGruHiddenLm { }

    [RnnModel]
    [Embedding(10, 4, Dropout = 0.3f)]
    [SimpleRnn(6, RecurrentDropout = 0.2f)]
    [Lstm(5)]
    [Dense(10, Activation.Softmax)]
    public partial class SmTwoModulesLm { }

    /// <summary>
    /// Generation: Prime feeds a prompt from a reset streaming state; Sample draws the next token from the distribution
    /// after the last token fed (as the sampler's temperature, top-k and top-p say), feeds it and returns it. Deterministic
    /// per sampler seed, greedy at temperature 0, allocation-free, with checked arguments.
    /// </summary>
    public class SamplingTests
    {
        private static readonly Dictionary<string, Func<int, ILanguageModel>> s_models = new()
        {
            ["SmLstmLm"] = s => new SmLstmLm(s),
            ["SmGruHiddenLm"] = s => new SmGruHiddenLm(s),
            ["SmTwoModulesLm"] = s => new SmTwoModulesLm(s),
            ["DynamicLanguageModel"] = s => new DynamicLanguageModel(CellType.Lstm, 11, 4, 7, 2, dropout: 0.2f, seed: s),
        };

        public static TheoryData<string> Names()
        {
            var data = new TheoryData<string>();
            foreach (var name in s_models.Keys) data.Add(name);
            return data;
        }

        /// <summary>Weights scaled up so that the distributions are far from uniform and greedy choices are clear.</summary>
        private static ILanguageModel Model(string name, int seed = 3)
        {
            var model = s_models[name](seed);
            var p = model.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] *= 2.5f;
            return model;
        }

        private static int[] Prompt(ILanguageModel model) => new[] { 1, 5 % model.Vocabulary, 2, 7 % model.Vocabulary };

        private static int[] Generate(ILanguageModel model, Sampler sampler, int count)
        {
            var tokens = new int[count];
            for (int i = 0; i < count; i++) tokens[i] = model.Sample(sampler);
            return tokens;
        }

        private static Sampler Make(ulong seed, float temperature, int topK, float topP) =>
            new(new RandomSource(seed)) { Temperature = temperature, TopK = topK, TopP = topP };

        public static TheoryData<string, float, int, float> Settings()
        {
            var data = new TheoryData<string, float, int, float>();
            foreach (var name in s_models.Keys)
            {
                data.Add(name, 1f, 0, 1f);
                data.Add(name, 0.7f, 4, 1f);
                data.Add(name, 1.3f, 0, 0.8f);
                data.Add(name, 0.9f, 5, 0.9f);
            }
            return data;
        }

        [Theory]
        [MemberData(nameof(Settings))]
        public void Sampling_is_deterministic_for_a_seeded_sampler(string name, float temperature, int topK, float topP)
        {
            var a = Model(name);
            var b = Model(name);
            a.Prime(Prompt(a));
            b.Prime(Prompt(b));
            var first = Generate(a, Make(42, temperature, topK, topP), 60);
            Assert.Equal(first, Generate(b, Make(42, temperature, topK, topP), 60));
            Assert.All(first, t => Assert.InRange(t, 0, a.Vocabulary - 1));

            // Prime starts over: the same prompt and sampler seed give the same tokens on the model already used.
            a.Prime(Prompt(a));
            Assert.Equal(first, Generate(a, Make(42, temperature, topK, topP), 60));

            // Another sampler seed gives another sequence.
            a.Prime(Prompt(a));
            Assert.NotEqual(first, Generate(a, Make(43, temperature, topK, topP), 60));
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Each_token_is_drawn_from_the_distribution_after_the_last_token_fed(string name)
        {
            // Reference: ResetState, Step through the prompt, then inverse-CDF sampling of Step's probabilities with the
            // same uniform draws, feeding each token back through Step.
            var model = Model(name);
            var reference = Model(name);
            var prompt = Prompt(model);
            model.Prime(prompt);
            var tokens = Generate(model, new Sampler(new RandomSource(7)), 50);

            var random = new RandomSource(7);
            var y = new float[reference.Vocabulary];
            reference.ResetState();
            foreach (int t in prompt) reference.Step(t, y);
            for (int i = 0; i < tokens.Length; i++)
            {
                double total = y.Sum(v => (double)v), u = random.NextDouble() * total, cumulative = 0;
                int pick = y.Length - 1;
                for (int k = 0; k < y.Length; k++)
                {
                    cumulative += y[k];
                    if (u < cumulative) { pick = k; break; }
                }
                Assert.True(pick == tokens[i], $"{name}: token {i} is {tokens[i]}, the reference draws {pick} (p = {y[pick]}, p(sampled) = {y[tokens[i]]})");
                reference.Step(pick, y);
            }
            Assert.True(tokens.Distinct().Count() > 2, $"{name}: the samples are nearly constant: the comparison says little");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Greedy_sampling_follows_the_argmax_of_Step_fed_back(string name)
        {
            foreach (var sampler in new[] { Make(1, 0f, 0, 1f), Make(2, 1f, 1, 1f) })
            {
                var model = Model(name);
                var reference = Model(name);
                var prompt = Prompt(model);
                model.Prime(prompt);
                var tokens = Generate(model, sampler, 30);

                var y = new float[reference.Vocabulary];
                reference.ResetState();
                foreach (int t in prompt) reference.Step(t, y);
                for (int i = 0; i < tokens.Length; i++)
                {
                    int best = 0;
                    for (int k = 1; k < y.Length; k++) if (y[k] > y[best]) best = k;
                    Assert.True(best == tokens[i], $"{name}: greedy token {i} is {tokens[i]}, argmax of Step's output is {best}");
                    reference.Step(best, y);
                }
            }
        }

        [Fact]
        public void Greedy_reads_the_head_logits_not_a_hidden_layer()
        {
            // SmGruHiddenLm's hidden dense layer has 6 units, fewer than the vocabulary: logits from it could never name
            // tokens 6, 7, 8. Bias the head towards token 8 and greedy must pick it.
            var model = new SmGruHiddenLm(1);
            var bias = SmGruHiddenLm.Tensors.Single(t => t.Name == "dense_1.bias");
            model.Parameters[bias.Offset + 8] += 50;
            model.Prime(new[] { 0, 1 });
            Assert.Equal(Enumerable.Repeat(8, 5), Generate(model, Make(1, 0f, 0, 1f), 5));
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Prime_is_ResetState_then_Step_through_the_prompt(string name)
        {
            var model = Model(name);
            var reference = Model(name);
            // Leave some streaming state behind first: Prime must clear it.
            var y = new float[model.Vocabulary];
            foreach (int t in new[] { 3, 3, 0 }) model.Step(t, y);
            var prompt = Prompt(model);
            model.Prime(prompt);
            reference.ResetState();
            foreach (int t in prompt) reference.Step(t, y);
            // The next Step of each sees the same state.
            var a = new float[model.Vocabulary];
            model.Step(4, a);
            reference.Step(4, y);
            TrainingAsserts.BitEqual(y, a, name + ": Step after Prime");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Generation_ignores_Training_and_draws_nothing_from_the_dropout_stream(string name)
        {
            var a = Model(name);
            var b = Model(name);
            a.Training = true;
            var state = a.DropoutRandom.GetState();
            a.Prime(Prompt(a));
            b.Prime(Prompt(b));
            Assert.Equal(Generate(b, Make(5, 1f, 0, 1f), 30), Generate(a, Make(5, 1f, 0, 1f), 30));
            Assert.Equal(state, a.DropoutRandom.GetState());
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Sample_before_Prime_throws(string name)
        {
            var model = Model(name);
            Assert.Throws<InvalidOperationException>(() => model.Sample(new Sampler(new RandomSource(1))));
            var y = new float[model.Vocabulary];
            model.Step(1, y);   // streaming alone does not start generation
            Assert.Throws<InvalidOperationException>(() => model.Sample(new Sampler(new RandomSource(1))));
            model.Prime(new[] { 1 });
            Assert.Equal("sampler", Assert.Throws<ArgumentNullException>(() => model.Sample(null!)).ParamName);
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void A_bad_prompt_throws_naming_the_prompt_and_changes_nothing(string name)
        {
            var model = Model(name);
            var twin = Model(name);
            model.Prime(Prompt(model));
            twin.Prime(Prompt(twin));
            var samplerA = Make(9, 1f, 0, 1f);
            var samplerB = Make(9, 1f, 0, 1f);
            Assert.Equal(Generate(twin, samplerB, 5), Generate(model, samplerA, 5));

            int v = model.Vocabulary;
            Assert.Equal("prompt", Assert.Throws<ArgumentOutOfRangeException>(() => model.Prime(new[] { -1 })).ParamName);
            Assert.Equal("prompt", Assert.Throws<ArgumentOutOfRangeException>(() => model.Prime(new[] { v })).ParamName);
            Assert.Equal("prompt", Assert.Throws<ArgumentOutOfRangeException>(() => model.Prime(new[] { 1, 2, v + 5 })).ParamName);
            Assert.Equal("prompt", Assert.Throws<ArgumentException>(() => model.Prime(ReadOnlySpan<int>.Empty)).ParamName);

            // Nothing was fed and nothing reset: generation continues as in the twin that never saw the bad prompts.
            Assert.Equal(Generate(twin, samplerB, 20), Generate(model, samplerA, 20));
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Prime_and_Sample_leave_the_carried_training_state_alone(string name)
        {
            // Prime is documented to clear the *streaming* state; sampling in the middle of a stateful training run (as
            // char-rnn does to show progress) must not wipe the state carried from chunk to chunk.
            var model = Model(name);
            model.Stateful = true;
            var tokens = TestData.Ints(new Random(4), 2 * 5, model.Vocabulary);
            model.Backward(tokens, 2, tokens);
            var state = new float[model.StateBatch * model.StateSize];
            model.GetState(state);
            Assert.Equal(2, model.StateBatch);

            model.Prime(Prompt(model));
            Generate(model, Make(3, 1f, 0, 1f), 10);
            Assert.Equal(2, model.StateBatch);
            var after = new float[model.StateBatch * model.StateSize];
            model.GetState(after);
            TrainingAsserts.BitEqual(state, after, name + ": carried state after Prime and Sample");
        }

        [Fact]
        public void Only_token_models_with_a_softmax_over_every_step_and_no_bidirectional_layer_are_language_models()
        {
            Assert.True(typeof(ILanguageModel).IsAssignableFrom(typeof(SmLstmLm)));
            Assert.True(typeof(ILanguageModel).IsAssignableFrom(typeof(SmGruHiddenLm)));
            Assert.True(typeof(ILanguageModel).IsAssignableFrom(typeof(StEmbedLstm)));
            Assert.True(typeof(ILanguageModel).IsAssignableFrom(typeof(StOneHotGru)));
            Assert.False(typeof(ILanguageModel).IsAssignableFrom(typeof(GcEmbedGru2Last)));   // many-to-one
            Assert.False(typeof(ILanguageModel).IsAssignableFrom(typeof(GcEmbedBiRnn)));      // bidirectional
            Assert.False(typeof(ILanguageModel).IsAssignableFrom(typeof(GcHeadSoftmax)));     // float features
            Assert.True(typeof(ILanguageModel).IsAssignableFrom(typeof(GcEmbedLstm)));
            Assert.False(typeof(ILanguageModel).IsAssignableFrom(typeof(GcOneHotRnnLstm)));   // sigmoid head
            Assert.False(typeof(ILanguageModel).IsAssignableFrom(typeof(SmLstmLm.Float64)));
        }
    }

    /// <summary>Sampling allocates nothing once warmed up (measured on the calling thread, single kernel thread).</summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class SamplingAllocationTests : IDisposable
    {
        private readonly int _threads = KernelOptions.MaxThreads;

        public SamplingAllocationTests() => KernelOptions.MaxThreads = 1;

        public void Dispose() => KernelOptions.MaxThreads = _threads;

        /// <summary>The fewest bytes any of three rounds of <paramref name="calls"/> warmed-up calls allocated.</summary>
        private static long Allocated(Action action, int calls = 200) => SteadyState.FewestBytes(action, calls, warmUpCalls: calls);

        public static TheoryData<float, int, float> Settings() => new()
        {
            { 1f, 0, 1f },
            { 0f, 0, 1f },
            { 0.8f, 5, 1f },
            { 0.8f, 0, 0.9f },
            { 0.8f, 5, 0.9f },
        };

        [Theory]
        [MemberData(nameof(Settings))]
        public void Sample_allocates_nothing_per_token(float temperature, int topK, float topP)
        {
            foreach (ILanguageModel model in new ILanguageModel[] { new SmLstmLm(1), new SmTwoModulesLm(2), new DynamicLanguageModel(CellType.Gru, 30, 8, 16, 2, seed: 3) })
            {
                var sampler = new Sampler(new RandomSource(1)) { Temperature = temperature, TopK = topK, TopP = topP };
                model.Prime(new[] { 1, 2, 3 });
                long bytes = Allocated(() => model.Sample(sampler));
                Assert.True(bytes == 0, $"{model.GetType().Name}: 200 sampled tokens allocated {bytes} bytes");
            }
        }

        [Fact]
        public void Prime_allocates_nothing()
        {
            var model = new SmGruHiddenLm(1);
            var prompt = new[] { 1, 2, 3, 4, 5, 6 };
            Assert.Equal(0, Allocated(() => model.Prime(prompt), calls: 50));
        }
    
        [Fact]
        public void ResetState_ends_a_generation_so_Sample_needs_a_new_Prime()
        {
            ILanguageModel[] models = { new SmLstmLm(3), new DynamicLanguageModel(Rnn.Layers.CellType.Lstm, 9, 4, 8, seed: 3) };
            foreach (var m in models)
            {
                m.Prime(new[] { 1, 2 });
                m.Sample(new Sampler(new RandomSource(1)));
                m.ResetState();
                Assert.Throws<InvalidOperationException>(() => m.Sample(new Sampler(new RandomSource(1))));
            }
        }
    }
}
