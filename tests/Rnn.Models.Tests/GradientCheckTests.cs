using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rnn.Models.Tests
{
    /// <summary>
    /// Finite-difference gradient checks in double through each model's <c>Float64</c> twin: every parameter and every
    /// float input, central differences with ε = 1e-6, |a − b| / max(1e-8, |a| + |b|) &lt; 1e-5 or |a − b| &lt; 1e-8.
    /// The loss being differentiated is computed here from ForwardLogits, as the design defines it, so the checks also
    /// pin the loss (means over valid positions) and not only Backward's consistency with itself.
    /// </summary>
    public class GradientCheckTests
    {
        private const double Eps = 1e-6;
        private const double RelativeTolerance = 1e-5;
        private const double AbsoluteTolerance = 1e-8;

        private const int Batch = 3, Steps = 5;

        /// <summary>Models with a ReLU somewhere: a finite difference across a kink is wrong, so a few mismatches are excused.</summary>
        private static readonly HashSet<string> s_withRelu = new()
        {
            "GcRnnRelu", "GcRnnRelu3", "GcBiRnnReluAverage", "GcHeadRelu", "GcHeadReluLast", "GcHiddenDense", "GcBiHiddenDense", "GcOneHotBiRnnRelu",
        };

        private static int Seed(BatchSetup s) => 1000 + s.Seed;

        internal static readonly Dictionary<string, Func<BatchSetup, GradProbe>> s_cases = new()
        {
            ["GcRnnTanh"] = s => { var m = new GcRnnTanh.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcRnnTanh.InputSize, GcRnnTanh.OutputSize, Activation.Linear, GcRnnTanh.ReturnsSequence, s); },
            ["GcRnnRelu"] = s => { var m = new GcRnnRelu.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcRnnRelu.InputSize, GcRnnRelu.OutputSize, Activation.Linear, GcRnnRelu.ReturnsSequence, s); },
            ["GcLstm"] = s => { var m = new GcLstm.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcLstm.InputSize, GcLstm.OutputSize, Activation.Linear, GcLstm.ReturnsSequence, s); },
            ["GcGru"] = s => { var m = new GcGru.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcGru.InputSize, GcGru.OutputSize, Activation.Linear, GcGru.ReturnsSequence, s); },
            ["GcRnnTanh2"] = s => { var m = new GcRnnTanh2.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcRnnTanh2.InputSize, GcRnnTanh2.OutputSize, Activation.Linear, GcRnnTanh2.ReturnsSequence, s); },
            ["GcRnnRelu3"] = s => { var m = new GcRnnRelu3.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcRnnRelu3.InputSize, GcRnnRelu3.OutputSize, Activation.Linear, GcRnnRelu3.ReturnsSequence, s); },
            ["GcLstm2"] = s => { var m = new GcLstm2.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcLstm2.InputSize, GcLstm2.OutputSize, Activation.Linear, GcLstm2.ReturnsSequence, s); },
            ["GcLstm3"] = s => { var m = new GcLstm3.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcLstm3.InputSize, GcLstm3.OutputSize, Activation.Linear, GcLstm3.ReturnsSequence, s); },
            ["GcGru2"] = s => { var m = new GcGru2.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcGru2.InputSize, GcGru2.OutputSize, Activation.Linear, GcGru2.ReturnsSequence, s); },
            ["GcGru3"] = s => { var m = new GcGru3.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcGru3.InputSize, GcGru3.OutputSize, Activation.Linear, GcGru3.ReturnsSequence, s); },
            ["GcBiLstmConcat"] = s => { var m = new GcBiLstmConcat.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstmConcat.InputSize, GcBiLstmConcat.OutputSize, Activation.Linear, GcBiLstmConcat.ReturnsSequence, s); },
            ["GcBiLstmSum"] = s => { var m = new GcBiLstmSum.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstmSum.InputSize, GcBiLstmSum.OutputSize, Activation.Linear, GcBiLstmSum.ReturnsSequence, s); },
            ["GcBiLstmMul"] = s => { var m = new GcBiLstmMul.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstmMul.InputSize, GcBiLstmMul.OutputSize, Activation.Linear, GcBiLstmMul.ReturnsSequence, s); },
            ["GcBiLstmAverage"] = s => { var m = new GcBiLstmAverage.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstmAverage.InputSize, GcBiLstmAverage.OutputSize, Activation.Linear, GcBiLstmAverage.ReturnsSequence, s); },
            ["GcBiGruConcat"] = s => { var m = new GcBiGruConcat.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGruConcat.InputSize, GcBiGruConcat.OutputSize, Activation.Linear, GcBiGruConcat.ReturnsSequence, s); },
            ["GcBiGruSum"] = s => { var m = new GcBiGruSum.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGruSum.InputSize, GcBiGruSum.OutputSize, Activation.Linear, GcBiGruSum.ReturnsSequence, s); },
            ["GcBiGruMul"] = s => { var m = new GcBiGruMul.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGruMul.InputSize, GcBiGruMul.OutputSize, Activation.Linear, GcBiGruMul.ReturnsSequence, s); },
            ["GcBiGruAverage"] = s => { var m = new GcBiGruAverage.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGruAverage.InputSize, GcBiGruAverage.OutputSize, Activation.Linear, GcBiGruAverage.ReturnsSequence, s); },
            ["GcBiRnnConcat"] = s => { var m = new GcBiRnnConcat.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiRnnConcat.InputSize, GcBiRnnConcat.OutputSize, Activation.Linear, GcBiRnnConcat.ReturnsSequence, s); },
            ["GcBiRnnSum"] = s => { var m = new GcBiRnnSum.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiRnnSum.InputSize, GcBiRnnSum.OutputSize, Activation.Linear, GcBiRnnSum.ReturnsSequence, s); },
            ["GcBiRnnMul"] = s => { var m = new GcBiRnnMul.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiRnnMul.InputSize, GcBiRnnMul.OutputSize, Activation.Linear, GcBiRnnMul.ReturnsSequence, s); },
            ["GcBiRnnReluAverage"] = s => { var m = new GcBiRnnReluAverage.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiRnnReluAverage.InputSize, GcBiRnnReluAverage.OutputSize, Activation.Linear, GcBiRnnReluAverage.ReturnsSequence, s); },
            ["GcBiLstm2Concat"] = s => { var m = new GcBiLstm2Concat.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstm2Concat.InputSize, GcBiLstm2Concat.OutputSize, Activation.Linear, GcBiLstm2Concat.ReturnsSequence, s); },
            ["GcBiGru2Sum"] = s => { var m = new GcBiGru2Sum.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGru2Sum.InputSize, GcBiGru2Sum.OutputSize, Activation.Linear, GcBiGru2Sum.ReturnsSequence, s); },
            ["GcBiRnn3Mul"] = s => { var m = new GcBiRnn3Mul.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiRnn3Mul.InputSize, GcBiRnn3Mul.OutputSize, Activation.Linear, GcBiRnn3Mul.ReturnsSequence, s); },
            ["GcBiLstm2Average"] = s => { var m = new GcBiLstm2Average.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstm2Average.InputSize, GcBiLstm2Average.OutputSize, Activation.Linear, GcBiLstm2Average.ReturnsSequence, s); },
            ["GcBiGru2SumLast"] = s => { var m = new GcBiGru2SumLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGru2SumLast.InputSize, GcBiGru2SumLast.OutputSize, Activation.Linear, GcBiGru2SumLast.ReturnsSequence, s); },
            ["GcBiRnnMulLast"] = s => { var m = new GcBiRnnMulLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiRnnMulLast.InputSize, GcBiRnnMulLast.OutputSize, Activation.Sigmoid, GcBiRnnMulLast.ReturnsSequence, s); },
            ["GcBiLstmAverageLast"] = s => { var m = new GcBiLstmAverageLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstmAverageLast.InputSize, GcBiLstmAverageLast.OutputSize, Activation.Tanh, GcBiLstmAverageLast.ReturnsSequence, s); },
            ["GcLstmGru"] = s => { var m = new GcLstmGru.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcLstmGru.InputSize, GcLstmGru.OutputSize, Activation.Linear, GcLstmGru.ReturnsSequence, s); },
            ["GcGruRnnLstm"] = s => { var m = new GcGruRnnLstm.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcGruRnnLstm.InputSize, GcGruRnnLstm.OutputSize, Activation.Linear, GcGruRnnLstm.ReturnsSequence, s); },
            ["GcBiGruBiLstm"] = s => { var m = new GcBiGruBiLstm.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiGruBiLstm.InputSize, GcBiGruBiLstm.OutputSize, Activation.Linear, GcBiGruBiLstm.ReturnsSequence, s); },
            ["GcGruLstmLast"] = s => { var m = new GcGruLstmLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcGruLstmLast.InputSize, GcGruLstmLast.OutputSize, Activation.Linear, GcGruLstmLast.ReturnsSequence, s); },
            ["GcHeadSigmoid"] = s => { var m = new GcHeadSigmoid.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadSigmoid.InputSize, GcHeadSigmoid.OutputSize, Activation.Sigmoid, GcHeadSigmoid.ReturnsSequence, s); },
            ["GcHeadTanh"] = s => { var m = new GcHeadTanh.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadTanh.InputSize, GcHeadTanh.OutputSize, Activation.Tanh, GcHeadTanh.ReturnsSequence, s); },
            ["GcHeadRelu"] = s => { var m = new GcHeadRelu.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadRelu.InputSize, GcHeadRelu.OutputSize, Activation.Relu, GcHeadRelu.ReturnsSequence, s); },
            ["GcHeadLinearLast"] = s => { var m = new GcHeadLinearLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadLinearLast.InputSize, GcHeadLinearLast.OutputSize, Activation.Linear, GcHeadLinearLast.ReturnsSequence, s); },
            ["GcHeadSigmoidLast"] = s => { var m = new GcHeadSigmoidLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadSigmoidLast.InputSize, GcHeadSigmoidLast.OutputSize, Activation.Sigmoid, GcHeadSigmoidLast.ReturnsSequence, s); },
            ["GcHeadTanhLast"] = s => { var m = new GcHeadTanhLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadTanhLast.InputSize, GcHeadTanhLast.OutputSize, Activation.Tanh, GcHeadTanhLast.ReturnsSequence, s); },
            ["GcHeadReluLast"] = s => { var m = new GcHeadReluLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadReluLast.InputSize, GcHeadReluLast.OutputSize, Activation.Relu, GcHeadReluLast.ReturnsSequence, s); },
            ["GcHiddenDense"] = s => { var m = new GcHiddenDense.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHiddenDense.InputSize, GcHiddenDense.OutputSize, Activation.Linear, GcHiddenDense.ReturnsSequence, s); },
            ["GcBiHiddenDense"] = s => { var m = new GcBiHiddenDense.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiHiddenDense.InputSize, GcBiHiddenDense.OutputSize, Activation.Sigmoid, GcBiHiddenDense.ReturnsSequence, s); },
            ["GcBiLstmConcatLast"] = s => { var m = new GcBiLstmConcatLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcBiLstmConcatLast.InputSize, GcBiLstmConcatLast.OutputSize, GcBiLstmConcatLast.ReturnsSequence, s); },
            ["GcLstmBiRnnLast"] = s => { var m = new GcLstmBiRnnLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcLstmBiRnnLast.InputSize, GcLstmBiRnnLast.OutputSize, GcLstmBiRnnLast.ReturnsSequence, s); },
            ["GcHeadSoftmax"] = s => { var m = new GcHeadSoftmax.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadSoftmax.InputSize, GcHeadSoftmax.OutputSize, GcHeadSoftmax.ReturnsSequence, s); },
            ["GcHeadSoftmaxLast"] = s => { var m = new GcHeadSoftmaxLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHeadSoftmaxLast.InputSize, GcHeadSoftmaxLast.OutputSize, GcHeadSoftmaxLast.ReturnsSequence, s); },
            ["GcHiddenDenseLast"] = s => { var m = new GcHiddenDenseLast.Float64(Seed(s)); return GradProbe.Features(m, m.Forward, m.ForwardLogits, m.Backward, () => m.InputGradients.ToArray(), GcHiddenDenseLast.InputSize, GcHiddenDenseLast.OutputSize, GcHiddenDenseLast.ReturnsSequence, s); },
            ["GcEmbedGru2Last"] = s => { var m = new GcEmbedGru2Last.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcEmbedGru2Last.Vocabulary, GcEmbedGru2Last.OutputSize, Activation.Sigmoid, GcEmbedGru2Last.ReturnsSequence, s); },
            ["GcEmbedBiRnn"] = s => { var m = new GcEmbedBiRnn.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcEmbedBiRnn.Vocabulary, GcEmbedBiRnn.OutputSize, Activation.Linear, GcEmbedBiRnn.ReturnsSequence, s); },
            ["GcOneHotLstmLast"] = s => { var m = new GcOneHotLstmLast.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcOneHotLstmLast.Vocabulary, GcOneHotLstmLast.OutputSize, Activation.Tanh, GcOneHotLstmLast.ReturnsSequence, s); },
            ["GcOneHotBiRnnRelu"] = s => { var m = new GcOneHotBiRnnRelu.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcOneHotBiRnnRelu.Vocabulary, GcOneHotBiRnnRelu.OutputSize, Activation.Relu, GcOneHotBiRnnRelu.ReturnsSequence, s); },
            ["GcOneHotRnnLstm"] = s => { var m = new GcOneHotRnnLstm.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcOneHotRnnLstm.Vocabulary, GcOneHotRnnLstm.OutputSize, Activation.Sigmoid, GcOneHotRnnLstm.ReturnsSequence, s); },
            ["GcEmbedLstm"] = s => { var m = new GcEmbedLstm.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcEmbedLstm.Vocabulary, GcEmbedLstm.OutputSize, GcEmbedLstm.ReturnsSequence, s); },
            ["GcOneHotGru"] = s => { var m = new GcOneHotGru.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcOneHotGru.Vocabulary, GcOneHotGru.OutputSize, GcOneHotGru.ReturnsSequence, s); },
            ["GcEmbedGruHidden"] = s => { var m = new GcEmbedGruHidden.Float64(Seed(s)); return GradProbe.Tokens(m, m.Forward, m.ForwardLogits, m.Backward, GcEmbedGruHidden.Vocabulary, GcEmbedGruHidden.OutputSize, GcEmbedGruHidden.ReturnsSequence, s); },
        };

        /// <summary>Lengths modes: none (every sequence full), mixed (a length of 1, a full length and one between), with a length of 0.</summary>
        public static readonly Dictionary<string, int[]?> LengthModes = new()
        {
            ["none"] = null,
            ["mixed"] = new[] { 1, Steps, 3 },
            ["fullExplicit"] = new[] { Steps, Steps, Steps },
            ["zero"] = new[] { 0, 2, Steps },
        };

        public static TheoryData<string, string> Cases()
        {
            var data = new TheoryData<string, string>();
            foreach (var name in s_cases.Keys)
                foreach (var mode in new[] { "none", "mixed" })
                    data.Add(name, mode);
            return data;
        }

        public static TheoryData<string> CaseNames()
        {
            var data = new TheoryData<string>();
            foreach (var name in s_cases.Keys) data.Add(name);
            return data;
        }

        internal static BatchSetup Setup(string name, string mode) =>
            new(Batch, Steps, LengthModes[mode], Seed: (name.Length * 7919 + mode.Length * 31) % 1000);

        [Theory]
        [MemberData(nameof(Cases))]
        public void Every_parameter_and_input_gradient_matches_finite_differences(string name, string lengths)
        {
            var probe = s_cases[name](Setup(name, lengths));
            Check(probe, name, s_withRelu.Contains(name));
        }

        [Theory]
        [InlineData("GcLstm")]
        [InlineData("GcGru")]
        [InlineData("GcRnnTanh")]
        [InlineData("GcBiLstm2Concat")]
        [InlineData("GcBiGruMul")]
        [InlineData("GcHeadSoftmax")]
        [InlineData("GcHeadSigmoidLast")]
        [InlineData("GcBiLstmConcatLast")]
        [InlineData("GcEmbedLstm")]
        [InlineData("GcOneHotGru")]
        [InlineData("GcEmbedGru2Last")]
        public void Gradients_match_with_an_explicit_full_length_and_with_a_length_of_zero(string name)
        {
            foreach (var mode in new[] { "fullExplicit", "zero" })
            {
                var probe = s_cases[name](Setup(name, mode));
                Check(probe, name + " (" + mode + ")", s_withRelu.Contains(name));
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void Backward_accumulates_two_calls_give_twice_the_gradient(string name)
        {
            var probe = s_cases[name](Setup(name, "mixed"));
            var model = probe.Model;
            model.ZeroGradients();
            double first = probe.Backward();
            var once = model.Gradients.ToArray();
            var inputOnce = probe.InputGradients?.Invoke();
            double second = probe.Backward();
            var twice = model.Gradients.ToArray();
            Assert.Equal(first, second);
            Assert.True(once.Any(g => g != 0), "Backward wrote no gradient at all");
            for (int i = 0; i < once.Length; i++)
                Assert.True(Math.Abs(twice[i] - 2 * once[i]) <= 1e-12 * Math.Max(1, Math.Abs(once[i])),
                    $"{probe.ParameterName(i)}: after two Backward calls {twice[i]:R}, after one {once[i]:R}");
            if (inputOnce is not null)
            {
                // InputGradients describe the last Backward only; they do not accumulate.
                Assert.Equal(inputOnce, probe.InputGradients!());
            }

            model.ZeroGradients();
            Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0.0, g));
            probe.Backward();
            Assert.Equal(once, model.Gradients.ToArray());
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void Results_do_not_depend_on_an_earlier_larger_batch(string name)
        {
            // Workspaces grow for a larger batch and are then reused for smaller ones: nothing stale may leak through.
            var small = s_cases[name](Setup(name, "mixed"));
            small.Model.ZeroGradients();
            double loss = small.Backward();
            var gradients = small.Model.Gradients.ToArray();
            var inputGradients = small.InputGradients?.Invoke();
            var logits = small.Logits();

            var large = small.With(new BatchSetup(7, 9, new[] { 9, 1, 4, 9, 2, 6, 3 }, 77));
            large.Backward();
            large.Logits();

            small.Model.ZeroGradients();
            Assert.Equal(loss, small.Backward());
            Assert.Equal(gradients, small.Model.Gradients.ToArray());
            if (inputGradients is not null) Assert.Equal(inputGradients, small.InputGradients!());
            Assert.Equal(logits, small.Logits());
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void Forward_applies_the_head_activation_to_the_logits(string name)
        {
            var probe = s_cases[name](Setup(name, "mixed"));
            var logits = probe.Logits();
            var outputs = probe.Outputs();
            int u = probe.Units;
            for (int row = 0; row < logits.Length / u; row++)
            {
                var z = logits.AsSpan(row * u, u);
                double max = double.NegativeInfinity, sum = 0;
                foreach (double v in z) max = Math.Max(max, v);
                foreach (double v in z) sum += Math.Exp(v - max);
                for (int k = 0; k < u; k++)
                {
                    double expected = !probe.ValidRow(row) ? 0 : probe.Head switch
                    {
                        Activation.Softmax => Math.Exp(z[k] - max) / sum,
                        Activation.Sigmoid => 1 / (1 + Math.Exp(-z[k])),
                        Activation.Tanh => Math.Tanh(z[k]),
                        Activation.Relu => Math.Max(0, z[k]),
                        _ => z[k],
                    };
                    Assert.True(Math.Abs(outputs[row * u + k] - expected) <= 1e-14, $"row {row}, output {k}: Forward {outputs[row * u + k]:R}, {probe.Head}(logit) {expected:R}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void Padding_behaves_as_running_each_sequence_alone(string name) => PaddingAsAlone(name, Setup(name, "mixed"));

        /// <summary>
        /// The same with 17 sequences: the recurrence then runs in two chunks of sequences (8 and 9, in parallel when there
        /// are threads), which must be the same mathematics as one sequence at a time.
        /// </summary>
        /// <remarks>
        /// On 1 and 2 kernel threads (results are bit-identical for any thread count, so changing the process-wide
        /// setting cannot disturb tests running beside this one).
        /// </remarks>
        [Theory]
        [MemberData(nameof(ChunkCases))]
        public void A_batch_run_in_chunks_behaves_as_running_each_sequence_alone(string name, int threads)
        {
            int saved = Rnn.Kernels.KernelOptions.MaxThreads;
            Rnn.Kernels.KernelOptions.MaxThreads = threads;
            try
            {
                PaddingAsAlone(name, new BatchSetup(17, Steps, new[] { 1, Steps, 3, 2, Steps, 4, 1, Steps, 3, Steps, 2, 4, Steps, 1, 3, Steps, 2 },
                    Seed: (name.Length * 7919 + 17) % 1000));
            }
            finally
            {
                Rnn.Kernels.KernelOptions.MaxThreads = saved;
            }
        }

        public static TheoryData<string, int> ChunkCases()
        {
            var data = new TheoryData<string, int>();
            foreach (var name in s_cases.Keys)
                foreach (int threads in new[] { 1, 2 }) data.Add(name, threads);
            return data;
        }

        private static void PaddingAsAlone(string name, BatchSetup setup0)
        {
            // Forward and Backward on a padded batch equal the same on each sequence alone, cut to its length: outputs
            // row by row, and the batch's mean loss and gradients as the means weighted by each sequence's valid count.
            var batch = s_cases[name](setup0);
            var setup = batch.Setup;
            int u = batch.Units, steps = setup.Steps;
            batch.Model.ZeroGradients();
            double loss = batch.Backward();
            var gradients = batch.Model.Gradients.ToArray();
            var inputGradients = batch.InputGradients?.Invoke();
            var outputs = batch.Outputs();

            double total = 0, weightedLoss = 0;
            var weighted = new double[gradients.Length];
            var singles = new List<(double Count, double[]? InputGradients)>();
            for (int b = 0; b < setup.Batch; b++)
            {
                int length = setup.Lengths![b];
                int perStep = batch.Inputs is null ? 0 : batch.Inputs.Length / (setup.Batch * steps);
                int firstRow = batch.Sequence ? b * steps : b, rows = batch.Sequence ? length : 1;
                var alone = batch.With(new BatchSetup(1, length, null, 0)
                {
                    Inputs = batch.Inputs?.AsSpan(b * steps * perStep, length * perStep).ToArray(),
                    TokenIds = batch.TokenIds?.AsSpan(b * steps, length).ToArray(),
                    FloatTargets = batch.FloatTargets?.AsSpan(firstRow * u, rows * u).ToArray(),
                    ClassTargets = batch.ClassTargets?.AsSpan(firstRow, rows).ToArray(),
                });
                var single = alone.Outputs();
                var expected = batch.Sequence ? outputs.AsSpan(b * steps * u, length * u).ToArray() : outputs.AsSpan(b * u, u).ToArray();
                AssertClose(expected, single, $"outputs of sequence {b} (length {length})");

                alone.Model.ZeroGradients();
                double count = rows * (batch.Head == Activation.Softmax ? 1 : u);
                weightedLoss += count * alone.Backward();
                total += count;
                var g = alone.Model.Gradients;
                for (int i = 0; i < weighted.Length; i++) weighted[i] += count * g[i];
                singles.Add((count, alone.InputGradients?.Invoke()));
            }

            Assert.True(Math.Abs(loss - weightedLoss / total) <= 1e-12 * Math.Max(1, loss), $"batch loss {loss:R}, from single sequences {weightedLoss / total:R}");
            AssertClose(Array.ConvertAll(weighted, w => w / total), gradients, "parameter gradients", batch.ParameterName);
            if (inputGradients is not null)
            {
                int perStep = inputGradients.Length / (setup.Batch * steps);
                var expected = new double[inputGradients.Length];   // 0 at padding
                for (int b = 0; b < setup.Batch; b++)
                {
                    var (count, single) = singles[b];
                    for (int i = 0; i < single!.Length; i++) expected[b * steps * perStep + i] = count / total * single[i];
                }
                AssertClose(expected, inputGradients, "input gradients");
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void A_batch_of_empty_sequences_has_no_loss_from_the_recurrent_layers(string name)
        {
            var probe = s_cases[name](new BatchSetup(Batch, Steps, new[] { 0, 0, 0 }, 3));
            probe.Model.ZeroGradients();
            double loss = probe.Backward();
            var gradients = probe.Model.Gradients.ToArray();
            if (probe.Sequence)
            {
                // No valid position: nothing to average.
                Assert.Equal(0.0, loss);
                Assert.All(gradients, g => Assert.Equal(0.0, g));
            }
            else
            {
                // Many-to-one: each sequence still has its target, predicted from the initial state, which no
                // recurrent or embedding weight touches.
                Assert.Equal(probe.LossOf(probe.Logits()), loss, 12);
                for (int i = 0; i < gradients.Length; i++)
                    if (!probe.ParameterName(i).StartsWith("dense", StringComparison.Ordinal))
                        Assert.True(gradients[i] == 0, $"{probe.ParameterName(i)}: gradient {gradients[i]} from sequences of length 0");
            }
            if (probe.InputGradients is not null) Assert.All(probe.InputGradients(), g => Assert.Equal(0.0, g));
            var outputs = probe.Outputs();
            Assert.All(outputs, v => Assert.True(double.IsFinite(v)));
            if (probe.Sequence) Assert.All(outputs, v => Assert.Equal(0.0, v));
            else
            {
                // Many-to-one: every sequence ends in the initial (zero) state, so every row is the same.
                for (int row = 1; row < Batch; row++)
                    Assert.Equal(outputs.AsSpan(0, probe.Units).ToArray(), outputs.AsSpan(row * probe.Units, probe.Units).ToArray());
            }
        }

        private static void AssertClose(double[] expected, double[] actual, string what, Func<int, string>? label = null)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1e-3, Math.Abs(expected[i])),
                    $"{what}, {(label is null ? i.ToString() : label(i))}: expected {expected[i]:R}, got {actual[i]:R}");
        }

        [Fact]
        public void The_check_catches_a_wrong_gradient()
        {
            // The harness must be able to fail: corrupt one analytic gradient and the comparison reports it.
            var probe = s_cases["GcLstm"](Setup("GcLstm", "none"));
            var failures = Compare(probe, corruptIndex: 17, out _);
            Assert.Contains(failures, f => f.Contains(probe.ParameterName(17), StringComparison.Ordinal));
        }

        private static void Check(GradProbe probe, string name, bool relu)
        {
            var failures = Compare(probe, corruptIndex: -1, out int checkedCount);
            // A ReLU kink within ε of a pre-activation spoils that difference; a real bug spoils many.
            int allowed = relu ? Math.Max(1, checkedCount / 50) : 0;
            Assert.True(failures.Count <= allowed,
                $"{name}, {probe.Setup}: {failures.Count} of {checkedCount} gradients differ from finite differences (allowed {allowed}):\n"
                + string.Join("\n", failures.Take(25)));
        }

        /// <summary>Runs Backward once, then compares every parameter gradient (and input gradient) with central differences.</summary>
        private static List<string> Compare(GradProbe probe, int corruptIndex, out int checkedCount)
        {
            var model = probe.Model;
            var setup = probe.Setup;
            var failures = new List<string>();

            model.ZeroGradients();
            double loss = probe.Backward();
            var analytic = model.Gradients.ToArray();
            var inputAnalytic = probe.InputGradients?.Invoke();
            if (corruptIndex >= 0) analytic[corruptIndex] += 1e-3;

            // The loss Backward returns is the loss as defined, computed from the logits Forward writes.
            var logits = probe.Logits();
            double expected = probe.LossOf(logits);
            Assert.True(Math.Abs(loss - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)),
                $"Backward returned loss {loss:R}; the mean loss over valid positions of ForwardLogits' logits is {expected:R} ({setup})");
            Assert.True(double.IsFinite(loss) && loss > 0, $"loss {loss}");
            Assert.True(analytic.Any(g => Math.Abs(g) > 1e-6), "every gradient is (nearly) zero: the check would be meaningless");
            for (int row = 0; row < logits.Length / probe.Units; row++)
            {
                if (probe.ValidRow(row)) continue;
                for (int k = 0; k < probe.Units; k++)
                    Assert.True(logits[row * probe.Units + k] == 0, $"logit at padding row {row} is {logits[row * probe.Units + k]}, not 0");
            }

            checkedCount = 0;
            for (int i = 0; i < analytic.Length; i++)
            {
                double original = model.Parameters[i];
                model.Parameters[i] = original + Eps;
                double plus = probe.LossOf(probe.Logits());
                model.Parameters[i] = original - Eps;
                double minus = probe.LossOf(probe.Logits());
                model.Parameters[i] = original;
                double numeric = (plus - minus) / (2 * Eps);
                checkedCount++;
                if (!Close(analytic[i], numeric))
                    failures.Add($"  {probe.ParameterName(i)}: Backward {analytic[i]:E6}, finite difference {numeric:E6}");
            }

            if (probe.Inputs is { } inputs)
            {
                Assert.NotNull(inputAnalytic);
                Assert.Equal(inputs.Length, inputAnalytic!.Length);
                int perStep = inputs.Length / (setup.Batch * setup.Steps);
                for (int i = 0; i < inputs.Length; i++)
                {
                    double original = inputs[i];
                    inputs[i] = original + Eps;
                    double plus = probe.LossOf(probe.Logits());
                    inputs[i] = original - Eps;
                    double minus = probe.LossOf(probe.Logits());
                    inputs[i] = original;
                    double numeric = (plus - minus) / (2 * Eps);
                    checkedCount++;
                    int b = i / (setup.Steps * perStep), t = i / perStep % setup.Steps, f = i % perStep;
                    if (!Close(inputAnalytic[i], numeric))
                        failures.Add($"  input[{b}, {t}, {f}]{(setup.Valid(b, t) ? "" : " (padding)")}: InputGradients {inputAnalytic[i]:E6}, finite difference {numeric:E6}");
                }
            }
            return failures;
        }

        private static bool Close(double a, double b)
        {
            double diff = Math.Abs(a - b);
            return diff < AbsoluteTolerance || diff / Math.Max(1e-8, Math.Abs(a) + Math.Abs(b)) < RelativeTolerance;
        }
    }
}
