using System.Collections.Generic;
using System.Linq;

namespace Rnn.Generators.Tests
{
    /// <summary>Valid model declarations, varied over every attribute and every kind of enclosing declaration.</summary>
    internal static class ModelCatalog
    {
        private static string InApp(string body) => "using Rnn;\n\nnamespace App\n{\n" + Indent(body) + "}\n";

        private static string Indent(string body) =>
            string.Concat(body.Replace("\r\n", "\n").TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? "\n" : "    " + l + "\n"));

        /// <summary>Name → the source files of one user project (each holding one or more models).</summary>
        public static readonly Dictionary<string, string[]> Valid = new()
        {
            // The two models of the design document, verbatim.
            ["Amp"] = new[] { InApp("""
                // Many-to-many regression on float features, e.g. a guitar-amp model (streaming).
                [RnnModel(Input = 1)]                       // Returns = Returns.Sequence is the default
                [Lstm(32)]
                [Dense(1)]                                  // linear head → mean squared error
                public partial class AmpModel { }
                """) },
            ["Sentiment"] = new[] { InApp("""
                // Many-to-one classification on tokens.
                [RnnModel(Returns = Returns.Last)]
                [Embedding(vocab: 20000, dim: 64)]
                [Bidirectional]                              // applies to the recurrent layer that follows it
                [Gru(64, Layers = 2)]
                [Dense(2, Activation.Softmax)]              // softmax head → cross-entropy
                public partial class Sentiment { }
                """) },
            ["SimpleRnnTanh"] = new[] { InApp("""
                [RnnModel(Input = 2)]
                [SimpleRnn(8)]
                [Dense(1)]
                public partial class Elman { }
                """) },
            ["SimpleRnnReluLastSigmoid"] = new[] { InApp("""
                [RnnModel(Input = 3, Returns = Returns.Last)]
                [SimpleRnn(6, Activation = Activation.Relu, Layers = 2)]
                [Dense(1, Activation.Sigmoid)]
                public partial class Detector { }
                """) },
            ["CharLm"] = new[] { InApp("""
                [RnnModel]
                [OneHot(30)]
                [Lstm(16, Layers = 3)]
                [Dense(30, Activation.Softmax)]
                public partial class CharLm { }
                """) },
            ["DropoutLm"] = new[] { InApp("""
                [RnnModel]
                [Embedding(40, 8, Dropout = 0.1f)]
                [Gru(16, Layers = 2, Dropout = 0.25f, RecurrentDropout = 0.2f)]
                [Dense(40, Activation.Softmax)]
                public partial class DropoutLm { }
                """) },
            ["DateSeq2Seq"] = new[] { InApp("""
                [RnnModel]
                [Encoder] [Embedding(40, 16)] [Bidirectional] [Lstm(32)]
                [Decoder(StartToken = 1, EndToken = 2)] [Embedding(14, 8)] [Lstm(64)]
                [Attention(AttentionScore.Bahdanau, Units = 32)]
                [Dense(14, Activation.Softmax)]
                public partial class DateModel { }
                """) },
            ["LuongSeq2Seq"] = new[] { InApp("""
                [RnnModel]
                [Encoder] [Embedding(20, 8)] [Gru(16, Layers = 2)] [Bidirectional(Merge = Merge.Sum)] [Lstm(16)]
                [Decoder(StartToken = 0, EndToken = 9)] [Embedding(10, 4)] [Gru(16, Layers = 2)]
                [Attention(AttentionScore.Dot)]
                [Dense(10, Activation.Softmax)]
                public partial class Luong { }
                """) },
            ["BidirectionalConcat"] = new[] { InApp("""
                [RnnModel(Input = 4)]
                [Bidirectional(Merge = Merge.Concat)]
                [Lstm(5, Layers = 2)]
                [Dense(2, Activation.Tanh)]
                public partial class BiConcat { }
                """) },
            ["BidirectionalSum"] = new[] { InApp("""
                [RnnModel(Input = 4, Returns = Returns.Last)]
                [Bidirectional(Merge = Merge.Sum)]
                [Gru(5)]
                [Dense(2, Activation.Relu)]
                public partial class BiSum { }
                """) },
            ["BidirectionalMul"] = new[] { InApp("""
                [RnnModel(Input = 4)]
                [Bidirectional(Merge = Merge.Mul)]
                [SimpleRnn(5, Activation = Activation.Relu, Layers = 3)]
                [Dense(1, Activation.Sigmoid)]
                public partial class BiMul { }
                """) },
            ["BidirectionalAverage"] = new[] { InApp("""
                [RnnModel]
                [Embedding(50, 6)]
                [Bidirectional(Merge = Merge.Average)]
                [Lstm(5)]
                [Dense(50, Activation.Softmax)]
                public partial class BiAverage { }
                """) },
            ["RecurrentStack"] = new[] { InApp("""
                [RnnModel(Input = 3)]
                [Lstm(8)]
                [Bidirectional]
                [Gru(6)]
                [SimpleRnn(4, Layers = 2)]
                [Dense(2, Activation.Relu)]
                public partial class Stack { }
                """) },
            ["HiddenDense"] = new[] { InApp("""
                [RnnModel(Returns = Returns.Last)]
                [Embedding(100, 8)]
                [Gru(8)]
                [Dense(16, Activation.Relu)]
                [Dense(8, Activation.Tanh)]
                [Dense(4, Activation.Sigmoid)]
                [Dense(3, Activation.Softmax)]
                public partial class Deep { }
                """) },
            ["ExplicitNames"] = new[] { InApp("""
                [RnnModel]
                [Embedding(100, 8, Name = "tok_emb")]
                [Lstm(8, Name = "encoder")]
                [Gru(8, Name = "Decoder2")]
                [Dense(4, Name = "dense1")]
                [Dense(4, Activation.Tanh, Name = "dense_1")]
                [Dense(100, Activation.Softmax, Name = "_out")]
                public partial class Named { }
                """) },
            ["NameNull"] = new[] { InApp("""
                [RnnModel(Input = 2)]
                [Lstm(4, Name = null)]
                [Dense(1, Name = null)]
                public partial class Defaults { }
                """) },
            ["InputZeroWithEmbedding"] = new[] { InApp("""
                [RnnModel(Input = 0, Returns = Returns.Last)]
                [Embedding(50, 4)]
                [Lstm(4)]
                [Dense(1)]
                public partial class Regressor { }
                """) },
            ["Nested"] = new[] { InApp("""
                public static partial class Outer
                {
                    internal partial struct Middle
                    {
                        [RnnModel(Input = 2)]
                        [Gru(4)]
                        [Dense(1)]
                        public partial class Model { }
                    }
                }
                """) },
            ["NestedInRecordAndInterface"] = new[] { InApp("""
                public partial record Outer
                {
                    public partial interface IInner
                    {
                        [RnnModel(Input = 2)]
                        [Lstm(4)]
                        [Dense(1)]
                        public partial class Model { }
                    }
                }

                public partial record struct Pair
                {
                    [RnnModel(Input = 2)]
                    [SimpleRnn(4)]
                    [Dense(1)]
                    internal sealed partial class Model { }
                }
                """) },
            ["GlobalNamespace"] = new[] { """
                using Rnn;

                [RnnModel(Input = 2)]
                [Lstm(4)]
                [Dense(1)]
                public partial class GlobalModel { }
                """ },
            ["FileScopedNamespace"] = new[] { """
                using Rnn;

                namespace App.Models;

                [RnnModel(Input = 2, Returns = Returns.Last)]
                [Gru(4)]
                [Dense(3, Activation.Softmax)]
                public partial class Classifier { }
                """ },
            ["SplitAcrossFiles"] = new[]
            {
                InApp("""
                    [RnnModel(Input = 2)]
                    [Lstm(4)]
                    partial class Split { }
                    """),
                InApp("""
                    [Dense(1)]
                    public partial class Split
                    {
                        public int Extra => ParameterCount + 1;
                    }
                    """),
            },
            ["OneAttributeList"] = new[] { InApp("""
                [RnnModel(Input = 2), Bidirectional, Lstm(4), Dense(1, Activation.Sigmoid)]
                internal sealed partial class Compact { }

                [RnnModel(Input = 2)] [Gru(3)] [Dense(1)]
                public abstract partial class Abstract { }
                """) },
            ["FullyQualified"] = new[] { """
                namespace App
                {
                    [global::Rnn.RnnModel(Input = 2, Returns = global::Rnn.Returns.Last)]
                    [Rnn.LstmAttribute(4, Layers = 2)]
                    [Rnn.Dense(1, Rnn.Activation.Tanh)]
                    public partial class Qualified { }
                }
                """ },
            // Names in the user's namespace that shadow what unqualified generated code would mean.
            ["HostileNames"] = new[] { """
                using Rnn;

                namespace Contoso.Rnn.System
                {
                    public class Span { }
                    public class ReadOnlySpan { }
                    public class Array { }
                    public class Math { }
                    public class MathF { }
                    public class Activation { }
                    public class Layers { }
                    public class Init { }
                    public class TensorInfo { }
                    public class ModelFiles { }
                    public class MemoryExtensions { }
                    public class Collections { }
                    public class NotSupportedException { }
                    public class Float { }

                    [RnnModel(Returns = Returns.Last)]
                    [Embedding(20, 4)]
                    [Bidirectional]
                    [Lstm(4)]
                    [Dense(2, global::Rnn.Activation.Softmax)]
                    public partial class Guarded
                    {
                        private int _x0 = 1;
                        public int X => _x0;
                    }
                }
                """ },
        };

        /// <summary>How many [RnnModel] classes a catalogue entry declares.</summary>
        public static int ModelCount(string name) =>
            Valid[name].Sum(s => System.Text.RegularExpressions.Regex.Matches(s, @"\bRnnModel\b").Count);

        public static IEnumerable<object[]> Names => Valid.Keys.Select(k => new object[] { k });
    }
}
