using System;
using System.Collections.Generic;
using System.Globalization;
using Rnn.Layers;

namespace Rnn.Seq2Seq
{
    /// <summary>
    /// The sizes of an encoder–decoder with attention (docs/seq2seq.md) and the parameter layout they imply: tensor
    /// names, offsets and shapes in the order the PyTorch reference's state_dict lists them.
    /// </summary>
    public sealed class Seq2SeqShape
    {
        /// <summary>Creates the shape; names default to the documented ones.</summary>
        public Seq2SeqShape(int sourceVocabulary, int sourceEmbedding, IReadOnlyList<EncoderModule> encoder,
            int targetVocabulary, int targetEmbedding, CellType decoderCell, int decoderHidden, int decoderLayers,
            AttentionScore score, int attentionUnits, int startToken, int endToken)
        {
            if (encoder is null || encoder.Count == 0) throw new ArgumentException("An encoder needs at least one recurrent module.", nameof(encoder));
            SourceVocabulary = sourceVocabulary;
            SourceEmbedding = sourceEmbedding;
            Encoder = encoder;
            TargetVocabulary = targetVocabulary;
            TargetEmbedding = targetEmbedding;
            DecoderCell = decoderCell;
            DecoderHidden = decoderHidden;
            DecoderLayers = decoderLayers;
            Score = score;
            AttentionUnits = attentionUnits > 0 ? attentionUnits : decoderHidden;
            StartToken = startToken;
            EndToken = endToken;
            EncoderOutput = encoder[encoder.Count - 1].Output;
            if (score == AttentionScore.Dot && EncoderOutput != decoderHidden)
                throw new ArgumentException($"Dot attention needs the decoder's hidden size ({decoderHidden}) equal to the encoder's output features ({EncoderOutput}).", nameof(score));

            var tensors = new List<TensorInfo>();
            int offset = 0;
            void Add(string name, params int[] shape)
            {
                var t = new TensorInfo(name, offset, shape);
                tensors.Add(t);
                offset += t.Length;
            }

            string S(int l) => l.ToString(CultureInfo.InvariantCulture);
            Add("encoder_embedding.weight", sourceVocabulary, sourceEmbedding);
            EncoderOffsets = new int[encoder.Count];
            int input = sourceEmbedding;
            for (int i = 0; i < encoder.Count; i++)
            {
                var m = encoder[i];
                EncoderOffsets[i] = offset;
                int g = m.Cell.Gates() * m.Hidden, d = m.Bidirectional ? 2 : 1;
                for (int l = 0; l < m.Layers; l++)
                {
                    for (int dir = 0; dir < d; dir++)
                    {
                        string suffix = "_l" + S(l) + (dir == 1 ? "_reverse" : "");
                        Add(m.Name + ".weight_ih" + suffix, g, l == 0 ? input : d * m.Hidden);
                        Add(m.Name + ".weight_hh" + suffix, g, m.Hidden);
                        Add(m.Name + ".bias_ih" + suffix, g);
                        Add(m.Name + ".bias_hh" + suffix, g);
                    }
                }
                input = m.Output;
            }
            BridgeOffset = offset;
            Add("bridge.weight", decoderLayers * decoderHidden, EncoderOutput);
            Add("bridge.bias", decoderLayers * decoderHidden);
            DecoderEmbeddingOffset = offset;
            Add("decoder_embedding.weight", targetVocabulary, targetEmbedding);
            DecoderOffset = offset;
            int g2 = decoderCell.Gates() * decoderHidden;
            for (int l = 0; l < decoderLayers; l++)
            {
                Add("decoder.weight_ih_l" + S(l), g2, l == 0 ? DecoderInput : decoderHidden);
                Add("decoder.weight_hh_l" + S(l), g2, decoderHidden);
                Add("decoder.bias_ih_l" + S(l), g2);
                Add("decoder.bias_hh_l" + S(l), g2);
            }
            AttentionOffset = offset;
            switch (score)
            {
                case AttentionScore.Dot:
                    break;
                case AttentionScore.General:
                    Add("attention.weight", decoderHidden, EncoderOutput);
                    break;
                default:
                    Add("attention.query.weight", AttentionUnits, decoderHidden);
                    Add("attention.key.weight", AttentionUnits, EncoderOutput);
                    Add("attention.key.bias", AttentionUnits);
                    Add("attention.v.weight", 1, AttentionUnits);
                    break;
            }
            CombineOffset = offset;
            Add("combine.weight", decoderHidden, EncoderOutput + decoderHidden);
            Add("combine.bias", decoderHidden);
            DenseOffset = offset;
            Add("dense.weight", targetVocabulary, decoderHidden);
            Add("dense.bias", targetVocabulary);
            Tensors = tensors.ToArray();
            ParameterCount = offset;
        }

        public int SourceVocabulary { get; }
        public int SourceEmbedding { get; }
        public IReadOnlyList<EncoderModule> Encoder { get; }
        public int TargetVocabulary { get; }
        public int TargetEmbedding { get; }
        public CellType DecoderCell { get; }
        public int DecoderHidden { get; }
        public int DecoderLayers { get; }
        public AttentionScore Score { get; }
        public int AttentionUnits { get; }
        public int StartToken { get; }
        public int EndToken { get; }

        /// <summary>D_e: features of the encoder's outputs (and of its final state).</summary>
        public int EncoderOutput { get; }

        /// <summary>Features the decoder's first layer reads: the target embedding, and the context for Bahdanau.</summary>
        public int DecoderInput => TargetEmbedding + (Score == AttentionScore.Bahdanau ? EncoderOutput : 0);

        public TensorInfo[] Tensors { get; }
        public int ParameterCount { get; }
        public int[] EncoderOffsets { get; }
        public int BridgeOffset { get; }
        public int DecoderEmbeddingOffset { get; }
        public int DecoderOffset { get; }
        public int AttentionOffset { get; }
        public int CombineOffset { get; }
        public int DenseOffset { get; }
    }
}
