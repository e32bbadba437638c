using System;

namespace Rnn
{
    /// <summary>
    /// What a generated token model with a softmax head over every step offers for training and generation (a
    /// character- or word-level language model): the many-to-many shape trained with stateful truncated BPTT, and the
    /// one-to-many shape of sampling. Implemented by every generated model with an [Embedding] or [OneHot] input,
    /// Returns.Sequence and a softmax head, and by the runtime-composed <c>SequenceNetwork</c>.
    /// </summary>
    public interface ILanguageModel : IRnnModel<float>
    {
        /// <summary>Token ids run from 0 to Vocabulary − 1; the head has one output per token.</summary>
        int Vocabulary { get; }

        /// <summary>Floats of carried recurrent state per sequence.</summary>
        int StateSize { get; }

        /// <summary>Whether dropout is on (training) or off (inference, the default), like PyTorch's <c>model.train()</c> and <c>model.eval()</c>.</summary>
        bool Training { get; set; }

        /// <summary>
        /// Stateful truncated BPTT: when on, each Forward, Evaluate or Backward starts every sequence from the state the
        /// previous call ended with for the same row (when the batch size is the same; zeros otherwise), and gradients
        /// stop at that state. <see cref="IRnnModel{T}.ResetState"/> forgets it.
        /// </summary>
        bool Stateful { get; set; }

        /// <summary>The generator dropout masks are drawn from; save its state to resume a run bit for bit.</summary>
        RandomSource DropoutRandom { get; }

        /// <summary>The batch of the carried state (0 when there is none).</summary>
        int StateBatch { get; }

        /// <summary>Copies the carried state, <see cref="StateBatch"/> · <see cref="StateSize"/> floats, into <paramref name="state"/>.</summary>
        void GetState(Span<float> state);

        /// <summary>Sets the carried state for <paramref name="batch"/> sequences (0: none) from what <see cref="GetState"/> wrote.</summary>
        void SetState(ReadOnlySpan<float> state, int batch);

        /// <summary>Forward, mean cross-entropy over valid positions and BPTT: adds into the gradients and returns the loss.</summary>
        float Backward(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths = default);

        /// <summary>Forward and mean cross-entropy over valid positions, without gradients.</summary>
        float Evaluate(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths = default);

        /// <summary>Runs the model on token ids [batch, steps] and writes the next-token probabilities [batch, steps, Vocabulary].</summary>
        void Forward(ReadOnlySpan<int> tokens, int batch, Span<float> outputs, ReadOnlySpan<int> lengths = default);

        /// <summary>Streaming: one token of one sequence; writes the next-token probabilities [Vocabulary].</summary>
        void Step(int token, Span<float> y);

        /// <summary>Starts generation: clears the streaming state (not the carried training state) and feeds the prompt, one token at a time.</summary>
        void Prime(ReadOnlySpan<int> prompt);

        /// <summary>Draws the next token from the distribution after the last token fed, feeds it, and returns it. Allocates nothing.</summary>
        int Sample(Sampler sampler);
    }
}
