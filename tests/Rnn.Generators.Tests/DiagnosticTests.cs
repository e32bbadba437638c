using System.Linq;
using Microsoft.CodeAnalysis;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// One or more tests per diagnostic. Marks such as <c>{|RNN0002:Lstm(0)|}</c> say which diagnostic must be
    /// reported and the text its location must lie on; every test also checks that the invalid model emits nothing,
    /// that the generator did not fail, and that the message says what to write instead.
    /// </summary>
    public sealed class DiagnosticTests
    {
        private static string InApp(string body) => "using Rnn;\n\nnamespace App\n{\n" + body + "\n}\n";

        private static string Message(Diagnostic d) => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        // ── RNN0001 not partial ─────────────────────────────────────────────

        [Fact]
        public void RNN0001_model_class_not_partial()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [Lstm(8)]
                [Dense(1)]
                public class {|RNN0001:Amp|} { }
                """)).Single();
            Assert.Contains("'Amp' must be declared partial", Message(d));
            Assert.Contains("write 'partial class Amp'", Message(d));
        }

        [Fact]
        public void RNN0001_containing_type_not_partial()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                public static class {|RNN0001:Models|}
                {
                    [RnnModel(Input = 3)]
                    [Lstm(8)]
                    [Dense(1)]
                    public partial class Amp { }
                }
                """)).Single();
            Assert.Contains("write 'partial class Models'", Message(d));
        }

        [Fact]
        public void RNN0001_every_non_partial_type_is_reported_with_its_keyword()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                public record {|RNN0001:Outer|}
                {
                    public struct {|RNN0001:Middle|}
                    {
                        [RnnModel(Input = 3)]
                        [Lstm(8)]
                        [Dense(1)]
                        public class {|RNN0001:Amp|} { }
                    }
                }
                """));
            Assert.Contains("write 'partial record Outer'", Message(d[0]));
            Assert.Contains("write 'partial struct Middle'", Message(d[1]));
            Assert.Contains("write 'partial class Amp'", Message(d[2]));
        }

        // ── RNN0002 non-positive sizes ──────────────────────────────────────

        [Theory]
        [InlineData("[{|RNN0002:RnnModel(Input = -1)|}] [Lstm(8)] [Dense(1)]", "RnnModel.Input must be a positive number, but it is -1")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0002:Lstm(0)|}] [Dense(1)]", "Lstm hidden must be a positive number, but it is 0")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0002:Gru(-4)|}] [Dense(1)]", "Gru hidden must be a positive number, but it is -4")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0002:SimpleRnn(0, Activation = Activation.Relu)|}] [Dense(1)]", "SimpleRnn hidden must be a positive number, but it is 0")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0002:Lstm(8, Layers = 0)|}] [Dense(1)]", "Lstm Layers must be a positive number, but it is 0")]
        [InlineData("[RnnModel(Input = 3)] [Bidirectional] [{|RNN0002:Gru(8, Layers = -2)|}] [Dense(1)]", "Gru Layers must be a positive number, but it is -2")]
        [InlineData("[RnnModel(Input = 3)] [Lstm(8)] [{|RNN0002:Dense(0)|}]", "Dense units must be a positive number, but it is 0")]
        [InlineData("[RnnModel(Input = 3)] [Lstm(8)] [{|RNN0002:Dense(-3, Activation.Relu)|}] [Dense(1)]", "Dense units must be a positive number, but it is -3")]
        [InlineData("[RnnModel] [{|RNN0002:Embedding(0, 8)|}] [Lstm(8)] [Dense(1)]", "Embedding vocab must be a positive number, but it is 0")]
        [InlineData("[RnnModel] [{|RNN0002:Embedding(vocab: 100, dim: 0)|}] [Lstm(8)] [Dense(1)]", "Embedding dim must be a positive number, but it is 0")]
        [InlineData("[RnnModel] [{|RNN0002:OneHot(-1)|}] [Lstm(8)] [Dense(1)]", "OneHot vocab must be a positive number, but it is -1")]
        public void RNN0002_non_positive_size(string attributes, string expected)
        {
            var d = DiagnosticAssert.Verify(InApp(attributes + "\npublic partial class M { }")).Single();
            Assert.Contains(expected, Message(d));
            Assert.Contains("write a value of 1 or more", Message(d));
        }

        [Fact]
        public void RNN0002_both_embedding_sizes_are_reported()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel]
                [{|RNN0002:{|RNN0002:Embedding(0, 0)|}|}]
                [Lstm(8)]
                [Dense(1)]
                public partial class M { }
                """));
            Assert.Contains("Embedding vocab", Message(d[0]) + Message(d[1]));
            Assert.Contains("Embedding dim", Message(d[0]) + Message(d[1]));
        }

        // ── RNN0003 / RNN0004 [Bidirectional] ───────────────────────────────

        [Theory]
        [InlineData("[RnnModel(Input = 3)] [Lstm(8)] [Dense(1)] [{|RNN0003:Bidirectional|}]")]
        [InlineData("[RnnModel(Input = 3)] [Lstm(8)] [{|RNN0003:Bidirectional|}] [Dense(1)]")]
        [InlineData("[RnnModel(Input = 3)] [Lstm(8)] [{|RNN0003:Bidirectional(Merge = Merge.Sum)|}] [Dense(4)] [Dense(1)]")]
        [InlineData("[RnnModel] [{|RNN0003:Bidirectional|}] [Embedding(100, 8)] [Gru(8)] [Dense(1)]")]
        public void RNN0003_bidirectional_not_followed_by_a_recurrent_layer(string attributes)
        {
            var d = DiagnosticAssert.Verify(InApp(attributes + "\npublic partial class M { }")).Single();
            Assert.Contains("put [SimpleRnn], [Lstm] or [Gru] directly after it", Message(d));
        }

        [Fact]
        public void RNN0004_bidirectional_repeated()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [Bidirectional]
                [{|RNN0004:Bidirectional(Merge = Merge.Sum)|}]
                [{|RNN0004:Bidirectional|}]
                [Lstm(8)]
                [Dense(1)]
                public partial class M { }
                """));
            Assert.Equal(2, d.Count);
            Assert.All(d, x => Assert.Contains("remove one of them", Message(x)));
        }

        [Fact]
        public void RNN0004_bidirectional_repeated_in_one_attribute_list()
        {
            DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3), Bidirectional, {|RNN0004:Bidirectional|}, Gru(8), Dense(1)]
                public partial class M { }
                """));
        }

        // ── RNN0005 / RNN0006 / RNN0012: missing parts ─────────────────────

        [Fact]
        public void RNN0005_no_recurrent_layer()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [{|RNN0005:RnnModel(Input = 3)|}]
                [Dense(4, Activation.Relu)]
                [Dense(1)]
                public partial class M { }
                """)).Single();
            Assert.Contains("'M' has no recurrent layer", Message(d));
            Assert.Contains("add [SimpleRnn(hidden)], [Lstm(hidden)] or [Gru(hidden)]", Message(d));
        }

        [Theory]
        [InlineData("[{|RNN0006:RnnModel|}]")]
        [InlineData("[{|RNN0006:RnnModel()|}]")]
        [InlineData("[{|RNN0006:RnnModel(Returns = Returns.Last)|}]")]
        [InlineData("[{|RNN0006:RnnModel(Input = 0)|}]")]
        public void RNN0006_no_input(string model)
        {
            var d = DiagnosticAssert.Verify(InApp(model + "\n[Lstm(8)]\n[Dense(1)]\npublic partial class M { }")).Single();
            Assert.Contains("'M' declares no input", Message(d));
            Assert.Contains("set [RnnModel(Input = features)] for float inputs, or add [Embedding(vocab, dim)] or [OneHot(vocab)]", Message(d));
        }

        [Fact]
        public void RNN0012_no_dense_head()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [{|RNN0012:RnnModel(Input = 3)|}]
                [Lstm(8)]
                public partial class M { }
                """)).Single();
            Assert.Contains("'M' has no output layer", Message(d));
            Assert.Contains("add [Dense(units, activation)] after the last recurrent layer", Message(d));
        }

        [Fact]
        public void RNN0005_RNN0006_RNN0012_empty_model_reports_all_three()
        {
            DiagnosticAssert.Verify(InApp("""
                [{|RNN0005:{|RNN0006:{|RNN0012:RnnModel|}|}|}]
                public partial class M { }
                """));
        }

        // ── RNN0007 conflicting inputs ──────────────────────────────────────

        [Theory]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0007:Embedding(100, 8)|}]", "RnnModel.Input is set and Embedding is declared too")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0007:OneHot(100)|}]", "RnnModel.Input is set and OneHot is declared too")]
        [InlineData("[RnnModel] [Embedding(100, 8)] [{|RNN0007:Embedding(50, 4)|}]", "more than one token input is declared")]
        [InlineData("[RnnModel] [OneHot(100)] [{|RNN0007:Embedding(100, 4)|}]", "more than one token input is declared")]
        public void RNN0007_conflicting_inputs(string attributes, string expected)
        {
            var d = DiagnosticAssert.Verify(InApp(attributes + " [Lstm(8)] [Dense(1)]\npublic partial class M { }")).Single();
            Assert.Contains(expected, Message(d));
            Assert.Contains("declare exactly one input", Message(d));
        }

        // ── RNN0008 / RNN0013 names ─────────────────────────────────────────

        [Fact]
        public void RNN0008_explicit_name_used_twice()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [Lstm(8, Name = "encoder")]
                [{|RNN0008:Gru(8, Name = "encoder")|}]
                [Dense(1)]
                public partial class M { }
                """)).Single();
            Assert.Contains("Layer name 'encoder' is used twice", Message(d));
            Assert.Contains("give this layer another Name", Message(d));
        }

        [Fact]
        public void RNN0008_explicit_name_equal_to_a_default_name()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel]
                [Embedding(100, 8, Name = "recurrent")]
                [{|RNN0008:Lstm(8)|}]
                [Dense(1)]
                public partial class M { }
                """)).Single();
            Assert.Contains("'recurrent'", Message(d));
        }

        [Theory]
        [InlineData("a.b")]
        [InlineData("")]
        [InlineData("1st")]
        [InlineData("my-layer")]
        [InlineData("has space")]
        [InlineData("schicht_ä")]
        public void RNN0013_invalid_name(string name)
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel(Input = 3)]\n[{|RNN0013:Lstm(8, Name = \"" + name + "\")|}]\n[Dense(1)]\npublic partial class M { }")).Single();
            Assert.Contains("Layer name '" + name + "' is not usable as a tensor prefix", Message(d));
            Assert.Contains("use letters, digits and '_' only, starting with a letter or '_'", Message(d));
        }

        [Theory]
        [InlineData("optimizer")]
        [InlineData("checkpoint")]
        public void RNN0013_names_reserved_for_checkpoints(string name)
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel(Input = 3)]\n[{|RNN0013:Lstm(8, Name = \"" + name + "\")|}]\n[Dense(1)]\npublic partial class M { }")).Single();
            Assert.Contains("Layer name '" + name + "' is not usable as a tensor prefix", Message(d));
            Assert.Contains("prefix the optimizer state in checkpoint files; choose another name", Message(d));
        }

        // ── RNN0009 activations ─────────────────────────────────────────────

        [Theory]
        [InlineData("Sigmoid")]
        [InlineData("Softmax")]
        [InlineData("Linear")]
        public void RNN0009_simple_rnn_activation(string activation)
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel(Input = 3)]\n[{|RNN0009:SimpleRnn(8, Activation = Activation." + activation + ")|}]\n[Dense(1)]\npublic partial class M { }")).Single();
            Assert.Contains("[SimpleRnn] does not take Activation." + activation, Message(d));
            Assert.Contains("use Activation.Tanh or Activation.Relu", Message(d));
        }

        [Fact]
        public void RNN0009_softmax_on_a_dense_layer_before_the_head()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [Lstm(8)]
                [{|RNN0009:Dense(16, Activation.Softmax)|}]
                [Dense(4, Activation.Relu)]
                [Dense(2, Activation.Softmax)]
                public partial class M { }
                """)).Single();
            Assert.Contains("does not take Activation.Softmax", Message(d));
            Assert.Contains("Softmax belongs to the last [Dense]", Message(d));
        }

        // ── RNN0010 parameter count overflow ────────────────────────────────

        [Fact]
        public void RNN0010_parameter_count_overflows_int()
        {
            // 8 layers of LSTM(30000): 4·30000·(30000 + 30000 + 2)·8 ≈ 5.8e10 parameters.
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [{|RNN0010:Lstm(30000, Layers = 8)|}]
                [Dense(1)]
                public partial class M { }
                """)).Single();
            Assert.Contains("'M' would have", Message(d));
            Assert.Contains("more than an int can count (2147483647)", Message(d));
            Assert.Contains("make the layers smaller", Message(d));
        }

        [Theory]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0010:Lstm(600000000)|}] [Dense(1)]")]            // 4·H overflows int on its own
        [InlineData("[RnnModel(Input = 3)] [Bidirectional] [{|RNN0010:Gru(1100000000)|}] [Dense(1)]")]
        [InlineData("[RnnModel] [{|RNN0010:Embedding(100000, 100000)|}] [Lstm(4)] [Dense(1)]")]
        [InlineData("[RnnModel(Input = 3)] [SimpleRnn(30000)] [{|RNN0010:Dense(50000)|}]")]
        [InlineData("[RnnModel(Input = 2147483647)] [{|RNN0010:SimpleRnn(1)|}] [Dense(1)]")]
        public void RNN0010_overflow_is_found_wherever_it_happens(string attributes)
        {
            DiagnosticAssert.Verify(InApp(attributes + "\npublic partial class M { }"));
        }

        [Fact]
        public void RNN0010_is_reported_together_with_other_problems()
        {
            DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [{|RNN0010:Lstm(30000, Layers = 8)|}]
                [{|RNN0013:Dense(1, Name = "out.put")|}]
                public class {|RNN0001:M|} { }
                """));
        }

        // ── RNN0011 layer order ─────────────────────────────────────────────

        [Fact]
        public void RNN0011_dense_before_a_recurrent_layer()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [Dense(8)]
                [{|RNN0011:Lstm(8)|}]
                [Dense(1)]
                public partial class M { }
                """)).Single();
            Assert.Contains("[Lstm] comes after a [Dense] layer", Message(d));
            Assert.Contains("input ([Embedding] or [OneHot]) first, then recurrent layers, then [Dense] layers", Message(d));
        }

        [Theory]
        [InlineData("[RnnModel] [Lstm(8)] [{|RNN0011:Embedding(100, 8)|}] [Dense(1)]", "[Embedding] comes after other layers")]
        [InlineData("[RnnModel] [Gru(8)] [Dense(1)] [{|RNN0011:OneHot(30)|}]", "[OneHot] comes after other layers")]
        public void RNN0011_token_input_after_other_layers(string attributes, string expected)
        {
            var d = DiagnosticAssert.Verify(InApp(attributes + "\npublic partial class M { }")).Single();
            Assert.Contains(expected, Message(d));
        }

        // ── RNN0014 generic ─────────────────────────────────────────────────

        [Fact]
        public void RNN0014_generic_model_class()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [Lstm(8)]
                [Dense(1)]
                public partial class {|RNN0014:M|}<T> { }
                """)).Single();
            Assert.Contains("'M<T>' is generic", Message(d));
            Assert.Contains("declare the model as a non-generic partial class", Message(d));
        }

        [Fact]
        public void RNN0014_model_nested_in_a_generic_type()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                public partial class Outer<T>
                {
                    [RnnModel(Input = 3)]
                    [Lstm(8)]
                    [Dense(1)]
                    public partial class {|RNN0014:M|} { }
                }
                """)).Single();
            Assert.Contains("'Outer<T>.M' is generic", Message(d));
        }

        // ── RNN0016 undefined enum values ───────────────────────────────────

        [Theory]
        [InlineData("[{|RNN0016:RnnModel(Input = 3, Returns = (Returns)2)|}] [Lstm(8)] [Dense(1)]", "Returns = 2", "Returns.Sequence or Returns.Last")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0016:Bidirectional(Merge = (Merge)9)|}] [Lstm(8)] [Dense(1)]", "Merge = 9", "Merge.Concat, Merge.Sum, Merge.Mul or Merge.Average")]
        [InlineData("[RnnModel(Input = 3)] [Lstm(8)] [{|RNN0016:Dense(1, (Activation)42)|}]", "Activation = 42", "Activation.Linear, Activation.Sigmoid, Activation.Softmax, Activation.Tanh or Activation.Relu")]
        [InlineData("[RnnModel(Input = 3)] [{|RNN0016:SimpleRnn(8, Activation = (Activation)(-1))|}] [Dense(1)]", "Activation = -1", "Activation.Tanh or Activation.Relu")]
        public void RNN0016_undefined_enum_value(string attributes, string value, string advice)
        {
            var d = DiagnosticAssert.Verify(InApp(attributes + "\npublic partial class M { }")).Single();
            Assert.Contains(value + " is not a defined value", Message(d));
            Assert.Contains("use " + advice, Message(d));
        }

        // ── RNN0017 unsupported declarations ────────────────────────────────

        [Theory]
        [InlineData("public static partial class {|RNN0017:M|} { }", "a static class")]
        [InlineData("public partial record {|RNN0017:M|} { }", "a record")]
        [InlineData("public partial record class {|RNN0017:M|};", "a record")]
        [InlineData("file partial class {|RNN0017:M|} { }", "a file-local class")]
        public void RNN0017_unsupported_kind_of_class(string declaration, string what)
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel(Input = 3)]\n[Lstm(8)]\n[Dense(1)]\n" + declaration)).Single();
            Assert.Contains("'M' is " + what, Message(d));
            Assert.Contains("declare the model as a plain partial class", Message(d));
        }

        [Fact]
        public void RNN0018_model_named_like_its_generated_double_twin()
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel(Input = 3)]\n[Lstm(8)]\n[Dense(1)]\npublic partial class {|RNN0018:Float64|} { }")).Single();
            Assert.Contains("Float64", Message(d));
            Assert.Contains("rename the class", Message(d));
        }

        // ── RNN0019 generated file names collide ────────────────────────────

        [Fact]
        public void RNN0019_models_whose_names_differ_only_in_case()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)]
                public partial class {|RNN0019:Model|} { }

                [RnnModel(Input = 3)] [Gru(8)] [Dense(1)]
                public partial class {|RNN0019:MODEL|} { }
                """));
            Assert.Contains("'App.Model' and 'App.MODEL' would be generated into the same file 'App.Model.g.cs'", Message(d[0]));
            Assert.Contains("rename one of the classes", Message(d[1]));
        }

        [Fact]
        public void RNN0019_only_models_count()
        {
            var run = GeneratorHarness.Run(InApp("""
                [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)]
                public partial class Model { }

                public class MODEL { }
                """));
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Single(run.Sources);
        }

        [Fact]
        public void RNN0019_generic_or_static_namesakes_do_not_collide()
        {
            // Neither of these can be emitted (RNN0014, RNN0017), so App.Model.g.cs is Model's alone.
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)]
                public partial class {|RNN0014:Model|}<T> { }

                [RnnModel(Input = 3)] [Lstm(8)] [Dense(1)]
                public static partial class {|RNN0017:MODEL|} { }
                """));
            Assert.Equal(2, d.Count);
        }

        // ── RNN0020 too many stacked layers ─────────────────────────────────

        [Fact]
        public void RNN0020_too_many_stacked_layers()
        {
            var d = DiagnosticAssert.Verify(InApp("""
                [RnnModel(Input = 3)]
                [{|RNN0020:Lstm(4, Layers = 257)|}]
                [Dense(1)]
                public partial class M { }
                """)).Single();
            Assert.Contains("Lstm Layers = 257 is more than RnnGen generates code for", Message(d));
            Assert.Contains("stack at most 256 layers in one recurrent attribute", Message(d));
        }

        // ── several problems at once ────────────────────────────────────────

        [Fact]
        public void Every_problem_in_one_class_is_reported()
        {
            DiagnosticAssert.Verify(InApp("""
                [{|RNN0016:RnnModel(Input = 3, Returns = (Returns)7)|}]
                [{|RNN0007:OneHot(20)|}]
                [{|RNN0003:Bidirectional|}]
                [{|RNN0002:{|RNN0009:Dense(0, Activation.Softmax)|}|}]
                [{|RNN0011:{|RNN0013:Lstm(8, Name = "a.b")|}|}]
                [{|RNN0009:{|RNN0011:SimpleRnn(4, Activation = Activation.Sigmoid, Name = "x")|}|}]
                [{|RNN0008:{|RNN0011:Gru(4, Name = "x")|}|}]
                [{|RNN0009:Dense(4, Activation.Softmax)|}]
                [Dense(1)]
                [{|RNN0003:Bidirectional|}]
                [{|RNN0004:Bidirectional|}]
                public class {|RNN0001:{|RNN0014:M|}|}<T> { }
                """));
        }

        [Fact]
        public void Problems_in_one_model_do_not_stop_another_model_from_generating()
        {
            var (source, expected) = Markup.Parse(InApp("""
                [RnnModel(Input = 3)]
                [{|RNN0002:Lstm(0)|}]
                [Dense(1)]
                public partial class Broken { }

                [RnnModel(Input = 3)]
                [Lstm(8)]
                [Dense(1)]
                public partial class Fine { }
                """));
            var run = GeneratorHarness.Run(source);
            run.AssertGeneratorDidNotFail();
            DiagnosticAssert.Match(run, expected, source);
            Assert.Equal("App.Fine.g.cs", Assert.Single(run.Sources).HintName);
            Assert.Empty(run.OutputDiagnostics);
        }

        [Fact]
        public void Diagnostics_carry_their_help_link_and_category()
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel(Input = 3)]\n[{|RNN0002:Lstm(0)|}]\n[Dense(1)]\npublic partial class M { }")).Single();
            Assert.Equal("RnnGen", d.Descriptor.Category);
            Assert.EndsWith("/RNN0002.md", d.Descriptor.HelpLinkUri);
            var line = d.Location.GetLineSpan();
            Assert.Equal("Model.cs", line.Path);
            Assert.Equal(5, line.StartLinePosition.Line);       // 0-based: the [Lstm(0)] line
            Assert.Equal(1, line.StartLinePosition.Character);  // just inside '['
        }
    }
}
