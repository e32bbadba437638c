using Rnn;

namespace CharLmSample;

/// <summary>
/// The default model, declared with attributes: the embedded corpus has 125 distinct characters in its training
/// split, plus the unknown token. Other texts or sizes from the command line use <see cref="DynamicLanguageModel"/>,
/// the same layers with sizes chosen at run time.
/// </summary>
[RnnModel]
[Embedding(126, 64)]
[Lstm(256)]
[Dense(126, Activation.Softmax)]
public partial class CharModel
{
    public const int DefaultEmbedding = 64;
    public const int DefaultHidden = 256;
    public const int DefaultLayers = 1;
}
