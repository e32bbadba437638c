using Rnn;

namespace Rnn.Benchmarks
{
    // ── Streaming (one sample per Step) and block inference ───────────────────────────────

    /// <summary>W1: the guitar-amp model, LSTM(1 → 32) + Dense(1).</summary>
    [RnnModel(Input = 1)]
    [Lstm(32)]
    [Dense(1)]
    public partial class W1 { }

    /// <summary>GRU(1 → 32) + Dense(1).</summary>
    [RnnModel(Input = 1)]
    [Gru(32)]
    [Dense(1)]
    public partial class Gru32 { }

    /// <summary>LSTM(1 → 128) + Dense(1).</summary>
    [RnnModel(Input = 1)]
    [Lstm(128)]
    [Dense(1)]
    public partial class Lstm128 { }

    /// <summary>LSTM(8 → 64, 2 layers) + Dense(8).</summary>
    [RnnModel(Input = 8)]
    [Lstm(64, Layers = 2)]
    [Dense(8)]
    public partial class Lstm64x2 { }

    // ── Training ───────────────────────────────────────────────────────────────────────────

    /// <summary>W2: character language model, Embedding(65, 128) → LSTM(128) → Dense(65, softmax).</summary>
    [RnnModel]
    [Embedding(vocab: 65, dim: 128)]
    [Lstm(128)]
    [Dense(65, Activation.Softmax)]
    public partial class W2 { }

    /// <summary>W3: classifier, bidirectional GRU(32 → 64), last state, Dense(2, softmax).</summary>
    [RnnModel(Input = 32, Returns = Returns.Last)]
    [Bidirectional]
    [Gru(64)]
    [Dense(2, Activation.Softmax)]
    public partial class W3 { }

    // ── W2 scaling: the same char-LM with LSTM hidden 32 … 512 (embedding stays 128; hidden 128 is W2 itself) ──

    /// <summary>W2 with LSTM(32).</summary>
    [RnnModel]
    [Embedding(vocab: 65, dim: 128)]
    [Lstm(32)]
    [Dense(65, Activation.Softmax)]
    public partial class W2H32 { }

    /// <summary>W2 with LSTM(64).</summary>
    [RnnModel]
    [Embedding(vocab: 65, dim: 128)]
    [Lstm(64)]
    [Dense(65, Activation.Softmax)]
    public partial class W2H64 { }

    /// <summary>W2 with LSTM(256).</summary>
    [RnnModel]
    [Embedding(vocab: 65, dim: 128)]
    [Lstm(256)]
    [Dense(65, Activation.Softmax)]
    public partial class W2H256 { }

    /// <summary>W2 with LSTM(512).</summary>
    [RnnModel]
    [Embedding(vocab: 65, dim: 128)]
    [Lstm(512)]
    [Dense(65, Activation.Softmax)]
    public partial class W2H512 { }
}
