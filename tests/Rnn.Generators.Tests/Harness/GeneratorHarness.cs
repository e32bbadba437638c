using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Rnn.Generators.Tests.Harness
{
    /// <summary>
    /// Compiles user source the way a user's project does (framework assemblies, Rnn.Attributes, Rnn.Runtime;
    /// nullable enabled, warnings as errors, XML documentation checked), runs <see cref="RnnModelGenerator"/> over it
    /// with step tracking, and returns everything a test looks at.
    /// </summary>
    internal static class GeneratorHarness
    {
        /// <summary>The language version a net10.0 project gets by default is newer than Roslyn 4.14 calls "latest"; use the newest it knows.</summary>
        public static readonly CSharpParseOptions ParseOptions =
            new(LanguageVersion.Latest, DocumentationMode.Diagnose);

        /// <summary>
        /// As a user project with &lt;Nullable&gt;enable&lt;/Nullable&gt;, &lt;TreatWarningsAsErrors&gt;true&lt;/TreatWarningsAsErrors&gt;,
        /// &lt;GenerateDocumentationFile&gt;true&lt;/GenerateDocumentationFile&gt; and every warning wave. Suppressed: the SDK's
        /// default NoWarn (CS1701, CS1702) and CS1591 (missing XML comment), which the test sources would otherwise
        /// need on every public type; the XML that the generated code does write is still checked (CS1570, CS1574, …).
        /// </summary>
        public static readonly CSharpCompilationOptions CompilationOptions =
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
                .WithWarningLevel(9999)
                .WithDeterministic(true)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                    ["CS1591"] = ReportDiagnostic.Suppress,
                });

        /// <summary>
        /// The shared framework's assemblies (those trusted platform assemblies that live beside System.Private.CoreLib),
        /// plus the two RnnGen assemblies a user references and the runtime's package dependency. The test's own
        /// dependencies (xunit, Roslyn, the generator) are left out, as they are not in a user's compilation.
        /// </summary>
        public static readonly ImmutableArray<MetadataReference> References = LoadReferences();

        private static ImmutableArray<MetadataReference> LoadReferences()
        {
            string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
                ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set.");
            string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var paths = tpa.Split(Path.PathSeparator)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
                .ToList();
            foreach (string name in new[] { "Rnn.Attributes.dll", "Rnn.Runtime.dll", "System.Numerics.Tensors.dll" })
            {
                string path = Path.Combine(AppContext.BaseDirectory, name);
                if (File.Exists(path)) paths.Add(path);
                else if (name.StartsWith("Rnn.", StringComparison.Ordinal)) throw new FileNotFoundException("Expected beside the tests.", path);
            }
            return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        }

        public static SyntaxTree Parse(string source, string path = "Model.cs") =>
            CSharpSyntaxTree.ParseText(source, ParseOptions, path);

        /// <summary>Paths Model.cs (one source) or Model0.cs, Model1.cs, … (several).</summary>
        public static SyntaxTree[] ParseAll(params string[] sources) =>
            sources.Select((s, i) => Parse(s, "Model" + (sources.Length == 1 ? "" : i.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ".cs")).ToArray();

        public static CSharpCompilation Compile(params SyntaxTree[] trees) =>
            CSharpCompilation.Create("UserProject", trees, References, CompilationOptions);

        /// <summary>Runs the generator over <paramref name="sources"/> (named Model0.cs, Model1.cs, …).</summary>
        public static GeneratorRun Run(params string[] sources) => Run(Compile(ParseAll(sources)));

        public static GeneratorRun Run(CSharpCompilation compilation, CSharpParseOptions? parseOptions = null)
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new RnnModelGenerator().AsSourceGenerator() },
                parseOptions: parseOptions ?? ParseOptions,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
            return RunDriver(driver, compilation);
        }

        /// <summary>Runs an existing driver (with its cached state) on a changed compilation.</summary>
        public static GeneratorRun Rerun(GeneratorRun previous, CSharpCompilation compilation) => RunDriver(previous.Driver, compilation);

        private static GeneratorRun RunDriver(GeneratorDriver driver, CSharpCompilation compilation)
        {
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
            var result = driver.GetRunResult();
            var generatorResult = result.Results.Single();
            var outputDiagnostics = output.GetDiagnostics()
                .Where(d => d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error)
                .ToImmutableArray();
            return new GeneratorRun(compilation, output, driver, generatorResult, driverDiagnostics, outputDiagnostics);
        }
    }

    /// <summary>One generator run: its diagnostics, its sources and the diagnostics of the compilation with them added.</summary>
    internal sealed class GeneratorRun
    {
        public GeneratorRun(CSharpCompilation input, Compilation output, GeneratorDriver driver, GeneratorRunResult result,
            ImmutableArray<Diagnostic> generatorDiagnostics, ImmutableArray<Diagnostic> outputDiagnostics)
        {
            Input = input;
            Output = output;
            Driver = driver;
            Result = result;
            GeneratorDiagnostics = generatorDiagnostics;
            OutputDiagnostics = outputDiagnostics;
        }

        public CSharpCompilation Input { get; }

        public Compilation Output { get; }

        public GeneratorDriver Driver { get; }

        public GeneratorRunResult Result { get; }

        /// <summary>What the driver reports: the generator's own diagnostics, and CS8784/CS8785 if it threw.</summary>
        public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

        /// <summary>Errors and warnings (warnings are promoted to errors, as in the user's project) of user code plus generated code.</summary>
        public ImmutableArray<Diagnostic> OutputDiagnostics { get; }

        public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

        /// <summary>The output compilation's errors and warnings that lie inside generated files.</summary>
        public ImmutableArray<Diagnostic> GeneratedCodeDiagnostics
        {
            get
            {
                var generatedTrees = new HashSet<SyntaxTree>(Sources.Select(s => s.SyntaxTree));
                return OutputDiagnostics.Where(d => d.Location.SourceTree is { } t && generatedTrees.Contains(t)).ToImmutableArray();
            }
        }

        public string Source(string hintName) =>
            Sources.Single(s => s.HintName == hintName).SourceText.ToString();

        /// <summary>Fails if the generator threw (CS8784/CS8785, or an exception on the run result) or reported an internal error.</summary>
        public void AssertGeneratorDidNotFail()
        {
            Assert.True(Result.Exception is null, "The generator threw: " + Result.Exception);
            var failures = GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" or "RNN0015").ToList();
            Assert.True(failures.Count == 0, "The generator failed:\n" + Describe(failures));
        }

        public static string Describe(IEnumerable<Diagnostic> diagnostics)
        {
            var lines = diagnostics.Select(d => "  " + d).ToList();
            return lines.Count == 0 ? "  (none)" : string.Join("\n", lines);
        }
    }
}
