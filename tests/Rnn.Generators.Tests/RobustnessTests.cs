using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// RNN0015 (internal error) must never be seen: the generator may not throw on code that is incomplete, does not
    /// compile or is merely unusual, as it sees every keystroke in the IDE. Attributes that do not compile are left to
    /// the compiler's own error (no RNN diagnostic piles on), and nothing the generator adds may fail to compile.
    /// </summary>
    public sealed class RobustnessTests
    {
        private const string Head = "using Rnn;\n\nnamespace App\n{\n";
        private const string Tail = "\n}\n";

        private static readonly Dictionary<string, (string[] Sources, string[] RnnIds)> Cases = new()
        {
            ["Lstm without parentheses"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["Dense without arguments"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense()] public partial class M { }" + Tail }, new string[0]),
            ["Embedding with one argument"] = (new[] { Head + "[RnnModel] [Embedding(100)] [Lstm(8)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["string for hidden"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(\"8\")] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["string for Input"] = (new[] { Head + "[RnnModel(Input = \"3\")] [Lstm(8)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["int for Returns"] = (new[] { Head + "[RnnModel(Input = 3, Returns = 1)] [Lstm(8)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["int for Dense activation"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1, 2)] public partial class M { }" + Tail }, new string[0]),
            ["int for Name"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8, Name = 5)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["double for Layers"] = (new[] { Head + "[RnnModel(Input = 3)] [Gru(8, Layers = 2.5)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["too many arguments"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8, 2)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["read-only property set"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8, Hidden = 4)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["non-constant argument"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(M.Size)] [Dense(1)] public partial class M { public static int Size = 8; }" + Tail }, new string[0]),
            ["unknown attribute among the layers"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Conv1d(4)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["unclosed attribute argument list"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8 [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["unclosed class"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class M {" }, new string[0]),
            ["missing class name"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class { }" + Tail }, new string[0]),
            ["truncated file"] = (new[] { Head + "[RnnModel(Input = " }, new string[0]),
            ["attribute without a target"] = (new[] { Head + "class C { }\n[RnnModel(Input = 3)] [Lstm(8)]" + Tail }, new string[0]),
            ["RnnModel on a struct"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial struct M { }" + Tail }, new string[0]),
            ["RnnModel on an interface"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial interface M { }" + Tail }, new string[0]),
            ["RnnModel on a record struct"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial record struct M;" + Tail }, new string[0]),
            ["RnnModel twice on one declaration"] = (new[] { Head + "[RnnModel(Input = 3)] [RnnModel(Input = 4)] [Lstm(8)] [Dense(1)] public partial class M { }" + Tail }, new string[0]),
            ["RnnModel on two parts of one class"] = (new[]
            {
                Head + "[RnnModel(Input = 3)] [Lstm(8)] public partial class M { }" + Tail,
                Head + "[RnnModel(Input = 3)] [Dense(1)] public partial class M { }" + Tail,
            }, new string[0]),
            ["circular base class"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class M : M { }" + Tail }, new string[0]),
            ["same hint name twice (type and namespace collide)"] = (new[]
            {
                "using Rnn;\nnamespace N { public partial class A { [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class B { } } }\n"
                + "namespace N.A { [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class B { } }\n",
            }, new[] { "RNN0019", "RNN0019" }),
            ["two models whose names differ only in case"] = (new[]
            {
                Head + "[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class Model { }\n[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class MODEL { }" + Tail,
            }, new[] { "RNN0019", "RNN0019" }),
            ["Layers = int.MaxValue"] = (new[] { Head + "[RnnModel(Input = 3)] [Lstm(8, Layers = int.MaxValue)] [Dense(1)] public partial class M { }" + Tail }, new[] { "RNN0020" }),
            ["a million layers of one unit"] = (new[] { Head + "[RnnModel(Input = 1)] [SimpleRnn(1, Layers = 1000000)] [Dense(1)] public partial class M { }" + Tail }, new[] { "RNN0020" }),
            ["every size int.MaxValue"] = (new[] { Head + "[RnnModel] [Embedding(int.MaxValue, int.MaxValue)] [Bidirectional] [Lstm(int.MaxValue, Layers = int.MaxValue)] [Dense(int.MaxValue)] public partial class M { }" + Tail }, new[] { "RNN0010", "RNN0020" }),
            ["every size int.MinValue"] = (new[] { Head + "[RnnModel(Input = int.MinValue)] [Gru(int.MinValue, Layers = int.MinValue)] [Dense(int.MinValue)] public partial class M { }" + Tail }, new[] { "RNN0002", "RNN0002", "RNN0002", "RNN0002" }),
            ["no using Rnn"] = (new[] { "namespace App { [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] public partial class M { } }" }, new string[0]),
        };

        /// <summary>Cases whose model is valid although the file has errors elsewhere: they generate (and must compile).</summary>
        private static readonly Dictionary<string, int> Emitting = new()
        {
            ["unknown attribute among the layers"] = 1,
            ["unclosed class"] = 1,
            ["RnnModel twice on one declaration"] = 1,
            ["RnnModel on two parts of one class"] = 1,
            ["circular base class"] = 1,
            // Roslyn binds these with an error but still converts the value (Layers = 2, Returns = (Returns)1), with no
            // error flag on the attribute data: the model is generated from the converted value beside the compiler's error.
            ["double for Layers"] = 1,
            ["int for Returns"] = 1,
        };

        public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void Generator_never_fails(string name)
        {
            var (sources, rnnIds) = Cases[name];
            var run = GeneratorHarness.Run(sources);

            run.AssertGeneratorDidNotFail();
            Assert.Equal(rnnIds.OrderBy(x => x), run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("RNN", System.StringComparison.Ordinal)).Select(d => d.Id).OrderBy(x => x));
            Assert.True(run.GeneratedCodeDiagnostics.IsEmpty, "Generated code does not compile:\n" + GeneratorRun.Describe(run.GeneratedCodeDiagnostics));
            Assert.Equal(Emitting.TryGetValue(name, out int count) ? count : 0, run.Sources.Length);
            Assert.Equal(run.Sources.Length, run.Sources.Select(x => x.HintName.ToUpperInvariant()).Distinct().Count());
        }

        [Fact]
        public void Cases_do_contain_compiler_errors_where_they_claim_to()
        {
            // Guards the theory above: "wrong argument" cases must really be errors the compiler reports.
            foreach (var name in new[] { "Lstm without parentheses", "string for hidden", "int for Returns", "missing class name", "unclosed class" })
            {
                var run = GeneratorHarness.Run(Cases[name].Sources);
                Assert.Contains(run.OutputDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            }
        }

        [Fact]
        public void Every_keystroke_of_a_model_declaration_is_survived()
        {
            const string full = "using Rnn;\nnamespace App\n{\n    [RnnModel(Returns = Returns.Last)]\n    [Embedding(vocab: 50, dim: 8, Name = \"emb\")]\n"
                + "    [Bidirectional(Merge = Merge.Average)]\n    [Gru(6, Layers = 2)]\n    [Dense(3, Activation.Softmax)]\n    public partial class M { }\n}\n";
            for (int length = 0; length <= full.Length; length++)
            {
                var run = GeneratorHarness.Run(full.Substring(0, length));
                run.AssertGeneratorDidNotFail();
                Assert.True(run.GeneratedCodeDiagnostics.IsEmpty, "At length " + length + ":\n" + GeneratorRun.Describe(run.GeneratedCodeDiagnostics));
            }
        }

        [Fact]
        public void Internal_error_message_names_the_class_and_the_cause()
        {
            var descriptor = Rnn.Generators.Diagnostics.Descriptors.InternalError;
            var d = Diagnostic.Create(descriptor, Location.None, "Amp", "NullReferenceException: boom");
            Assert.Equal("RNN0015", d.Id);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Equal("RnnGen could not generate 'Amp': NullReferenceException: boom. Please report this with the declaration that caused it.",
                d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
