using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>Names the user chooses never break the generated code: keywords, and layer names like generated members.</summary>
    public class NamingTests
    {
        [Fact]
        public void Keyword_names_for_namespace_containing_type_and_model_are_escaped()
        {
            var run = GeneratorHarness.Run("""
                using Rnn;

                namespace @event.X
                {
                    public partial class @struct
                    {
                        [RnnModel(Input = 2)] [Lstm(3)] [Dense(1)]
                        public partial class @class { }
                    }
                }
                """);
            run.AssertGeneratorDidNotFail();
            Assert.Empty(run.GeneratorDiagnostics);
            var source = Assert.Single(run.Sources);
            Assert.Equal("event.X.struct.class.g.cs", source.HintName);
            Assert.Contains("namespace @event.X", source.SourceText.ToString());
            Assert.Contains("partial class @class", source.SourceText.ToString());
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
        }

        [Theory]
        [InlineData("parameters")]
        [InlineData("x")]
        [InlineData("features")]
        [InlineData("h0")]
        [InlineData("head_scratch")]
        [InlineData("s0")]
        public void Layer_names_like_generated_members_compile(string name)
        {
            var run = GeneratorHarness.Run("using Rnn;\n[RnnModel(Input = 2)] [Lstm(3, Name = \"" + name + "\")] [Gru(2)] [Dense(1)]\npublic partial class M { }\n");
            run.AssertGeneratorDidNotFail();
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics));
        }

        [Fact]
        public void Another_attribute_between_Bidirectional_and_its_layer_is_ignored()
        {
            var run = GeneratorHarness.Run("""
                using Rnn;

                namespace Rnn { [System.AttributeUsage(System.AttributeTargets.Class)] public sealed class NoteAttribute : System.Attribute { } }

                [RnnModel(Input = 2)] [Bidirectional] [Note] [Lstm(3)] [Dense(1)]
                public partial class M { }
                """);
            run.AssertGeneratorDidNotFail();
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Contains("bidirectional LSTM", Assert.Single(run.Sources).SourceText.ToString());
        }
    }
}
