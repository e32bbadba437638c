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
    }
}
