using System;

namespace Rnn
{
    /// <summary>Token input through a learned lookup table (PyTorch <c>nn.Embedding(vocab, dim)</c>, tensor <c>{name}.weight</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class EmbeddingAttribute : LayerAttribute
    {
        /// <summary>Creates an embedding of <paramref name="vocab"/> tokens into <paramref name="dim"/> features.</summary>
        public EmbeddingAttribute(int vocab, int dim) { Vocab = vocab; Dim = dim; }
        /// <summary>Number of token ids, 0 … vocab−1.</summary>
        public int Vocab { get; }
        /// <summary>Features per token.</summary>
        public int Dim { get; }
        /// <summary>Inverted dropout on the embedded vectors while the model's <c>Training</c> is on (PyTorch's word language model: <c>drop(encoder(input))</c>). In [0, 1).</summary>
        public float Dropout { get; set; }
    }

    /// <summary>Token input as one-hot vectors of length <see cref="Vocab"/> (no parameters).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class OneHotAttribute : LayerAttribute
    {
        /// <summary>Creates a one-hot input over <paramref name="vocab"/> token ids.</summary>
        public OneHotAttribute(int vocab) => Vocab = vocab;
        /// <summary>Number of token ids, 0 … vocab−1.</summary>
        public int Vocab { get; }
    }

    /// <summary>Vanilla (Elman) RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh), PyTorch <c>nn.RNN</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SimpleRnnAttribute : RecurrentAttribute
    {
        /// <summary>Creates a vanilla RNN with <paramref name="hidden"/> units.</summary>
        public SimpleRnnAttribute(int hidden) : base(hidden) { }
        /// <summary><see cref="Rnn.Activation.Tanh"/> (default) or <see cref="Rnn.Activation.Relu"/>.</summary>
        public Activation Activation { get; set; } = Activation.Tanh;
    }

    /// <summary>Long short-term memory, PyTorch <c>nn.LSTM</c>: gates [i|f|g|o], c' = f⊙c + i⊙g, h' = o⊙tanh(c').</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LstmAttribute : RecurrentAttribute
    {
        /// <summary>Creates an LSTM with <paramref name="hidden"/> units.</summary>
        public LstmAttribute(int hidden) : base(hidden) { }
    }

    /// <summary>Gated recurrent unit, PyTorch <c>nn.GRU</c>: gates [r|z|n], h' = (1−z)⊙n + z⊙h.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GruAttribute : RecurrentAttribute
    {
        /// <summary>Creates a GRU with <paramref name="hidden"/> units.</summary>
        public GruAttribute(int hidden) : base(hidden) { }
    }

    /// <summary>Makes the recurrent layer written right after it bidirectional (PyTorch <c>bidirectional=True</c>).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class BidirectionalAttribute : Attribute
    {
        /// <summary>How the two directions' outputs combine; <see cref="Rnn.Merge.Concat"/> by default.</summary>
        public Merge Merge { get; set; } = Merge.Concat;
    }

    /// <summary>Fully connected layer applied to every step (or to the last state), PyTorch <c>nn.Linear</c>. The last one is the head; its activation picks the loss.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>Creates a dense layer with <paramref name="units"/> outputs and the given activation.</summary>
        public DenseAttribute(int units, Activation activation = Activation.Linear) { Units = units; Activation = activation; }
        /// <summary>Output features.</summary>
        public int Units { get; }
        /// <summary>Activation applied after the affine map.</summary>
        public Activation Activation { get; }
    }
}
