using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Rnn.Generators.Tests.Harness
{
    /// <summary>Runs marked-up source through the generator and checks its RNN diagnostics against the marks.</summary>
    internal static class DiagnosticAssert
    {
        /// <summary>
        /// Asserts that the generator reports exactly the marked diagnostics (same ids, each lying within its mark),
        /// that it did not fail, that it emitted nothing for the invalid model, and that the user's code itself compiles
        /// cleanly, so the test exercises only the model's problems. Returns the diagnostics in mark order.
        /// </summary>
        public static IReadOnlyList<Diagnostic> Verify(string markup, params string[] extraSources)
        {
            var (source, expected) = Markup.Parse(markup);
            var run = GeneratorHarness.Run(new[] { source }.Concat(extraSources).ToArray());
            run.AssertGeneratorDidNotFail();
            var matched = Match(run, expected, source);

            Assert.True(run.Sources.IsEmpty, "An invalid model must emit nothing, but the generator added: "
                + string.Join(", ", run.Sources.Select(s => s.HintName)));
            Assert.True(run.OutputDiagnostics.IsEmpty, "The user's code should compile apart from the model's problems:\n"
                + GeneratorRun.Describe(run.OutputDiagnostics));
            foreach (var d in matched) AssertWellFormedMessage(d);
            return matched;
        }

        /// <summary>Matches the run's RNN diagnostics one-to-one with the expected marks; fails with both lists otherwise.</summary>
        public static List<Diagnostic> Match(GeneratorRun run, List<ExpectedDiagnostic> expected, string source)
        {
            var actual = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("RNN", System.StringComparison.Ordinal))
                .OrderBy(d => d.Location.SourceSpan.Start).ToList();
            var remaining = new List<Diagnostic>(actual);
            var matched = new List<Diagnostic>();
            bool ok = actual.Count == expected.Count;
            foreach (var e in expected)
            {
                var hit = remaining.FirstOrDefault(d => d.Id == e.Id
                    && HasLocation(d)
                    && d.Location.GetLineSpan().Path == "Model.cs"
                    && !d.Location.SourceSpan.IsEmpty
                    && e.Span.Contains(d.Location.SourceSpan));
                if (hit is null) { ok = false; continue; }
                remaining.Remove(hit);
                matched.Add(hit);
            }
            if (!ok)
            {
                var message = new StringBuilder("Generator diagnostics differ from the marks.\nExpected:\n");
                foreach (var e in expected) message.Append("  ").Append(e.Id).Append(" on '").Append(e.Text).Append("'\n");
                message.Append("Actual:\n");
                foreach (var d in actual)
                {
                    string text = HasLocation(d) ? source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length) : "(no source location)";
                    message.Append("  ").Append(d.Id).Append(" on '").Append(text).Append("': ").Append(d.GetMessage()).Append('\n');
                }
                Assert.Fail(message.ToString());
            }
            foreach (var d in matched) AssertConsistentLineSpan(d, source);
            return matched;
        }

        /// <summary>
        /// The generator reports locations rebuilt from plain values (<see cref="Location.Create(string, Microsoft.CodeAnalysis.Text.TextSpan, Microsoft.CodeAnalysis.Text.LinePositionSpan)"/>),
        /// which are external-file locations rather than source locations; both kinds carry a path and a span.
        /// </summary>
        private static bool HasLocation(Diagnostic d) => d.Location.Kind is LocationKind.SourceFile or LocationKind.ExternalFile;

        /// <summary>The line/column span (what the IDE and the command line show) agrees with the character span.</summary>
        private static void AssertConsistentLineSpan(Diagnostic d, string source)
        {
            var text = Microsoft.CodeAnalysis.Text.SourceText.From(source);
            Assert.Equal(text.Lines.GetLinePositionSpan(d.Location.SourceSpan), d.Location.GetLineSpan().Span);
        }

        /// <summary>A message has every placeholder filled and says what to do after a colon.</summary>
        public static void AssertWellFormedMessage(Diagnostic d)
        {
            string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.DoesNotContain("{0}", message);
            Assert.DoesNotContain("{1}", message);
            Assert.False(string.IsNullOrWhiteSpace(d.Descriptor.Title.ToString()), d.Id + " has no title");
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        }
    }
}
