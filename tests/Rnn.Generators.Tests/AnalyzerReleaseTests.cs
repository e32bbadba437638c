using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Rnn.Generators.Diagnostics;

namespace Rnn.Generators.Tests
{
    /// <summary>Descriptors.All, the descriptor fields and AnalyzerReleases.*.md agree (the release-tracking contract).</summary>
    public sealed class AnalyzerReleaseTests
    {
        private static string GeneratorFolder([CallerFilePath] string path = "") =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "src", "Rnn.Generators"));

        private sealed record Row(string Id, string Category, string Severity, string Notes);

        /// <summary>The rows of the "### New Rules" tables in a release file.</summary>
        private static List<Row> NewRules(string file)
        {
            var rows = new List<Row>();
            bool inNewRules = false;
            foreach (string raw in File.ReadAllLines(Path.Combine(GeneratorFolder(), file)))
            {
                string line = raw.Trim();
                if (line.StartsWith("###", StringComparison.Ordinal)) inNewRules = line == "### New Rules";
                if (!inNewRules || !line.StartsWith("RNN", StringComparison.Ordinal)) continue;
                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                Assert.True(cells.Length == 4, file + ": a rule row has four cells: " + line);
                rows.Add(new Row(cells[0], cells[1], cells[2], cells[3]));
            }
            return rows;
        }

        [Fact]
        public void Unshipped_lists_every_descriptor_with_its_category_and_severity()
        {
            var rows = NewRules("AnalyzerReleases.Unshipped.md").Concat(NewRules("AnalyzerReleases.Shipped.md")).ToList();
            Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
            var byId = rows.ToDictionary(r => r.Id);
            foreach (var descriptor in Descriptors.All)
            {
                Assert.True(byId.TryGetValue(descriptor.Id, out var row), descriptor.Id + " is not in AnalyzerReleases.Unshipped.md");
                Assert.Equal(descriptor.Category, row!.Category);
                Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Severity);
                Assert.False(string.IsNullOrWhiteSpace(row.Notes), descriptor.Id + " has no notes");
            }
            Assert.Equal(Descriptors.All.Select(d => d.Id).OrderBy(x => x), rows.Select(r => r.Id).OrderBy(x => x));
        }

        [Fact]
        public void All_holds_every_descriptor_field_once()
        {
            var fields = typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .ToList();
            Assert.Equal(fields.Count, Descriptors.All.Length);
            Assert.All(fields, f => Assert.Contains(f, Descriptors.All));
            Assert.Equal(Descriptors.All.Length, Descriptors.All.Select(d => d.Id).Distinct().Count());
        }

        [Fact]
        public void Ids_are_numbered_without_gaps_and_look_each_other_up()
        {
            var ids = Descriptors.All.Select(d => d.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => "RNN" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), ids);
            foreach (var d in Descriptors.All) Assert.Same(d, Descriptors.ById(d.Id));
            Assert.Same(Descriptors.InternalError, Descriptors.ById("RNN9999"));
        }

        [Fact]
        public void Every_descriptor_is_enabled_with_a_help_link_and_advice()
        {
            foreach (var d in Descriptors.All)
            {
                // Errors stop generation; the warnings flag a model that generates but cannot learn, or a setting that does nothing.
                Assert.Equal(d == Descriptors.SingleUnitSoftmax || d == Descriptors.DropoutWithoutLayers ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, d.DefaultSeverity);
                Assert.True(d.IsEnabledByDefault);
                Assert.Equal("RnnGen", d.Category);
                Assert.EndsWith("/docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri);
                string format = d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.False(string.IsNullOrWhiteSpace(d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                // Every message says what is wrong, then (after a colon) what to write instead.
                if (d != Descriptors.InternalError) Assert.Matches(@":\s+\S", format);
            }
        }
    }
}
