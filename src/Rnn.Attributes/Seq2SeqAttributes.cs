using System;

namespace Rnn
{
    /// <summary>
    /// Starts the encoder of a sequence-to-sequence model: the input and recurrent attributes after it, up to
    /// <see cref="DecoderAttribute"/>, read the source sequence. See docs/seq2seq.md.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class EncoderAttribute : Attribute
    {
    }

    /// <summary>
    /// Starts the decoder of a sequence-to-sequence model: a token input, one unidirectional <see cref="LstmAttribute"/>
    /// or <see cref="GruAttribute"/>, an <see cref="AttentionAttribute"/> and the <see cref="DenseAttribute"/> softmax head.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DecoderAttribute : Attribute
    {
        /// <summary>The target token fed at the first step (start of sequence).</summary>
        public int StartToken { get; set; } = 1;

        /// <summary>The target token that ends a sequence; decoding stops when it is produced.</summary>
        public int EndToken { get; set; } = 2;
    }

    /// <summary>Attention of the decoder over the encoder's outputs, masked to each source's length.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AttentionAttribute : LayerAttribute
    {
        /// <summary>Creates attention with the given score function.</summary>
        public AttentionAttribute(AttentionScore score = AttentionScore.Bahdanau) => Score = score;

        /// <summary>Luong's dot, general or concat score, or Bahdanau's additive attention.</summary>
        public AttentionScore Score { get; }

        /// <summary>Hidden units A of the additive scores (Concat, Bahdanau); 0 means the decoder's hidden size.</summary>
        public int Units { get; set; }
    }
}
