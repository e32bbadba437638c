using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Rnn.Generators.Diagnostics;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// Every descriptor's help link points at docs/diagnostics/&lt;id&gt;.md; the page exists, carries the descriptor's
    /// title, and its example really reports the diagnostic while its fix really compiles.
    /// </summary>
    public sealed class DiagnosticDocsTests
    {
        private static string DocsFolder([CallerFilePath] string path = "") =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "docs", "diagnostics"));

        public static TheoryData<string> Ids()
        {
            var data = new TheoryData<string>();
            foreach (var d in Descriptors.All) data.Add(d.Id);
            return data;
        }

        private static string Block(string page, string heading)
        {
            var match = Regex.Match(page, "## " + heading + "\\n\\n```csharp\\n(.*?)\\n```", RegexOptions.Singleline);
            return match.Success ? match.Groups[1].Value : "";
        }

        private static string InApp(string code) => "using Rnn;\n\nnamespace App\n{\n" + code + "\n}\n";

        [Theory]
        [MemberData(nameof(Ids))]
        public void Help_page_exists_and_its_example_and_fix_hold(string id)
        {
            var descriptor = Descriptors.ById(id);
            string path = Path.Combine(DocsFolder(), id + ".md");
            Assert.True(File.Exists(path), "Missing help page " + path);
            Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri);
            string page = File.ReadAllText(path).Replace("\r\n", "\n");
            Assert.StartsWith("# " + id + ": " + descriptor.Title + "\n", page);

            string example = Block(page, "Example"), fix = Block(page, "Fix");
            if (descriptor == Descriptors.InternalError)
            {
                Assert.Equal("", example);   // nothing can show it: it is a bug
                return;
            }
            Assert.NotEqual("", example);
            Assert.NotEqual("", fix);

            var bad = GeneratorHarness.Run(InApp(example));
            bad.AssertGeneratorDidNotFail();
            Assert.Contains(bad.GeneratorDiagnostics, d => d.Id == id);

            var good = GeneratorHarness.Run(InApp(fix));
            good.AssertGeneratorDidNotFail();
            Assert.True(good.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(good.GeneratorDiagnostics));
            Assert.True(good.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(good.OutputDiagnostics));
            Assert.NotEmpty(good.Sources);
        }

        [Fact]
        public void Index_lists_every_diagnostic()
        {
            string index = File.ReadAllText(Path.Combine(DocsFolder(), "README.md"));
            foreach (var d in Descriptors.All)
                Assert.Contains("| [" + d.Id + "](" + d.Id + ".md) | " + d.Title + " |", index);
            Assert.Equal(Descriptors.All.Length, Directory.GetFiles(DocsFolder(), "RNN*.md").Length);
        }
    }
}
