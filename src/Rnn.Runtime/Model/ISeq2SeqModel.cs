using System;

namespace Rnn
{
    /// <summary>What every generated encoder–decoder (docs/seq2seq.md) offers: training with teacher forcing and decoding.</summary>
    public interface ISeq2SeqModel : IRnnModel<float>
    {
        /// <summary>The target token fed at the first decoder step.</summary>
        int StartToken { get; }

        /// <summary>The target token that ends a sequence.</summary>
        int EndToken { get; }

        /// <summary>Teacher-forcing ratio of <see cref="Backward"/>.</summary>
        float TeacherForcing { get; set; }

        /// <summary>The generator of the teacher-forcing draws; save its state to resume a run bit for bit.</summary>
        RandomSource TeacherForcingRandom { get; }

        /// <summary>Forward with teacher forcing, masked mean cross-entropy and BPTT; adds into the gradients and returns the loss.</summary>
        float Backward(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> target, ReadOnlySpan<int> targetLengths, int batch);

        /// <summary>The same loss with full teacher forcing, without gradients.</summary>
        float Evaluate(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> target, ReadOnlySpan<int> targetLengths, int batch);

        /// <summary>Greedy decoding of one source; returns the number of tokens written (EndToken not included).</summary>
        int Translate(ReadOnlySpan<int> source, Span<int> output, int maxLength);

        /// <summary>Beam search of one source; returns the number of tokens written (EndToken not included).</summary>
        int BeamSearch(ReadOnlySpan<int> source, Span<int> output, int maxLength, int width, float lengthPenalty = 1f);

        /// <summary>After decoding: [output length, source length], row t = the attention weights of output step t.</summary>
        ReadOnlySpan<float> AttentionWeights { get; }
    }
}
