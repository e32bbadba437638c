using System.Linq;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// User code written against the members DESIGN.md promises ("the contract other tools and tests rely on") compiles
    /// against the generated code, without errors or warnings. A renamed or reshaped member fails here first.
    /// </summary>
    public sealed class ContractTests
    {
        private const string FloatModelUser = """
            using System;
            using Rnn;

            namespace App
            {
                public static class UsesAmp
                {
                    public static float Train()
                    {
                        var model = new AmpModel();
                        var seeded = new AmpModel(seed: 7);
                        int count = model.ParameterCount + seeded.ParameterCount;
                        Span<float> parameters = model.Parameters;
                        Span<float> gradients = model.Gradients;
                        const int batch = 2, steps = 3;
                        ReadOnlySpan<float> inputs = new float[batch * steps * AmpModel.InputSize];
                        Span<float> outputs = new float[batch * steps * AmpModel.OutputSize];
                        ReadOnlySpan<int> lengths = new[] { 3, 2 };
                        model.Forward(inputs, batch, outputs);
                        model.Forward(inputs, batch, outputs, lengths);
                        model.ZeroGradients();
                        float loss = model.Backward(inputs, batch, outputs, lengths) + model.Backward(inputs, batch, outputs);
                        var sgd = new Sgd(0.1f, momentum: 0.9f);
                        sgd.Step(model.Parameters, model.Gradients);
                        var adam = new Adam(1e-3f);
                        adam.Step(parameters, gradients);
                        float norm = Gradients.ClipByNorm(model.Gradients, 1f);
                        Span<float> y = stackalloc float[AmpModel.OutputSize];
                        model.ResetState();
                        model.Step(stackalloc float[AmpModel.InputSize], y);
                        model.SaveSafetensors("amp.safetensors");
                        model.LoadSafetensors("amp.safetensors");
                        ReferenceReport report = model.CheckReference("case.safetensors");
                        IRnnModel<float> general = model;
                        IRnnModel<double> twin = new AmpModel.Float64(seed: 7);
                        return loss + norm + count + y[0] + (report.Passed ? 0 : 1) + (float)report.MaxAbsError + report.ToString().Length
                            + general.Tensors.Count + twin.ParameterCount + (AmpModel.ReturnsSequence ? 1 : 0) + AmpModel.Tensors.Count;
                    }
                }
            }
            """;

        private const string TokenModelUser = """
            using System;
            using Rnn;

            namespace App
            {
                public static class UsesSentiment
                {
                    public static float Train()
                    {
                        var model = new Sentiment(seed: 1);
                        const int batch = 2, steps = 5;
                        ReadOnlySpan<int> tokens = new int[batch * steps];
                        Span<float> probabilities = new float[batch * Sentiment.OutputSize];   // Returns.Last: [batch, out]
                        ReadOnlySpan<int> lengths = new[] { 5, 3 };
                        model.Forward(tokens, batch, probabilities, lengths);
                        ReadOnlySpan<int> classes = new[] { 0, 1 };                             // softmax head: class ids [batch]
                        model.ZeroGradients();
                        float loss = model.Backward(tokens, batch, classes, lengths);
                        new AdamW(1e-3f).Step(model.Parameters, model.Gradients);
                        return loss + Sentiment.Vocabulary;
                    }

                    public static float Stream()
                    {
                        var model = new CharLm();
                        Span<float> next = stackalloc float[CharLm.OutputSize];
                        model.ResetState();
                        model.Step(token: 3, next);
                        ReadOnlySpan<int> tokens = new int[2 * 4];
                        ReadOnlySpan<int> targets = new int[2 * 4];                             // Returns.Sequence: [batch, steps]
                        return next[0] + model.Backward(tokens, 2, targets);
                    }
                }
            }
            """;

        [Fact]
        public void Design_document_api_compiles_for_float_inputs()
        {
            var run = GeneratorHarness.Run(ModelCatalog.Valid["Amp"].Append(FloatModelUser).ToArray());
            run.AssertGeneratorDidNotFail();
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
        }

        [Fact]
        public void Design_document_api_compiles_for_token_inputs()
        {
            var run = GeneratorHarness.Run(ModelCatalog.Valid["Sentiment"].Concat(ModelCatalog.Valid["CharLm"]).Append(TokenModelUser).ToArray());
            run.AssertGeneratorDidNotFail();
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
        }

        [Fact]
        public void Float_targets_are_rejected_for_a_softmax_head()
        {
            // Targets are class ids for softmax heads: passing floats must not compile (the contract's shape is checked).
            const string misuse = """
                using System;
                namespace App
                {
                    public static class Misuse
                    {
                        public static float Train(Sentiment model) => model.Backward(new int[4], 2, new float[4]);
                    }
                }
                """;
            var run = GeneratorHarness.Run(ModelCatalog.Valid["Sentiment"].Append(misuse).ToArray());
            Assert.Contains(run.OutputDiagnostics, d => d.Location.SourceTree?.FilePath == "Model1.cs" && d.Id == "CS1503");
        }
    }
}
