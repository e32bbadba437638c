using System;
using System.IO;
using System.Linq;
using Rnn.Generators.Tests.Harness;
using Xunit.Sdk;

namespace Rnn.Generators.Tests
{
    /// <summary>The approved-file helper itself: it must fail, show a readable diff, write .received, and accept on request.</summary>
    public sealed class SnapshotHelperTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-snapshot-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }

        [Fact]
        public void Mismatch_fails_with_a_line_diff_and_writes_received()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(Path.Combine(_directory, "M.verified.cs"), "a\nb\nc\nd\ne\nf\n");
            var e = Assert.Throws<FailException>(() => Snapshot.VerifyIn(_directory, "M", "a\nb\nC\nd\ne\nf\ng\n", accept: false));
            Assert.Contains("Snapshot 'M' differs from its verified file", e.Message);
            Assert.Contains("RNNGEN_ACCEPT=1", e.Message);
            Assert.Contains("@@ verified line 1, received line 1 @@\n  " + "    1: a\n  " + "    2: b\n-     3: c\n+     3: C\n  " + "    4: d\n  " + "    5: e\n", e.Message);
            Assert.Contains("+     7: g\n", e.Message);
            Assert.Equal("a\nb\nC\nd\ne\nf\ng\n", File.ReadAllText(Path.Combine(_directory, "M.received.cs")));
        }

        [Fact]
        public void Missing_verified_file_fails()
        {
            var e = Assert.Throws<FailException>(() => Snapshot.VerifyIn(_directory, "New", "x\n", accept: false));
            Assert.Contains("has no verified file yet", e.Message);
            Assert.True(File.Exists(Path.Combine(_directory, "New.received.cs")));
        }

        [Fact]
        public void Accept_overwrites_the_verified_file_and_removes_received()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(Path.Combine(_directory, "M.verified.cs"), "old\n");
            File.WriteAllText(Path.Combine(_directory, "M.received.cs"), "new\n");
            Snapshot.VerifyIn(_directory, "M", "new\r\n", accept: true);
            Assert.Equal("new\n", File.ReadAllText(Path.Combine(_directory, "M.verified.cs")));
            Assert.False(File.Exists(Path.Combine(_directory, "M.received.cs")));
            Snapshot.VerifyIn(_directory, "M", "new\n", accept: false);
        }

        [Fact]
        public void Crlf_checkouts_compare_equal()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(Path.Combine(_directory, "M.verified.cs"), "a\r\nb\r\n");
            Snapshot.VerifyIn(_directory, "M", "a\nb\n", accept: false);
        }

        [Fact]
        public void Diff_stops_after_forty_changed_lines()
        {
            string a = string.Concat(System.Linq.Enumerable.Range(0, 100).Select(i => "line " + i + "\n"));
            string b = string.Concat(System.Linq.Enumerable.Range(0, 100).Select(i => "LINE " + i + "\n"));
            string diff = Snapshot.Diff(a, b);
            Assert.Equal(Snapshot.MaxDiffLines, diff.Split('\n').Count(l => l.StartsWith('-') || l.StartsWith('+')));
            Assert.Contains("… more differences not shown (160 more changed lines)", diff);
        }

        [Fact]
        public void Diff_separates_distant_changes_into_hunks_with_line_numbers()
        {
            string a = string.Concat(System.Linq.Enumerable.Range(1, 30).Select(i => i + "\n"));
            string b = a.Replace("\n5\n", "\nfive\n").Replace("\n25\n", "\n").Replace("30\n", "30\n31\n");
            string diff = Snapshot.Diff(a, b);
            Assert.Contains("@@ verified line 3, received line 3 @@\n", diff);
            Assert.Contains("-     5: 5\n+     5: five\n", diff);
            Assert.Contains("@@ verified line 23, received line 23 @@\n", diff);
            Assert.Contains("-    25: 25\n", diff);
            Assert.Contains("+    30: 31\n", diff);
        }
    }
}
