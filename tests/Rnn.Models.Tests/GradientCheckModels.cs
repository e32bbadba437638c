namespace Rnn.Models.Tests
{
    // Small models for the finite-difference gradient checks (GradientCheckTests) and reused by the
    // streaming, allocation and training tests. Sizes are kept tiny so that every parameter can be checked.

    // ── One cell of each kind, float inputs, many-to-many, linear head (MSE) ─────────────────────────────
    [RnnModel(Input = 3)]
    [SimpleRnn(4)]
    [Dense(2)]
    public partial class GcRnnTanh { }

    [RnnModel(Input = 3)]
    [SimpleRnn(4, Activation = Activation.Relu)]
    [Dense(2)]
    public partial class GcRnnRelu { }

    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Dense(2)]
    public partial class GcLstm { }

    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(2)]
    public partial class GcGru { }

    // ── Stacked layers (PyTorch num_layers) ──────────────────────────────────────────────────────────────
    [RnnModel(Input = 3)]
    [SimpleRnn(3, Layers = 2)]
    [Dense(2)]
    public partial class GcRnnTanh2 { }

    [RnnModel(Input = 3)]
    [SimpleRnn(4, Activation = Activation.Relu, Layers = 3)]
    [Dense(2)]
    public partial class GcRnnRelu3 { }

    [RnnModel(Input = 3)]
    [Lstm(3, Layers = 2)]
    [Dense(2)]
    public partial class GcLstm2 { }

    [RnnModel(Input = 3)]
    [Lstm(3, Layers = 3)]
    [Dense(2)]
    public partial class GcLstm3 { }

    [RnnModel(Input = 3)]
    [Gru(3, Layers = 2)]
    [Dense(2)]
    public partial class GcGru2 { }

    [RnnModel(Input = 3)]
    [Gru(3, Layers = 3)]
    [Dense(2)]
    public partial class GcGru3 { }

    // ── Bidirectional, every merge, every cell ───────────────────────────────────────────────────────────
    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Concat)]
    [Lstm(3)]
    [Dense(2)]
    public partial class GcBiLstmConcat { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [Lstm(3)]
    [Dense(2)]
    public partial class GcBiLstmSum { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Mul)]
    [Lstm(3)]
    [Dense(2)]
    public partial class GcBiLstmMul { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Average)]
    [Lstm(3)]
    [Dense(2)]
    public partial class GcBiLstmAverage { }

    [RnnModel(Input = 3)]
    [Bidirectional]
    [Gru(3)]
    [Dense(2)]
    public partial class GcBiGruConcat { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [Gru(3)]
    [Dense(2)]
    public partial class GcBiGruSum { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Mul)]
    [Gru(3)]
    [Dense(2)]
    public partial class GcBiGruMul { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Average)]
    [Gru(3)]
    [Dense(2)]
    public partial class GcBiGruAverage { }

    [RnnModel(Input = 3)]
    [Bidirectional]
    [SimpleRnn(3)]
    [Dense(2)]
    public partial class GcBiRnnConcat { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [SimpleRnn(3)]
    [Dense(2)]
    public partial class GcBiRnnSum { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Mul)]
    [SimpleRnn(3)]
    [Dense(2)]
    public partial class GcBiRnnMul { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Average)]
    [SimpleRnn(3, Activation = Activation.Relu)]
    [Dense(2)]
    public partial class GcBiRnnReluAverage { }

    // ── Bidirectional and stacked: layer k > 0 reads [forward ‖ reverse], the merge applies to the top ─────
    [RnnModel(Input = 3)]
    [Bidirectional]
    [Lstm(3, Layers = 2)]
    [Dense(2)]
    public partial class GcBiLstm2Concat { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [Gru(3, Layers = 2)]
    [Dense(2)]
    public partial class GcBiGru2Sum { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Mul)]
    [SimpleRnn(3, Layers = 3)]
    [Dense(2)]
    public partial class GcBiRnn3Mul { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Average)]
    [Lstm(3, Layers = 2)]
    [Dense(2)]
    public partial class GcBiLstm2Average { }

    // ── Bidirectional, many-to-one: the final state of each direction, every merge ───────────────────────
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional]
    [Lstm(3)]
    [Dense(3, Activation.Softmax)]
    public partial class GcBiLstmConcatLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Sum)]
    [Gru(3, Layers = 2)]
    [Dense(2)]
    public partial class GcBiGru2SumLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Mul)]
    [SimpleRnn(3)]
    [Dense(1, Activation.Sigmoid)]
    public partial class GcBiRnnMulLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Average)]
    [Lstm(3)]
    [Dense(2, Activation.Tanh)]
    public partial class GcBiLstmAverageLast { }

    // ── Several recurrent attributes in a row ────────────────────────────────────────────────────────────
    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Gru(3)]
    [Dense(2)]
    public partial class GcLstmGru { }

    [RnnModel(Input = 3)]
    [Gru(3)]
    [SimpleRnn(4)]
    [Lstm(3, Layers = 2)]
    [Dense(2)]
    public partial class GcGruRnnLstm { }

    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [Gru(3)]
    [Bidirectional]
    [Lstm(3, Layers = 2)]
    [Dense(2)]
    public partial class GcBiGruBiLstm { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Lstm(3, Layers = 2)]
    [Bidirectional(Merge = Merge.Mul)]
    [SimpleRnn(3)]
    [Dense(3, Activation.Softmax)]
    public partial class GcLstmBiRnnLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(4)]
    [Lstm(3)]
    [Dense(2)]
    public partial class GcGruLstmLast { }

    // ── Every head, many-to-many and many-to-one ─────────────────────────────────────────────────────────
    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(3, Activation.Sigmoid)]
    public partial class GcHeadSigmoid { }

    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Dense(4, Activation.Softmax)]
    public partial class GcHeadSoftmax { }

    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(2, Activation.Tanh)]
    public partial class GcHeadTanh { }

    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Dense(3, Activation.Relu)]
    public partial class GcHeadRelu { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Lstm(4)]
    [Dense(2)]
    public partial class GcHeadLinearLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [SimpleRnn(4)]
    [Dense(2, Activation.Sigmoid)]
    public partial class GcHeadSigmoidLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(4)]
    [Dense(3, Activation.Softmax)]
    public partial class GcHeadSoftmaxLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Lstm(4)]
    [Dense(2, Activation.Tanh)]
    public partial class GcHeadTanhLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(4)]
    [Dense(3, Activation.Relu)]
    public partial class GcHeadReluLast { }

    // ── Hidden dense layers before the head ──────────────────────────────────────────────────────────────
    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(5, Activation.Tanh)]
    [Dense(4, Activation.Relu)]
    [Dense(3, Activation.Sigmoid)]
    [Dense(3)]
    [Dense(2)]
    public partial class GcHiddenDense { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Lstm(4)]
    [Dense(4, Activation.Sigmoid)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Softmax)]
    public partial class GcHiddenDenseLast { }

    [RnnModel(Input = 3)]
    [Bidirectional]
    [SimpleRnn(3)]
    [Dense(4, Activation.Relu)]
    [Dense(2, Activation.Sigmoid)]
    public partial class GcBiHiddenDense { }

    // ── Token inputs: embedding and one-hot ──────────────────────────────────────────────────────────────
    [RnnModel]
    [Embedding(vocab: 7, dim: 3)]
    [Lstm(4)]
    [Dense(7, Activation.Softmax)]
    public partial class GcEmbedLstm { }

    [RnnModel(Returns = Returns.Last)]
    [Embedding(vocab: 6, dim: 3)]
    [Gru(4, Layers = 2)]
    [Dense(1, Activation.Sigmoid)]
    public partial class GcEmbedGru2Last { }

    [RnnModel]
    [Embedding(vocab: 5, dim: 2)]
    [Bidirectional(Merge = Merge.Sum)]
    [SimpleRnn(3)]
    [Dense(2)]
    public partial class GcEmbedBiRnn { }

    [RnnModel]
    [Embedding(vocab: 6, dim: 3)]
    [Gru(3)]
    [Dense(4, Activation.Tanh)]
    [Dense(6, Activation.Softmax)]
    public partial class GcEmbedGruHidden { }

    [RnnModel]
    [OneHot(6)]
    [Gru(4)]
    [Dense(6, Activation.Softmax)]
    public partial class GcOneHotGru { }

    [RnnModel(Returns = Returns.Last)]
    [OneHot(5)]
    [Lstm(3)]
    [Dense(2, Activation.Tanh)]
    public partial class GcOneHotLstmLast { }

    [RnnModel]
    [OneHot(4)]
    [Bidirectional(Merge = Merge.Mul)]
    [SimpleRnn(3, Activation = Activation.Relu)]
    [Dense(3, Activation.Relu)]
    public partial class GcOneHotBiRnnRelu { }

    [RnnModel]
    [OneHot(5)]
    [SimpleRnn(4, Layers = 2)]
    [Lstm(3)]
    [Dense(2, Activation.Sigmoid)]
    public partial class GcOneHotRnnLstm { }
}
