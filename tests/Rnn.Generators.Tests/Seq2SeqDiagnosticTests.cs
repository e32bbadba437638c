using System.Linq;
using Microsoft.CodeAnalysis;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>Every invalid encoder–decoder combination gets RNN0024–RNN0026 on the offending attribute, and nothing is emitted.</summary>
    public sealed class Seq2SeqDiagnosticTests
    {
        private static string InApp(string body) => "using Rnn;\n\nnamespace App\n{\n" + body + "\n}\n";

        private static string Message(Diagnostic d) => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        private const string Encoder = "[Encoder] [Embedding(30, 16)] [Bidirectional] [Lstm(32)]";
        private const string Decoder = "[Decoder] [Embedding(14, 8)] [Lstm(64)]";

        [Theory]
        [InlineData("RnnModel", Encoder + " " + Decoder + " [{|RNN0024:Dense(14, Activation.Softmax)|}]", "needs [Attention] before its [Dense] head")]
        [InlineData("RnnModel", Encoder + " [{|RNN0024:Embedding(14, 8)|}] [Lstm(64)] [Attention] [Dense(14, Activation.Softmax)]", "starts with exactly one [Embedding]")]
        [InlineData("{|RNN0024:RnnModel|}", Encoder + " [Decoder] [Embedding(14, 8)] [Lstm(64)] [Attention]", "it needs the [Dense(target vocab, Activation.Softmax)] head")]
        [InlineData("RnnModel", "[{|RNN0024:Decoder|}] [Embedding(14, 8)] [Lstm(64)] [Attention] [Dense(14, Activation.Softmax)]", "[Decoder] must follow [Encoder]")]
        [InlineData("RnnModel", Encoder + " [Decoder] [Embedding(14, 8)] [{|RNN0024:Bidirectional|}] [Lstm(64)] [Attention] [Dense(14, Activation.Softmax)]", "cannot be bidirectional")]
        [InlineData("RnnModel", Encoder + " [Decoder] [Embedding(14, 8)] [{|RNN0024:SimpleRnn(64)|}] [Attention] [Dense(14, Activation.Softmax)]", "the decoder is an [Lstm] or a [Gru]")]
        [InlineData("RnnModel", Encoder + " [Decoder] [Embedding(14, 8)] [Lstm(64)] [{|RNN0024:Gru(8)|}] [Attention] [Dense(14, Activation.Softmax)]", "exactly one recurrent layer")]
        [InlineData("RnnModel", "[Encoder] [{|RNN0024:OneHot(30)|}] [Lstm(32)] " + Decoder + " [Attention] [Dense(14, Activation.Softmax)]", "not [OneHot]")]
        [InlineData("RnnModel", Encoder + " " + Decoder + " [Attention] [{|RNN0024:Dense(14)|}]", "use Activation.Softmax")]
        [InlineData("RnnModel", Encoder + " " + Decoder + " [Attention] [{|RNN0024:Dense(12, Activation.Softmax)|}]", "they must be equal")]
        [InlineData("RnnModel", "[Encoder] [Embedding(30, 16)] [{|RNN0024:Lstm(32, Name = \"enc\")|}] " + Decoder + " [Attention] [Dense(14, Activation.Softmax)]", "tensor names are fixed")]
        [InlineData("RnnModel", "[Encoder] [Embedding(30, 16)] [{|RNN0024:Lstm(32, Layers = 2, Dropout = 0.1f)|}] " + Decoder + " [Attention] [Dense(14, Activation.Softmax)]", "dropout is not supported")]
        [InlineData("{|RNN0024:RnnModel(Input = 3)|}", Encoder + " " + Decoder + " [Attention] [Dense(14, Activation.Softmax)]", "RnnModel.Input does not apply")]
        public void RNN0024_an_encoder_decoder_out_of_shape(string model, string layers, string message)
        {
            var diagnostics = DiagnosticAssert.Verify(InApp("[" + model + "]\n" + layers + "\npublic partial class M { }"));
            Assert.Contains(diagnostics, d => d.Id == "RNN0024" && Message(d).Contains(message));
            Assert.All(diagnostics.Where(d => d.Id == "RNN0024"), d => Assert.StartsWith("M: ", Message(d)));
        }

        [Fact]
        public void RNN0025_dot_attention_needs_equal_sizes()
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel] " + Encoder + " [Decoder] [Embedding(14, 8)] [Lstm(48)] [{|RNN0025:Attention(AttentionScore.Dot)|}] [Dense(14, Activation.Softmax)]\npublic partial class M { }")).Single();
            Assert.Contains("(48 features) with the encoder's outputs (64 features)", Message(d));
        }

        [Theory]
        [InlineData("StartToken = 1, EndToken = 14", "EndToken = 14")]
        [InlineData("StartToken = -1, EndToken = 2", "StartToken = -1")]
        [InlineData("StartToken = 3, EndToken = 3", "EndToken = 3")]
        public void RNN0026_special_tokens_lie_in_the_target_vocabulary_and_differ(string tokens, string message)
        {
            var d = DiagnosticAssert.Verify(InApp("[RnnModel] " + Encoder + " [{|RNN0026:Decoder(" + tokens + ")|}] [Embedding(14, 8)] [Lstm(64)] [Attention] [Dense(14, Activation.Softmax)]\npublic partial class M { }")).Single();
            Assert.Contains(message, Message(d));
            Assert.Contains("0 … 13", Message(d));
        }
    }
}
