namespace Rnn.Generators.Model
{
    // The generator's own copies of the attribute enums (same numeric values as in Rnn.Attributes):
    // the generator must not load the attributes assembly.
    internal enum ReturnsKind { Sequence = 0, Last = 1 }

    internal enum ActivationKind { Linear = 0, Sigmoid = 1, Softmax = 2, Tanh = 3, Relu = 4 }

    internal enum MergeKind { Concat = 0, Sum = 1, Mul = 2, Average = 3 }

    internal enum InputKind { Features, Embedding, OneHot }

    internal enum CellKind { SimpleRnn, Lstm, Gru }

    /// <summary>The model input: float features, an embedding lookup or one-hot tokens.</summary>
    /// <param name="Size">Features per step (<see cref="InputKind.Features"/>) or vocabulary size.</param>
    /// <param name="Dim">Features the first recurrent layer reads: Size for features and one-hot, the embedding dimension otherwise.</param>
    /// <param name="Dropout">Dropout rate on the embedded vectors (embedding input only).</param>
    internal sealed record InputSpec(InputKind Kind, int Size, int Dim, string Name, float Dropout = 0f);

    /// <summary>One recurrent attribute: a PyTorch RNN/LSTM/GRU module with its own layers and directions.</summary>
    /// <param name="Dropout">PyTorch's dropout between stacked layers.</param>
    /// <param name="RecurrentDropout">Keras' recurrent dropout on h_{t−1}.</param>
    internal sealed record RecurrentSpec(
        CellKind Cell, int Input, int Hidden, int Layers, bool Bidirectional, MergeKind Merge,
        ActivationKind Activation, string Name, float Dropout = 0f, float RecurrentDropout = 0f)
    {
        /// <summary>Floats of carried state per sequence: h (and c for LSTM) of every layer's forward direction.</summary>
        public int StateSize => Layers * (Cell == CellKind.Lstm ? 2 : 1) * Hidden;

        public int Directions => Bidirectional ? 2 : 1;

        public int Gates => Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };

        /// <summary>Features per step that the block hands on (2H for a concatenated bidirectional block).</summary>
        public int Output => Bidirectional && Merge == MergeKind.Concat ? 2 * Hidden : Hidden;

        /// <summary>Features layer <paramref name="layer"/> reads.</summary>
        public int LayerInput(int layer) => layer == 0 ? Input : Directions * Hidden;
    }

    /// <summary>One dense layer; the last one is the head.</summary>
    internal sealed record DenseSpec(int Input, int Units, ActivationKind Activation, string Name);

    /// <summary>A containing type of a nested model class, outermost first.</summary>
    internal sealed record ContainingTypeSpec(string Keyword, string Name);

    /// <summary>Everything the emitter needs about one model class; value-equatable, no symbols or syntax.</summary>
    internal sealed record ModelSpec(
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string ClassName,
        ReturnsKind Returns,
        InputSpec Input,
        EquatableArray<RecurrentSpec> Recurrent,
        EquatableArray<DenseSpec> Dense)
    {
        public DenseSpec Head => Dense[Dense.Count - 1];

        public string HintName =>
            (Namespace is null ? "" : Namespace + ".")
            + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "."))
            + ClassName + ".g.cs";
    }
}

namespace Rnn.Generators.Model
{
    internal enum AttentionKind { Dot = 0, General = 1, Concat = 2, Bahdanau = 3 }

    /// <summary>An encoder–decoder with attention (docs/seq2seq.md); value-equatable, no symbols or syntax.</summary>
    internal sealed record Seq2SeqSpec(
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string ClassName,
        int SourceVocabulary,
        int SourceEmbedding,
        EquatableArray<RecurrentSpec> Encoder,
        int TargetVocabulary,
        int TargetEmbedding,
        RecurrentSpec Decoder,
        AttentionKind Score,
        int AttentionUnits,
        int StartToken,
        int EndToken)
    {
        public int EncoderOutput => Encoder[Encoder.Count - 1].Output;

        public string HintName =>
            (Namespace is null ? "" : Namespace + ".")
            + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "."))
            + ClassName + ".g.cs";
    }
}
