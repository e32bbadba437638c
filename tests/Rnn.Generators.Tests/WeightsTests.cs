using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// [Weights("file")]: the generated LoadEmbeddedWeights() reads the manifest resource RnnGen.Weights.&lt;file&gt;
    /// (no file system), RNN0027 reports what cannot be embedded, and the build properties RnnGen.targets writes
    /// (RnnGenWeightsChecked, RnnGenEmbeddedWeights, RnnGenMissingWeights) reach the generator without breaking caching.
    /// </summary>
    public sealed class WeightsTests
    {
        private const string Amp = """
            using Rnn;

            namespace App
            {
                [RnnModel(Input = 1)]
                [Lstm(4)]
                [Dense(1)]
                [Weights("amp.safetensors")]
                public partial class Amp { }
            }
            """;

        private static string Message(Diagnostic d) => d.GetMessage(CultureInfo.InvariantCulture);

        /// <summary>Build properties as RnnGen.targets writes them into the generated .editorconfig.</summary>
        private static Dictionary<string, string> Embedding(string embedded, string missing = "") => new()
        {
            ["build_property.RnnGenWeightsChecked"] = "true",
            ["build_property.RnnGenEmbeddedWeights"] = embedded,
            ["build_property.RnnGenMissingWeights"] = missing,
        };

        private static GeneratorRun Run(Dictionary<string, string>? properties, params string[] sources)
        {
            var compilation = GeneratorHarness.Compile(GeneratorHarness.ParseAll(sources));
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new RnnModelGenerator().AsSourceGenerator() },
                parseOptions: GeneratorHarness.ParseOptions,
                optionsProvider: properties is null ? null : new Options(properties),
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
            return Rerun(driver, compilation);
        }

        private static GeneratorRun Rerun(GeneratorDriver driver, CSharpCompilation compilation)
        {
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
            var outputDiagnostics = output.GetDiagnostics().Where(d => d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error).ToImmutableArray();
            return new GeneratorRun(compilation, output, driver, driver.GetRunResult().Results.Single(), diagnostics, outputDiagnostics);
        }

        private static Diagnostic Single0027(GeneratorRun run)
        {
            run.AssertGeneratorDidNotFail();
            var d = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("RNN0027", d.Id);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Equal("Model.cs", d.Location.GetLineSpan().Path);
            return d;
        }

        private static string At(Diagnostic d, string source) => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

        // ── what is generated ─────────────────────────────────────────────

        [Fact]
        public void Weights_members_are_generated_in_their_own_file_and_compile()
        {
            var run = Run(Embedding("amp.safetensors"), Amp);
            run.AssertGeneratorDidNotFail();
            Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
            Assert.Equal(new[] { "App.Amp-weights.g.cs", "App.Amp.g.cs" }, run.Sources.Select(s => s.HintName).OrderBy(x => x, StringComparer.Ordinal));
            string weights = run.Source("App.Amp-weights.g.cs");
            Assert.Contains("public const string EmbeddedWeightsResource = \"RnnGen.Weights.amp.safetensors\";", weights);
            Assert.Contains("public static Amp FromEmbeddedWeights()", weights);
            Assert.Contains("public void LoadEmbeddedWeights()", weights);
            Assert.Contains("GetManifestResourceStream(EmbeddedWeightsResource)", weights);
            Assert.DoesNotContain("System.IO.File", weights);   // read from the assembly, never from a path
        }

        [Fact]
        public void Without_the_build_targets_nothing_is_checked_at_compile_time()
        {
            // A test driver without options, or the generator referenced without RnnGen.targets: the resource is looked
            // up when LoadEmbeddedWeights runs.
            var run = Run(null, Amp);
            run.AssertGeneratorDidNotFail();
            Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
            Assert.Contains(run.Sources, s => s.HintName == "App.Amp-weights.g.cs");
        }

        [Fact]
        public void Weights_on_another_partial_part_nested_types_keywords_and_encoder_decoders_compile()
        {
            const string Parts = """
                using Rnn;

                namespace @event.Models
                {
                    public partial class Outer
                    {
                        [RnnModel(Input = 2, Returns = Returns.Last)]
                        [Gru(3)]
                        [Dense(2, Activation.Softmax)]
                        public partial class @class { }

                        [Weights("class.safetensors")]
                        public partial class @class { }
                    }

                    [RnnModel]
                    [Encoder] [Embedding(12, 4)] [Lstm(6)]
                    [Decoder] [Embedding(9, 4)] [Lstm(6)]
                    [Attention(AttentionScore.Dot)]
                    [Dense(9, Activation.Softmax)]
                    [Weights("dates.safetensors")]
                    public partial class Dates { }
                }
                """;
            var run = Run(Embedding("class.safetensors|dates.safetensors"), Parts);
            run.AssertGeneratorDidNotFail();
            Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
            Assert.Contains(run.Sources, s => s.HintName == "event.Models.Outer.class-weights.g.cs");
            Assert.Contains(run.Sources, s => s.HintName == "event.Models.Dates-weights.g.cs");
        }

        // ── RNN0027 ─────────────────────────────────────────────────────────

        [Fact]
        public void RNN0027_file_not_declared_in_the_project()
        {
            var run = Run(Embedding("other.safetensors"), Amp);
            var d = Single0027(run);
            Assert.Equal("Weights(\"amp.safetensors\")", At(d, Amp));
            Assert.Contains("[Weights(\"amp.safetensors\")] on 'Amp' names a file the project does not embed", Message(d));
            Assert.Contains("add <RnnGenWeights Include=\"amp.safetensors\" />", Message(d));
            // The model and its weights members are still generated: the error is the only one the user sees.
            Assert.Equal(2, run.Sources.Length);
            Assert.True(run.OutputDiagnostics.All(o => o.Id == "RNN0027"), GeneratorRun.Describe(run.OutputDiagnostics));
        }

        [Fact]
        public void RNN0027_project_declares_no_weights_at_all()
        {
            var d = Single0027(Run(Embedding(""), Amp));
            Assert.Contains("add <RnnGenWeights Include=\"amp.safetensors\" />", Message(d));
        }

        [Fact]
        public void RNN0027_file_declared_but_missing_on_disk()
        {
            var d = Single0027(Run(Embedding("", "amp.safetensors=%2Fwork%2Fapp%20%231%2Famp.safetensors"), Amp));
            Assert.Contains("names a file that does not exist (/work/app #1/amp.safetensors)", Message(d));
            Assert.Contains("create it", Message(d));
        }

        [Fact]
        public void RNN0027_file_name_differs_in_case()
        {
            var d = Single0027(Run(Embedding("Amp.safetensors"), Amp));
            Assert.Contains("the project embeds 'Amp.safetensors'", Message(d));
            Assert.Contains("write [Weights(\"Amp.safetensors\")]", Message(d));
        }

        [Theory]
        [InlineData("amp.pt", "is not a .safetensors file", "tools/export_reference.py weights amp.pt amp.safetensors")]
        [InlineData("weights/amp.safetensors", "holds a folder", "<RnnGenWeights Include=\"weights/amp.safetensors\" />")]
        [InlineData("", "names no file", "[Weights(\"model.safetensors\")]")]
        public void RNN0027_names_that_cannot_be_embedded(string file, string problem, string advice)
        {
            string source = Amp.Replace("\"amp.safetensors\"", "\"" + file + "\"");
            var run = Run(Embedding("amp.safetensors"), source);
            var d = Single0027(run);
            Assert.Contains(problem, Message(d));
            Assert.Contains(advice, Message(d));
            // The model is generated; its weights members are not (nothing could be loaded).
            Assert.Equal(new[] { "App.Amp.g.cs" }, run.Sources.Select(s => s.HintName));
        }

        [Fact]
        public void A_model_with_errors_generates_no_weights_members_and_no_RNN0027()
        {
            var run = Run(Embedding(""), Amp.Replace("[Lstm(4)]", "[Lstm(0)]"));
            run.AssertGeneratorDidNotFail();
            Assert.Equal(new[] { "RNN0002" }, run.GeneratorDiagnostics.Select(d => d.Id));
            Assert.Empty(run.Sources);
        }

        // ── loading from the assembly ─────────────────────────────────────

        /// <summary>Compiles the model with <paramref name="resources"/> embedded, loads it, and returns a new model's type.</summary>
        private static Type Build(string source, params (string Name, byte[] Bytes)[] resources)
        {
            var run = Run(null, source);
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
            using var image = new MemoryStream();
            var emitted = run.Output.Emit(image, manifestResources: resources
                .Select(r => new ResourceDescription(r.Name, () => new MemoryStream(r.Bytes), isPublic: true)).ToArray());
            Assert.True(emitted.Success, GeneratorRun.Describe(emitted.Diagnostics));
            var context = new AssemblyLoadContext("weights-" + Guid.NewGuid().ToString("N"), isCollectible: true);
            return context.LoadFromStream(new MemoryStream(image.ToArray())).GetType("App.Amp", throwOnError: true)!;
        }

        private static byte[] SavedWeights(int seed, string declaration = "[Lstm(4)]")
        {
            // The same network, built with the test's own generator run, saved through the generated SaveSafetensors.
            var type = Build(Amp.Replace("[Weights(\"amp.safetensors\")]", "").Replace("[Lstm(4)]", declaration));
            var model = (IRnnModel<float>)Activator.CreateInstance(type, seed)!;
            string path = Path.Combine(Path.GetTempPath(), "rnngen-weights-" + Guid.NewGuid().ToString("N") + ".safetensors");
            try
            {
                model.SaveSafetensors(path);
                return File.ReadAllBytes(path);
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static float[] ParametersOf(object model) => ((IRnnModel<float>)model).Parameters.ToArray();

        [Fact]
        public void LoadEmbeddedWeights_reads_the_manifest_resource()
        {
            byte[] bytes = SavedWeights(seed: 7);
            var type = Build(Amp, ("RnnGen.Weights.amp.safetensors", bytes));
            var loaded = type.GetMethod("FromEmbeddedWeights")!.Invoke(null, null)!;
            var expected = Activator.CreateInstance(type, 7)!;
            var fresh = Activator.CreateInstance(type)!;
            Assert.Equal(ParametersOf(expected), ParametersOf(loaded));
            Assert.NotEqual(ParametersOf(fresh), ParametersOf(loaded));
            Assert.Equal("RnnGen.Weights.amp.safetensors", type.GetField("EmbeddedWeightsResource")!.GetValue(null));
        }

        [Fact]
        public void A_missing_resource_is_an_exception_that_names_it_and_says_what_to_declare()
        {
            var type = Build(Amp);
            var model = Activator.CreateInstance(type)!;
            var e = Assert.Throws<TargetInvocationException>(() => type.GetMethod("LoadEmbeddedWeights")!.Invoke(model, null));
            var inner = Assert.IsType<InvalidOperationException>(e.InnerException);
            Assert.Contains("has no manifest resource 'RnnGen.Weights.amp.safetensors'", inner.Message);
            Assert.Contains("<RnnGenWeights Include=\"amp.safetensors\" />", inner.Message);
        }

        [Fact]
        public void Weights_that_do_not_fit_are_an_exception_that_names_the_resource_and_the_tensor_and_change_nothing()
        {
            byte[] wrong = SavedWeights(seed: 3, declaration: "[Lstm(5)]");
            var type = Build(Amp, ("RnnGen.Weights.amp.safetensors", wrong));
            var model = Activator.CreateInstance(type)!;
            var before = ParametersOf(model);
            var e = Assert.Throws<TargetInvocationException>(() => type.GetMethod("LoadEmbeddedWeights")!.Invoke(model, null));
            var inner = Assert.IsType<InvalidDataException>(e.InnerException);
            Assert.Contains("The embedded weights 'RnnGen.Weights.amp.safetensors' do not fit Amp", inner.Message);
            Assert.Contains("recurrent.weight_ih_l0", inner.Message);
            Assert.Equal(before, ParametersOf(model));

            var garbage = Build(Amp, ("RnnGen.Weights.amp.safetensors", new byte[] { 1, 2, 3 }));
            var broken = Activator.CreateInstance(garbage)!;
            var g = Assert.Throws<TargetInvocationException>(() => garbage.GetMethod("LoadEmbeddedWeights")!.Invoke(broken, null));
            Assert.Contains("RnnGen.Weights.amp.safetensors", Assert.IsType<InvalidDataException>(g.InnerException).Message);
        }

        // ── caching ─────────────────────────────────────────────────────────

        [Fact]
        public void Unrelated_edits_reuse_every_step_and_a_project_change_re_emits_without_reparsing()
        {
            var properties = Embedding("amp.safetensors");
            var first = Run(properties, Amp);
            var second = Rerun(first.Driver, first.Input.AddSyntaxTrees(
                GeneratorHarness.Parse("namespace App { internal static class Unrelated { public static int Two() => 2; } }", "Unrelated.cs")));
            Assert.All(second.Result.TrackedSteps[RnnModelGenerator.ParseStep].SelectMany(s => s.Outputs),
                o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
            Assert.All(second.Result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(s => s.Outputs),
                o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

            // The project stops embedding the file: the parse is reused, the output step re-runs and reports RNN0027.
            var third = Rerun(((GeneratorDriver)second.Driver).WithUpdatedAnalyzerConfigOptions(new Options(Embedding(""))), second.Input);
            Assert.All(third.Result.TrackedSteps[RnnModelGenerator.ParseStep].SelectMany(s => s.Outputs),
                o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
            Assert.Contains(third.Result.TrackedSteps[RnnModelGenerator.WeightsStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.Equal("RNN0027", Assert.Single(third.GeneratorDiagnostics).Id);
        }

        /// <summary>Global build properties for the driver, as the SDK's generated .editorconfig provides them.</summary>
        private sealed class Options : AnalyzerConfigOptionsProvider
        {
            private readonly Values _global;

            public Options(Dictionary<string, string> properties) => _global = new Values(properties);

            public override AnalyzerConfigOptions GlobalOptions => _global;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;

            private sealed class Values : AnalyzerConfigOptions
            {
                public static readonly Values Empty = new(new Dictionary<string, string>());

                private readonly Dictionary<string, string> _values;

                public Values(Dictionary<string, string> values) => _values = values;

                public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                    _values.TryGetValue(key, out value);
            }
        }
    }
}
