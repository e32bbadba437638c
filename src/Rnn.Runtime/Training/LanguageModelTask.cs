using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rnn;

/// <summary>
/// Training a language model as char-rnn does: the training tokens cut into B contiguous streams read in chunks of T
/// (<see cref="TokenStreamBatcher"/>), truncated BPTT with the recurrent state carried from chunk to chunk and reset when
/// the streams wrap, and a validation loss over the held-out tokens read the same way (B' = min(B, ⌊N_val / (T + 1)⌋)
/// streams, every chunk once, starting from zero state, dropout off).
/// </summary>
public sealed class LanguageModelTask : ITrainingTask
{
    private const string PositionKey = "task.position";
    private const string RandomKey = "task.dropout_random";
    private const string StateBatchKey = "task.state_batch";
    private const string StateKey = "task.state";

    private readonly ILanguageModel model;
    private readonly TokenStreamBatcher train;
    private readonly TokenStreamBatcher? validation;
    private readonly int[] inputs, targets, validationInputs, validationTargets;
    private readonly float[] savedState;

    /// <summary>Creates the task.</summary>
    /// <param name="model">The model; it is switched to stateful.</param>
    /// <param name="trainTokens">The training text as token ids.</param>
    /// <param name="validationTokens">The held-out text; at least T + 1 tokens, or empty for no validation.</param>
    /// <param name="batch">Streams B.</param>
    /// <param name="steps">Chunk length T (the BPTT truncation).</param>
    public LanguageModelTask(ILanguageModel model, ReadOnlyMemory<int> trainTokens, ReadOnlyMemory<int> validationTokens, int batch, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        train = new TokenStreamBatcher(trainTokens, batch, steps);
        inputs = new int[batch * steps];
        targets = new int[batch * steps];
        if (!validationTokens.IsEmpty)
        {
            if (validationTokens.Length < steps + 1)
            {
                throw new ArgumentException(
                    $"validationTokens holds {validationTokens.Length} tokens, but one chunk of steps {steps} needs {steps + 1}.", nameof(validationTokens));
            }

            int streams = Math.Min(batch, validationTokens.Length / (steps + 1));
            validation = new TokenStreamBatcher(validationTokens, streams, steps);
        }

        validationInputs = new int[(validation?.Batch ?? 0) * steps];
        validationTargets = new int[validationInputs.Length];
        savedState = new float[batch * model.StateSize];
        model.Stateful = true;
    }

    /// <inheritdoc/>
    public IRnnModel<float> Model => model;

    /// <summary>The training batcher (its position is the next chunk).</summary>
    public TokenStreamBatcher Batcher => train;

    /// <summary>Streams the validation loss reads, 0 without validation data.</summary>
    public int ValidationStreams => validation?.Batch ?? 0;

    /// <inheritdoc/>
    public int TokensPerStep => train.Batch * train.Steps;

    /// <inheritdoc/>
    public float TrainStep()
    {
        if (train.Next(inputs, targets)) model.ResetState();
        model.Training = true;
        model.Stateful = true;
        return model.Backward(inputs, train.Batch, targets);
    }

    /// <inheritdoc/>
    public float Validate()
    {
        if (validation is null) return float.NaN;
        int batch = model.StateBatch;
        var state = savedState.AsSpan(0, batch * model.StateSize);
        model.GetState(state);
        bool training = model.Training;
        model.Training = false;
        model.Stateful = true;
        model.ResetState();
        validation.Seek(0);
        double sum = 0;
        for (int c = 0; c < validation.ChunksPerEpoch; c++)
        {
            validation.Next(validationInputs, validationTargets);
            sum += model.Evaluate(validationInputs, validation.Batch, validationTargets);
        }

        model.SetState(state, batch);
        model.Training = training;
        return (float)(sum / validation.ChunksPerEpoch);
    }

    /// <inheritdoc/>
    public void SaveState(IDictionary<string, string> metadata, IDictionary<string, float[]> arrays)
    {
        metadata[PositionKey] = train.Position.ToString(CultureInfo.InvariantCulture);
        metadata[RandomKey] = Checkpoint.FormatRandomState(model.DropoutRandom);
        metadata[StateBatchKey] = model.StateBatch.ToString(CultureInfo.InvariantCulture);
        var state = new float[model.StateBatch * model.StateSize];
        model.GetState(state);
        arrays[StateKey] = state;
    }

    /// <inheritdoc/>
    public void RestoreState(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, float[]> arrays)
    {
        int position = Read(metadata, PositionKey);
        int batch = Read(metadata, StateBatchKey);
        if (!arrays.TryGetValue(StateKey, out float[]? state) || state.Length != batch * model.StateSize)
        {
            throw new SafetensorsException($"The checkpoint's carried state does not fit: expected {batch} × {model.StateSize} values.");
        }

        if (position >= train.ChunksPerEpoch)
        {
            throw new SafetensorsException($"The checkpoint's data position {position} is past the {train.ChunksPerEpoch} chunks of this text: is it the same text, batch and sequence length?");
        }

        if (!metadata.TryGetValue(RandomKey, out string? random))
        {
            throw new SafetensorsException($"The checkpoint has no {RandomKey}.");
        }

        Checkpoint.RestoreRandomState(model.DropoutRandom, random);
        train.Seek(position);
        model.SetState(state, batch);
    }

    private static int Read(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out string? text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw new SafetensorsException($"The checkpoint's metadata {key} is missing or not a number.");
        }

        return value;
    }
}
