using System.Linq;
using Microsoft.CodeAnalysis;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>Warnings point at a likely mistake but, unlike errors, still let the model generate.</summary>
    public class WarningTests
    {
        [Fact]
        public void RNN0021_softmax_over_one_unit_warns_on_the_head_and_still_generates()
        {
            const string source = """
                using Rnn;

                namespace App
                {
                    [RnnModel(Input = 3, Returns = Returns.Last)]
                    [Lstm(8)]
                    [Dense(1, Activation.Softmax)]
                    public partial class M { }
                }
                """;
            var run = GeneratorHarness.Run(source);
            run.AssertGeneratorDidNotFail();
            var d = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("RNN0021", d.Id);
            Assert.Equal(DiagnosticSeverity.Warning, d.DefaultSeverity);   // the harness, like the repo, treats warnings as errors
            Assert.Equal("Dense(1, Activation.Softmax)", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
            Assert.Contains("use [Dense(1, Activation.Sigmoid)]", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Single(run.Sources);
            Assert.Empty(run.GeneratedCodeDiagnostics);
        }

        [Fact]
        public void A_two_unit_softmax_does_not_warn()
        {
            var run = GeneratorHarness.Run("""
                using Rnn;
                [RnnModel(Input = 3, Returns = Returns.Last)] [Lstm(8)] [Dense(2, Activation.Softmax)]
                public partial class M { }
                """);
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Single(run.Sources);
        }
    
        [Fact]
        public void RNN0023_dropout_between_layers_of_one_layer_warns_on_the_attribute_and_still_generates()
        {
            const string source = """
                using Rnn;
                [RnnModel] [Embedding(10, 4)] [Gru(8, Dropout = 0.25f)] [Dense(10, Activation.Softmax)]
                public partial class M { }
                """;
            var run = GeneratorHarness.Run(source);
            run.AssertGeneratorDidNotFail();
            var d = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("RNN0023", d.Id);
            Assert.Equal(DiagnosticSeverity.Warning, d.DefaultSeverity);
            Assert.Equal("Gru(8, Dropout = 0.25f)", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
            Assert.Contains("Gru.Dropout = 0.25", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Single(run.Sources);
        }

        [Theory]
        [InlineData("[Lstm(8, Layers = 2, Dropout = 1f)]", "Lstm.Dropout = 1")]
        [InlineData("[Lstm(8, RecurrentDropout = -0.1f)]", "Lstm.RecurrentDropout = -0.1")]
        [InlineData("[Lstm(8, RecurrentDropout = float.NaN)]", "Lstm.RecurrentDropout = NaN")]
        public void RNN0022_a_dropout_rate_outside_0_1_is_an_error_on_the_attribute(string layer, string message)
        {
            string source = "using Rnn;\n[RnnModel] [Embedding(10, 4)] " + layer + " [Dense(10, Activation.Softmax)]\npublic partial class M { }";
            var run = GeneratorHarness.Run(source);
            run.AssertGeneratorDidNotFail();
            var d = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("RNN0022", d.Id);
            Assert.Equal(layer.Trim('[', ']'), source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
            Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Empty(run.Sources);
        }

        [Fact]
        public void RNN0022_an_embedding_dropout_of_1_is_an_error()
        {
            var run = GeneratorHarness.Run("using Rnn;\n[RnnModel] [Embedding(10, 4, Dropout = 1f)] [Lstm(8)] [Dense(10, Activation.Softmax)]\npublic partial class M { }");
            Assert.Equal("RNN0022", Assert.Single(run.GeneratorDiagnostics).Id);
            Assert.Contains("Embedding.Dropout = 1", Assert.Single(run.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
