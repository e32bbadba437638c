using System.Linq;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// The generated source of representative models, compared with the approved Snapshots/&lt;Name&gt;.verified.cs.
    /// After an intended change to the emitters: run with RNNGEN_ACCEPT=1, then read the diff of the .verified.cs files.
    /// </summary>
    public sealed class SnapshotTests
    {
        [Theory]
        [InlineData("Amp")]                          // float input, LSTM, linear head, many-to-many (the design's first model)
        [InlineData("Sentiment")]                    // embedding, bidirectional 2-layer GRU, softmax, many-to-one (the design's second)
        [InlineData("CharLm")]                       // one-hot, 3-layer LSTM, softmax, many-to-many
        [InlineData("DropoutLm")]
        [InlineData("DateSeq2Seq")]                  // encoder–decoder: bidirectional LSTM encoder, Bahdanau attention                    // embedding dropout, dropout between GRU layers, recurrent dropout
        [InlineData("SimpleRnnReluLastSigmoid")]     // relu RNN, 2 layers, sigmoid head, many-to-one
        [InlineData("RecurrentStack")]               // LSTM → bidirectional GRU → 2-layer RNN
        [InlineData("BidirectionalAverage")]         // averaged directions
        [InlineData("HiddenDense")]                  // dense layers before the head
        [InlineData("Nested")]                       // inside a static partial class and a partial struct
        public void Generated_source_matches_the_approved_snapshot(string name)
        {
            var run = GeneratorHarness.Run(ModelCatalog.Valid[name]);
            run.AssertGeneratorDidNotFail();
            Assert.Empty(run.GeneratorDiagnostics);
            var source = Assert.Single(run.Sources);
            Snapshot.Verify(name, source.SourceText.ToString());
        }

        [Fact]
        public void Snapshot_files_are_not_left_over()
        {
            // Every .verified.cs belongs to a snapshot test above (a renamed model must not leave its old file behind).
            string directory = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(ThisFile())!, "Snapshots");
            var names = typeof(SnapshotTests).GetMethod(nameof(Generated_source_matches_the_approved_snapshot))!
                .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
                .Select(a => (string)a.GetData(null!).Single()[0]).ToHashSet();
            var files = System.IO.Directory.GetFiles(directory, "*.verified.cs").Select(f => System.IO.Path.GetFileName(f)[..^".verified.cs".Length]);
            Assert.Equal(names.OrderBy(x => x), files.OrderBy(x => x));
        }

        private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
    }
}
