using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace Rnn.Generators.Tests.Harness
{
    /// <summary>
    /// Approved-file snapshots: <c>Snapshots/&lt;Name&gt;.verified.cs</c> beside the calling test file holds the approved text.
    /// On a mismatch the actual text is written to <c>&lt;Name&gt;.received.cs</c> and the test fails with a line diff;
    /// with <c>RNNGEN_ACCEPT=1</c> in the environment the verified file is overwritten instead and the test passes.
    /// </summary>
    internal static class Snapshot
    {
        public const string AcceptVariable = "RNNGEN_ACCEPT";

        /// <summary>At most this many differing lines are shown.</summary>
        public const int MaxDiffLines = 40;

        public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "") =>
            VerifyIn(SnapshotDirectory(callerFile), name, actual, Environment.GetEnvironmentVariable(AcceptVariable) == "1");

        /// <summary>The comparison itself, with the directory and the accept switch explicit (so it can be tested).</summary>
        public static void VerifyIn(string directory, string name, string actual, bool accept)
        {
            string verifiedPath = Path.Combine(directory, name + ".verified.cs");
            string receivedPath = Path.Combine(directory, name + ".received.cs");
            actual = Normalize(actual);
            if (accept)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(verifiedPath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                return;
            }

            string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (verified == actual)
            {
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                return;
            }

            Directory.CreateDirectory(directory);
            File.WriteAllText(receivedPath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            var message = new StringBuilder();
            message.Append("Snapshot '").Append(name).Append("' ");
            message.Append(verified is null ? "has no verified file yet" : "differs from its verified file").Append(".\n");
            message.Append("  verified: ").Append(verifiedPath).Append('\n');
            message.Append("  received: ").Append(receivedPath).Append('\n');
            message.Append("Review the difference, then accept it with: ").Append(AcceptVariable).Append("=1 dotnet test tests/Rnn.Generators.Tests\n\n");
            message.Append(Diff(verified ?? "", actual));
            Xunit.Assert.Fail(message.ToString());
        }

        /// <summary>Line endings as \n, so a checkout with CRLF compares equal.</summary>
        public static string Normalize(string text) => text.Replace("\r\n", "\n");

        /// <summary>
        /// A unified-style line diff of <paramref name="expected"/> (−, verified) and <paramref name="actual"/> (+, received):
        /// hunks with two lines of context, each line with its line number, stopping after <see cref="MaxDiffLines"/> changed lines.
        /// </summary>
        public static string Diff(string expected, string actual)
        {
            string[] a = SplitLines(expected), b = SplitLines(actual);
            var edits = Edits(a, b);
            var changes = new List<int>();
            for (int i = 0; i < edits.Count; i++) if (edits[i].Kind != ' ') changes.Add(i);

            const int context = 2;
            var output = new StringBuilder();
            int shown = 0;
            for (int c = 0; c < changes.Count;)
            {
                // A hunk: its changes, joined while the gap between them is at most 2·context unchanged lines.
                int last = changes[c], d = c;
                while (d + 1 < changes.Count && changes[d + 1] - last <= 2 * context + 1) last = changes[++d];
                int start = Math.Max(0, changes[c] - context), end = Math.Min(edits.Count, last + context + 1);
                output.Append("@@ verified line ").Append(edits[start].A + 1).Append(", received line ").Append(edits[start].B + 1).Append(" @@\n");
                for (int i = start; i < end; i++)
                {
                    var e = edits[i];
                    if (e.Kind != ' ' && shown == MaxDiffLines)
                    {
                        output.Append("… more differences not shown (").Append(changes.Count - shown).Append(" more changed lines)\n");
                        return output.ToString();
                    }
                    if (e.Kind != ' ') shown++;
                    int line = e.Kind == '+' ? e.B + 1 : e.A + 1;
                    string text = e.Kind == '+' ? b[e.B] : a[e.A];
                    output.Append(e.Kind).Append(' ').Append(line.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5)).Append(": ").Append(text).Append('\n');
                }
                c = d + 1;
            }
            return output.ToString();
        }

        private static string[] SplitLines(string text) => text.Length == 0 ? System.Array.Empty<string>() : text.TrimEnd('\n').Split('\n');

        private readonly record struct Edit(char Kind, int A, int B);

        /// <summary>Shortest edit script by longest common subsequence (after trimming the common prefix and suffix).</summary>
        private static List<Edit> Edits(string[] a, string[] b)
        {
            int prefix = 0;
            while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
            int suffix = 0;
            while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix]) suffix++;
            int n = a.Length - prefix - suffix, m = b.Length - prefix - suffix;
            var lcs = new int[n + 1, m + 1];
            for (int i = n - 1; i >= 0; i--)
            {
                for (int j = m - 1; j >= 0; j--)
                    lcs[i, j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
            var edits = new List<Edit>();
            for (int i = 0; i < prefix; i++) edits.Add(new Edit(' ', i, i));
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[prefix + x] == b[prefix + y]) { edits.Add(new Edit(' ', prefix + x, prefix + y)); x++; y++; }
                else if (y < m && (x == n || lcs[x, y + 1] >= lcs[x + 1, y])) { edits.Add(new Edit('+', prefix + x, prefix + y)); y++; }
                else { edits.Add(new Edit('-', prefix + x, prefix + y)); x++; }
            }
            for (int i = 0; i < suffix; i++) edits.Add(new Edit(' ', prefix + n + i, prefix + m + i));
            // Show removals before additions within a run of changes, as unified diffs do.
            for (int i = 0; i < edits.Count;)
            {
                int j = i;
                while (j < edits.Count && edits[j].Kind != ' ') j++;
                if (j > i)
                {
                    var run = edits.GetRange(i, j - i);
                    var ordered = new List<Edit>(run.Count);
                    ordered.AddRange(run.FindAll(e => e.Kind == '-'));
                    ordered.AddRange(run.FindAll(e => e.Kind == '+'));
                    for (int t = 0; t < ordered.Count; t++) edits[i + t] = ordered[t];
                }
                i = j + 1;
            }
            return edits;
        }

        /// <summary>
        /// <c>Snapshots/</c> beside the test source file. [CallerFilePath] gives the source tree's path; if it was mapped
        /// away (PathMap in a deterministic CI build), the folder is found by walking up from the test binaries.
        /// </summary>
        private static string SnapshotDirectory(string callerFile)
        {
            string? folder = Path.GetDirectoryName(callerFile);
            if (folder is not null && Directory.Exists(folder)) return Path.Combine(folder, "Snapshots");
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "Rnn.Generators.Tests");
                if (Directory.Exists(candidate)) return Path.Combine(candidate, "Snapshots");
            }
            throw new DirectoryNotFoundException("Cannot find the test project folder from " + callerFile + " or " + AppContext.BaseDirectory);
        }
    }
}
