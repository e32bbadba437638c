using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Rnn.Generators.Tests.Harness
{
    /// <summary>A diagnostic a test expects: its id and the span of source it must lie within.</summary>
    internal sealed record ExpectedDiagnostic(string Id, TextSpan Span, string Text);

    /// <summary>
    /// Roslyn-test-style markup: <c>{|RNN0002:Lstm(0)|}</c> marks the text a diagnostic with that id must lie on.
    /// Marks may nest. <see cref="Parse"/> returns the source without the marks and the marked spans.
    /// </summary>
    internal static class Markup
    {
        public static (string Source, List<ExpectedDiagnostic> Expected) Parse(string markup)
        {
            var text = new StringBuilder();
            var open = new Stack<(string Id, int Start)>();
            var spans = new List<(string Id, int Start, int End)>();
            int i = 0;
            while (i < markup.Length)
            {
                if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
                {
                    int colon = markup.IndexOf(':', i + 2);
                    if (colon < 0) throw new FormatException("Markup '{|' without ':' at " + i);
                    open.Push((markup.Substring(i + 2, colon - i - 2), text.Length));
                    i = colon + 1;
                }
                else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
                {
                    var (id, start) = open.Pop();
                    spans.Add((id, start, text.Length));
                    i += 2;
                }
                else
                {
                    text.Append(markup[i]);
                    i++;
                }
            }
            if (open.Count > 0) throw new FormatException("Unclosed markup for " + open.Peek().Id);
            string source = text.ToString();
            var expected = new List<ExpectedDiagnostic>();
            foreach (var (id, start, end) in spans)
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, end), source.Substring(start, end - start)));
            expected.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : string.CompareOrdinal(a.Id, b.Id));
            return (source, expected);
        }
    }
}
