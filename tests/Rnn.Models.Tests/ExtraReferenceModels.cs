namespace Rnn.Models.Tests
{
    // One model per extra reference case in Reference/extra/ (written by tools/export_reference.py: `export_reference.py cases DIR`;
    // `export_reference.py list` prints these declarations). Class names start with X to stay apart from ReferenceModels.cs.

    // gru_lengths_mse: GRU with lengths, sequence, MSE
    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(2)]
    public partial class XGruLengthsMse { }

    // gru_lengths_ce_last: GRU with lengths, last state, CE
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(5)]
    [Dense(3, Activation.Softmax)]
    public partial class XGruLengthsCeLast { }

    // lstm_lengths_mse: LSTM with lengths, sequence, MSE
    [RnnModel(Input = 2)]
    [Lstm(5)]
    [Dense(3)]
    public partial class XLstmLengthsMse { }

    // lstm_lengths_bce_last: LSTM with lengths (none full), last state, BCE
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Lstm(4)]
    [Dense(2, Activation.Sigmoid)]
    public partial class XLstmLengthsBceLast { }

    // gru_sigmoid_lengths: sigmoid head on a sequence with lengths (masked BCE)
    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(3, Activation.Sigmoid)]
    public partial class XGruSigmoidLengths { }

    // lstm_tanh_head: tanh head, MSE on tanh(logits), with lengths
    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Dense(2, Activation.Tanh)]
    public partial class XLstmTanhHead { }

    // gru_relu_head: relu head, MSE on relu(logits), with lengths
    [RnnModel(Input = 2)]
    [Gru(5)]
    [Dense(3, Activation.Relu)]
    public partial class XGruReluHead { }

    // lstm_hidden_tanh: hidden Dense(5, Tanh) before a linear head, sequence
    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Dense(5, Activation.Tanh)]
    [Dense(2)]
    public partial class XLstmHiddenTanh { }

    // gru_hidden_relu_ce_last: hidden Dense(5, Relu) before a softmax head, last state
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(4)]
    [Dense(5, Activation.Relu)]
    [Dense(3, Activation.Softmax)]
    public partial class XGruHiddenReluCeLast { }

    // lstm_hidden_relu_tanh_mse: two hidden Dense layers (Relu, Tanh), sequence
    [RnnModel(Input = 2)]
    [Lstm(4)]
    [Dense(5, Activation.Relu)]
    [Dense(4, Activation.Tanh)]
    [Dense(2)]
    public partial class XLstmHiddenReluTanh { }

    // gru_3layer_mse: 3-layer GRU, sequence, lengths
    [RnnModel(Input = 3)]
    [Gru(4, Layers = 3)]
    [Dense(2)]
    public partial class XGru3LayerMse { }

    // gru_3layer_ce_last: 3-layer GRU, last state of the top layer
    [RnnModel(Input = 2, Returns = Returns.Last)]
    [Gru(3, Layers = 3)]
    [Dense(3, Activation.Softmax)]
    public partial class XGru3LayerCeLast { }

    // bilstm_sum_mse: bidirectional Merge.Sum, sequence, lengths
    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [Lstm(4)]
    [Dense(2)]
    public partial class XBiLstmSumMse { }

    // bigru_sum_ce_last: 2-layer bidirectional Merge.Sum, last states summed
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Sum)]
    [Gru(4, Layers = 2)]
    [Dense(3, Activation.Softmax)]
    public partial class XBiGruSumCeLast { }

    // bigru_mul_mse: bidirectional Merge.Mul, sequence, lengths
    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Mul)]
    [Gru(5)]
    [Dense(2)]
    public partial class XBiGruMulMse { }

    // bilstm_mul_bce_last: bidirectional Merge.Mul, last states multiplied
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Mul)]
    [Lstm(4)]
    [Dense(2, Activation.Sigmoid)]
    public partial class XBiLstmMulBceLast { }

    // birnn_avg_mse: bidirectional Merge.Average, sequence
    [RnnModel(Input = 3)]
    [Bidirectional(Merge = Merge.Average)]
    [SimpleRnn(4)]
    [Dense(2)]
    public partial class XBiRnnAvgMse { }

    // bilstm_avg_ce_last: 2-layer bidirectional Merge.Average, last state
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Average)]
    [Lstm(4, Layers = 2)]
    [Dense(3, Activation.Softmax)]
    public partial class XBiLstmAvgCeLast { }

    // lstm_bigru_mse: two recurrent modules: [Lstm(5)] [Bidirectional] [Gru(4)], sequence
    [RnnModel(Input = 3)]
    [Lstm(5)]
    [Bidirectional]
    [Gru(4)]
    [Dense(3)]
    public partial class XLstmBiGruMse { }

    // rnn_lstm2_gru_ce_last: three modules: [SimpleRnn(4)] [Lstm(3, Layers = 2)] [Gru(5)], last
    [RnnModel(Input = 3, Returns = Returns.Last)]
    [SimpleRnn(4)]
    [Lstm(3, Layers = 2)]
    [Gru(5)]
    [Dense(3, Activation.Softmax)]
    public partial class XRnnLstm2GruCeLast { }

    // bilstm_sum_gru_embed_ce: embedding, summed bidirectional module feeding a GRU, sequence CE
    [RnnModel]
    [Embedding(vocab: 7, dim: 3)]
    [Bidirectional(Merge = Merge.Sum)]
    [Lstm(4)]
    [Gru(3)]
    [Dense(7, Activation.Softmax)]
    public partial class XEmbedBiLstmSumGruCe { }

    // gru_bilstm_mul_mse_last: GRU then multiplied bidirectional LSTM, last state, MSE
    [RnnModel(Input = 2, Returns = Returns.Last)]
    [Gru(4)]
    [Bidirectional(Merge = Merge.Mul)]
    [Lstm(3)]
    [Dense(2)]
    public partial class XGruBiLstmMulLast { }

    // onehot_bilstm_ce_last: one-hot input, bidirectional LSTM, last state, CE
    [RnnModel(Returns = Returns.Last)]
    [OneHot(5)]
    [Bidirectional]
    [Lstm(4)]
    [Dense(3, Activation.Softmax)]
    public partial class XOneHotBiLstmCeLast { }

    // embed_relu_rnn_ce: embedding + relu RNN with a length of 1, sequence CE
    [RnnModel]
    [Embedding(vocab: 8, dim: 3)]
    [SimpleRnn(5, Activation = Activation.Relu)]
    [Dense(8, Activation.Softmax)]
    public partial class XEmbedReluRnnCe { }

    // lstm_input1_mse: one input feature (streaming-like), LSTM(6), full lengths
    [RnnModel(Input = 1)]
    [Lstm(6)]
    [Dense(1)]
    public partial class XLstmInput1Mse { }
}
