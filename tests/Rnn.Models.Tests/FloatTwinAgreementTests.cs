using System;
using System.Collections.Generic;
using Rnn.Kernels;

namespace Rnn.Models.Tests
{
    // Medium models with odd sizes, so that the SIMD kernels' main loops and their remainders both run.
    [RnnModel(Input = 37)]
    [Bidirectional]
    [Lstm(45)]
    [Gru(33, Layers = 2)]
    [Dense(19, Activation.Tanh)]
    [Dense(5, Activation.Softmax)]
    public partial class MdBiLstmGru { }

    [RnnModel(Input = 37)]
    [Lstm(45, Layers = 2)]
    [Gru(33)]
    [SimpleRnn(20, Activation = Activation.Relu)]
    [Dense(19, Activation.Tanh)]
    [Dense(5)]
    public partial class MdStack { }

    [RnnModel(Returns = Returns.Last)]
    [Embedding(vocab: 300, dim: 40)]
    [Gru(70)]
    [Dense(3, Activation.Softmax)]
    public partial class MdEmbedLast { }

    /// <summary>
    /// The float model (SIMD kernels, vectorised activations) agrees with its double twin — which the finite-difference
    /// checks pin — on the loss, every parameter gradient and the input gradients, for every gradient-check model, with
    /// the SIMD kernels and with the scalar fallback (<see cref="KernelOptions.UseSimd"/>).
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class FloatTwinAgreementTests : IDisposable
    {
        private readonly bool _simd = KernelOptions.UseSimd;

        public void Dispose() => KernelOptions.UseSimd = _simd;

        private static readonly Dictionary<string, Func<FloatRunner>> s_float = new()
        {
            ["GcRnnTanh"] = () => { var m = new GcRnnTanh(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcRnnRelu"] = () => { var m = new GcRnnRelu(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcLstm"] = () => { var m = new GcLstm(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcGru"] = () => { var m = new GcGru(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcRnnTanh2"] = () => { var m = new GcRnnTanh2(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcRnnRelu3"] = () => { var m = new GcRnnRelu3(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcLstm2"] = () => { var m = new GcLstm2(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcLstm3"] = () => { var m = new GcLstm3(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcGru2"] = () => { var m = new GcGru2(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcGru3"] = () => { var m = new GcGru3(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstmConcat"] = () => { var m = new GcBiLstmConcat(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstmSum"] = () => { var m = new GcBiLstmSum(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstmMul"] = () => { var m = new GcBiLstmMul(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstmAverage"] = () => { var m = new GcBiLstmAverage(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGruConcat"] = () => { var m = new GcBiGruConcat(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGruSum"] = () => { var m = new GcBiGruSum(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGruMul"] = () => { var m = new GcBiGruMul(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGruAverage"] = () => { var m = new GcBiGruAverage(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiRnnConcat"] = () => { var m = new GcBiRnnConcat(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiRnnSum"] = () => { var m = new GcBiRnnSum(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiRnnMul"] = () => { var m = new GcBiRnnMul(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiRnnReluAverage"] = () => { var m = new GcBiRnnReluAverage(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstm2Concat"] = () => { var m = new GcBiLstm2Concat(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGru2Sum"] = () => { var m = new GcBiGru2Sum(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiRnn3Mul"] = () => { var m = new GcBiRnn3Mul(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstm2Average"] = () => { var m = new GcBiLstm2Average(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGru2SumLast"] = () => { var m = new GcBiGru2SumLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiRnnMulLast"] = () => { var m = new GcBiRnnMulLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstmAverageLast"] = () => { var m = new GcBiLstmAverageLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcLstmGru"] = () => { var m = new GcLstmGru(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcGruRnnLstm"] = () => { var m = new GcGruRnnLstm(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiGruBiLstm"] = () => { var m = new GcBiGruBiLstm(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcGruLstmLast"] = () => { var m = new GcGruLstmLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadSigmoid"] = () => { var m = new GcHeadSigmoid(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadTanh"] = () => { var m = new GcHeadTanh(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadRelu"] = () => { var m = new GcHeadRelu(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadLinearLast"] = () => { var m = new GcHeadLinearLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadSigmoidLast"] = () => { var m = new GcHeadSigmoidLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadTanhLast"] = () => { var m = new GcHeadTanhLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadReluLast"] = () => { var m = new GcHeadReluLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHiddenDense"] = () => { var m = new GcHiddenDense(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiHiddenDense"] = () => { var m = new GcBiHiddenDense(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcBiLstmConcatLast"] = () => { var m = new GcBiLstmConcatLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcLstmBiRnnLast"] = () => { var m = new GcLstmBiRnnLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadSoftmax"] = () => { var m = new GcHeadSoftmax(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHeadSoftmaxLast"] = () => { var m = new GcHeadSoftmaxLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcHiddenDenseLast"] = () => { var m = new GcHiddenDenseLast(); return FloatRunner.Features(m, m.Backward, () => m.InputGradients.ToArray()); },
            ["GcEmbedGru2Last"] = () => { var m = new GcEmbedGru2Last(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcEmbedBiRnn"] = () => { var m = new GcEmbedBiRnn(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcOneHotLstmLast"] = () => { var m = new GcOneHotLstmLast(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcOneHotBiRnnRelu"] = () => { var m = new GcOneHotBiRnnRelu(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcOneHotRnnLstm"] = () => { var m = new GcOneHotRnnLstm(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcEmbedLstm"] = () => { var m = new GcEmbedLstm(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcOneHotGru"] = () => { var m = new GcOneHotGru(); return FloatRunner.Tokens(m, m.Backward); },
            ["GcEmbedGruHidden"] = () => { var m = new GcEmbedGruHidden(); return FloatRunner.Tokens(m, m.Backward); },
        };

        public static TheoryData<string, bool> Cases()
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in s_float.Keys)
            {
                data.Add(name, true);
                data.Add(name, false);
            }
            return data;
        }

        [Fact]
        public void Every_gradient_check_model_has_a_float_runner()
        {
            Assert.Equal(new SortedSet<string>(GradientCheckTests.s_cases.Keys), new SortedSet<string>(s_float.Keys));
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Float_Backward_agrees_with_the_double_twin(string name, bool simd)
        {
            KernelOptions.UseSimd = simd;
            var twin = GradientCheckTests.s_cases[name](GradientCheckTests.Setup(name, "mixed"));
            var runner = s_float[name]();
            Assert.Equal(twin.Model.ParameterCount, runner.Model.ParameterCount);

            Agree(name + (simd ? " SIMD" : " scalar"), twin, runner);
        }

        public static TheoryData<string, bool, int> MediumCases()
        {
            var data = new TheoryData<string, bool, int>();
            foreach (var name in new[] { nameof(MdBiLstmGru), nameof(MdStack), nameof(MdEmbedLast) })
                foreach (bool simd in new[] { true, false })
                    foreach (int threads in new[] { 1, 2 })
                        data.Add(name, simd, threads);
            return data;
        }

        [Theory]
        [MemberData(nameof(MediumCases))]
        public void Medium_models_agree_with_their_double_twin(string name, bool simd, int threads)
        {
            int oldThreads = KernelOptions.MaxThreads;
            KernelOptions.UseSimd = simd;
            KernelOptions.MaxThreads = threads;
            try
            {
                // 19 sequences: the recurrence runs in two chunks of sequences (9 and 10).
                const int batch = 19, steps = 11;
                var setup = new BatchSetup(batch, steps, new[] { 11, 1, 4, 11, 9, 2, 11, 7, 11, 3, 10, 11, 5, 6, 11, 8, 1, 11, 4 }, 21);
                (GradProbe Twin, FloatRunner Runner) pair = name switch
                {
                    nameof(MdBiLstmGru) => Pair(new MdBiLstmGru.Float64(3), new MdBiLstmGru(), (t, r) => (
                        GradProbe.Features(t, t.Forward, t.ForwardLogits, t.Backward, () => t.InputGradients.ToArray(), MdBiLstmGru.InputSize, MdBiLstmGru.OutputSize, true, setup),
                        FloatRunner.Features(r, r.Backward, () => r.InputGradients.ToArray()))),
                    nameof(MdStack) => Pair(new MdStack.Float64(3), new MdStack(), (t, r) => (
                        GradProbe.Features(t, t.Forward, t.ForwardLogits, t.Backward, () => t.InputGradients.ToArray(), MdStack.InputSize, MdStack.OutputSize, Activation.Linear, true, setup),
                        FloatRunner.Features(r, r.Backward, () => r.InputGradients.ToArray()))),
                    _ => Pair(new MdEmbedLast.Float64(3), new MdEmbedLast(), (t, r) => (
                        GradProbe.Tokens(t, t.Forward, t.ForwardLogits, t.Backward, MdEmbedLast.Vocabulary, MdEmbedLast.OutputSize, false, setup),
                        FloatRunner.Tokens(r, r.Backward))),
                };
                Agree(name + (simd ? " SIMD" : " scalar") + ", " + threads + " thread(s)", pair.Twin, pair.Runner);
            }
            finally
            {
                KernelOptions.MaxThreads = oldThreads;
            }
        }

        private static (GradProbe, FloatRunner) Pair<TD, TF>(TD twin, TF model, Func<TD, TF, (GradProbe, FloatRunner)> make) => make(twin, model);

        /// <summary>Gives both the twin's weights, inputs and targets rounded to float, runs Backward on both and compares.</summary>
        private static void Agree(string name, GradProbe twin, FloatRunner runner)
        {
            Assert.Equal(twin.Model.ParameterCount, runner.Model.ParameterCount);
            for (int i = 0; i < twin.Model.ParameterCount; i++)
            {
                float w = (float)twin.Model.Parameters[i];
                runner.Model.Parameters[i] = w;
                twin.Model.Parameters[i] = w;
            }
            if (twin.Inputs is { } x) for (int i = 0; i < x.Length; i++) x[i] = (float)x[i];
            if (twin.FloatTargets is { } t) for (int i = 0; i < t.Length; i++) t[i] = (float)t[i];

            twin.Model.ZeroGradients();
            double expectedLoss = twin.Backward();
            var expected = twin.Model.Gradients.ToArray();
            runner.Model.ZeroGradients();
            float loss = runner.Backward(twin);
            var actual = runner.Model.Gradients.ToArray();

            Assert.True(Math.Abs(loss - expectedLoss) <= 2e-6 * Math.Max(1, Math.Abs(expectedLoss)), $"{name}: float loss {loss}, double loss {expectedLoss}");
            AssertClose(name, expected, actual, i => twin.ParameterName(i));
            if (twin.InputGradients is not null)
                AssertClose(name, twin.InputGradients(), runner.InputGradients!(), i => "input[" + i + "]");
        }

        private static void AssertClose(string name, double[] expected, float[] actual, Func<int, string> label)
        {
            Assert.Equal(expected.Length, actual.Length);
            double scale = 0;
            foreach (double g in expected) scale = Math.Max(scale, Math.Abs(g));
            for (int i = 0; i < expected.Length; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]);
                Assert.True(error <= 1e-4 * Math.Abs(expected[i]) + 1e-5 * scale,
                    $"{name}, {label(i)}: float {actual[i]:E6}, double {expected[i]:E6} (largest gradient {scale:E3})");
            }
        }
    }
}
