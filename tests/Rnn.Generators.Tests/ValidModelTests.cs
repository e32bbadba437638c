using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>Every valid declaration generates code that compiles with zero errors and zero warnings.</summary>
    public sealed class ValidModelTests
    {
        /// <summary>The global usings a project gets with &lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt; (Microsoft.NET.Sdk).</summary>
        private const string ImplicitUsings = """
            global using global::System;
            global using global::System.Collections.Generic;
            global using global::System.IO;
            global using global::System.Linq;
            global using global::System.Net.Http;
            global using global::System.Threading;
            global using global::System.Threading.Tasks;
            """;

        [Theory]
        [MemberData(nameof(ModelCatalog.Names), MemberType = typeof(ModelCatalog))]
        public void Valid_model_compiles_without_errors_or_warnings(string name)
        {
            var run = GeneratorHarness.Run(ModelCatalog.Valid[name]);
            AssertClean(run, name);
        }

        [Theory]
        [MemberData(nameof(ModelCatalog.Names), MemberType = typeof(ModelCatalog))]
        public void Valid_model_compiles_in_a_project_with_implicit_usings(string name)
        {
            var run = GeneratorHarness.Run(ModelCatalog.Valid[name].Append(ImplicitUsings).ToArray());
            AssertClean(run, name);
        }

        /// <summary>The runtime targets net8.0, whose projects default to C# 12.</summary>
        [Theory]
        [MemberData(nameof(ModelCatalog.Names), MemberType = typeof(ModelCatalog))]
        public void Valid_model_compiles_at_CSharp_12(string name)
        {
            var options = GeneratorHarness.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp12);
            var trees = ModelCatalog.Valid[name].Select((s, i) => CSharpSyntaxTree.ParseText(s, options, "Model" + i + ".cs")).ToArray();
            var compilation = GeneratorHarness.Compile(trees);
            var run = GeneratorHarness.Run(compilation, options);
            AssertClean(run, name);
            Assert.All(run.Sources, s => Assert.Equal(LanguageVersion.CSharp12, ((CSharpParseOptions)s.SyntaxTree.Options).LanguageVersion));
        }

        private static void AssertClean(GeneratorRun run, string name)
        {
            run.AssertGeneratorDidNotFail();
            Assert.True(run.GeneratorDiagnostics.IsEmpty, "Generator diagnostics:\n" + GeneratorRun.Describe(run.GeneratorDiagnostics));
            Assert.Equal(ModelCatalog.ModelCount(name), run.Sources.Length);
            Assert.True(run.OutputDiagnostics.IsEmpty, "The output compilation has errors or warnings:\n" + GeneratorRun.Describe(run.OutputDiagnostics));
            foreach (var source in run.Sources)
            {
                Assert.EndsWith(".g.cs", source.HintName);
                Assert.Empty(source.SyntaxTree.GetDiagnostics());
            }
        }

        [Fact]
        public void Generated_source_is_parsed_with_the_projects_options()
        {
            var run = GeneratorHarness.Run(ModelCatalog.Valid["Amp"]);
            var tree = Assert.Single(run.Sources).SyntaxTree;
            Assert.Equal(DocumentationMode.Diagnose, tree.Options.DocumentationMode);
        }
    }
}
