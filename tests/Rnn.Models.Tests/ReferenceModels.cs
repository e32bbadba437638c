namespace Rnn.Models.Tests
{
    // One model per PyTorch reference case in Reference/ (made by make_reference.py, configs in each file's metadata).

    [RnnModel(Input = 3)]
    [SimpleRnn(5)]
    [Dense(2)]
    public partial class RnnTanhMse { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [SimpleRnn(4, Activation = Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public partial class RnnReluBceLast { }

    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Dense(2)]
    public partial class LstmMse { }

    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(2)]
    public partial class GruMse { }

    [RnnModel]
    [Embedding(vocab: 7, dim: 3)]
    [Lstm(4)]
    [Dense(7, Activation.Softmax)]
    public partial class LstmEmbedCe { }

    [RnnModel]
    [OneHot(6)]
    [Gru(4)]
    [Dense(6, Activation.Softmax)]
    public partial class GruOneHotCe { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Lstm(4, Layers = 2)]
    [Dense(3, Activation.Softmax)]
    public partial class Lstm2LayerCeLast { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional]
    [Gru(4)]
    [Dense(3, Activation.Softmax)]
    public partial class BiGruCeLast { }

    [RnnModel]
    [Embedding(vocab: 9, dim: 4)]
    [Bidirectional]
    [Lstm(4, Layers = 2)]
    [Dense(9, Activation.Softmax)]
    public partial class BiLstm2LayerLengthsCe { }

    [RnnModel(Input = 3)]
    [Bidirectional]
    [SimpleRnn(4)]
    [Dense(2)]
    public partial class BiRnnMseLengths { }
}
