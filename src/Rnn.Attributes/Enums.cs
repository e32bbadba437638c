namespace Rnn
{
    /// <summary>What a model's <c>Forward</c> returns: every step, or only the last one.</summary>
    public enum Returns
    {
        /// <summary>Many-to-many: outputs <c>[batch, steps, out]</c>.</summary>
        Sequence = 0,
        /// <summary>Many-to-one: outputs <c>[batch, out]</c> from the final state of the top recurrent layer.</summary>
        Last = 1,
    }

    /// <summary>Activation of a <see cref="DenseAttribute"/> or of a <see cref="SimpleRnnAttribute"/>.</summary>
    public enum Activation
    {
        /// <summary>y = x. As the head: mean squared error.</summary>
        Linear = 0,
        /// <summary>y = 1 / (1 + e^-x). As the head: binary cross-entropy.</summary>
        Sigmoid = 1,
        /// <summary>y_k = e^x_k / Σ e^x_j. As the head: cross-entropy over class ids.</summary>
        Softmax = 2,
        /// <summary>y = tanh x.</summary>
        Tanh = 3,
        /// <summary>y = max(0, x).</summary>
        Relu = 4,
    }

    /// <summary>How <see cref="BidirectionalAttribute"/> combines the forward and the reverse outputs (Keras' merge_mode).</summary>
    public enum Merge
    {
        /// <summary><c>[forward ‖ reverse]</c>, 2·H features (PyTorch's layout).</summary>
        Concat = 0,
        /// <summary>forward + reverse, H features.</summary>
        Sum = 1,
        /// <summary>forward ⊙ reverse, H features.</summary>
        Mul = 2,
        /// <summary>(forward + reverse) / 2, H features.</summary>
        Average = 3,
    }

    /// <summary>How an <see cref="AttentionAttribute"/> scores a decoder query q against every encoder output h_s.</summary>
    public enum AttentionScore
    {
        /// <summary>Luong's dot: q · h_s (the decoder's hidden size must equal the encoder's output features).</summary>
        Dot = 0,
        /// <summary>Luong's general: q · (W_a h_s).</summary>
        General = 1,
        /// <summary>Luong's concat: v · tanh(W_q q + W_k h_s + b_k), with q the decoder's current state.</summary>
        Concat = 2,
        /// <summary>Bahdanau's additive attention: the concat score with q the previous state; the context feeds the decoder's input.</summary>
        Bahdanau = 3,
    }
}
