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

            var table = new TensorTable();
            table.Add("encoder_embedding.weight", sourceVocabulary, sourceEmbedding);
            EncoderOffsets = new int[encoder.Count];
            int input = sourceEmbedding;
            for (int i = 0; i < encoder.Count; i++)
            {
                var m = encoder[i];
                EncoderOffsets[i] = table.Offset;
                table.AddRecurrent(m.Name, m.Cell, input, m.Hidden, m.Layers, m.Bidirectional ? 2 : 1);
                input = m.Output;
            }
            BridgeOffset = table.Offset;
            table.Add("bridge.weight", decoderLayers * decoderHidden, EncoderOutput);
            table.Add("bridge.bias", decoderLayers * decoderHidden);
            DecoderEmbeddingOffset = table.Offset;
            table.Add("decoder_embedding.weight", targetVocabulary, targetEmbedding);
            DecoderOffset = table.Offset;
            table.AddRecurrent("decoder", decoderCell, DecoderInput, decoderHidden, decoderLayers, 1);
            AttentionOffset = table.Offset;
            switch (score)
            {
                case AttentionScore.Dot:
                    break;
                case AttentionScore.General:
                    table.Add("attention.weight", decoderHidden, EncoderOutput);
                    break;
                default:
                    table.Add("attention.query.weight", AttentionUnits, decoderHidden);
                    table.Add("attention.key.weight", AttentionUnits, EncoderOutput);
                    table.Add("attention.key.bias", AttentionUnits);
                    table.Add("attention.v.weight", 1, AttentionUnits);
                    break;
            }
            CombineOffset = table.Offset;
            table.Add("combine.weight", decoderHidden, EncoderOutput + decoderHidden);
            table.Add("combine.bias", decoderHidden);
            DenseOffset = table.Offset;
            table.Add("dense.weight", targetVocabulary, decoderHidden);
            table.Add("dense.bias", targetVocabulary);
            Tensors = table.ToArray();
            ParameterCount = table.Offset;
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
