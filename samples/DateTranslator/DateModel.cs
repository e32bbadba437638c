using Rnn;

namespace DateTranslatorSample;

/// <summary>The sizes of <see cref="DateModel"/>: attribute arguments must be compile-time constants.</summary>
public static class Sizes
{
    public const int SourceVocabulary = 69;      // SourceAlphabet.Size: padding, unknown, 67 characters
    public const int TargetVocabulary = 14;      // TargetAlphabet.Size: padding, start, end, 0-9 and '-'
    public const int SourceEmbedding = 16;
    public const int EncoderHidden = 32;         // per direction: the encoder's outputs have 64 features
    public const int TargetEmbedding = 16;
    public const int DecoderHidden = 64;
}

/// <summary>
/// Human-readable dates to ISO 8601: a bidirectional LSTM reads the characters, an LSTM writes the ten output characters,
/// and at each step Luong's "general" attention (q · W_a h_s) picks the source characters the step's output is read from.
/// </summary>
[RnnModel]
[Encoder]
[Embedding(Sizes.SourceVocabulary, Sizes.SourceEmbedding)]
[Bidirectional] [Lstm(Sizes.EncoderHidden)]
[Decoder(StartToken = TargetAlphabet.Start, EndToken = TargetAlphabet.End)]
[Embedding(Sizes.TargetVocabulary, Sizes.TargetEmbedding)]
[Lstm(Sizes.DecoderHidden)]
[Attention(AttentionScore.General)]
[Dense(Sizes.TargetVocabulary, Activation.Softmax)]
public partial class DateModel { }
