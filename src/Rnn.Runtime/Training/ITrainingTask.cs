using System.Collections.Generic;

namespace Rnn;

/// <summary>
/// What <see cref="Trainer"/> needs from a model and its data: one training batch at a time, a validation loss, and the
/// task's own state (data position, carried recurrent state, dropout stream) for checkpoints. <see cref="LanguageModelTask"/>
/// is the char-rnn task; other shapes implement this over their generated model.
/// </summary>
public interface ITrainingTask
{
    /// <summary>The model being trained.</summary>
    IRnnModel<float> Model { get; }

    /// <summary>Tokens (or samples) one training step consumes, for the throughput shown in progress reports.</summary>
    int TokensPerStep { get; }

    /// <summary>Runs forward and backward on the next training batch; gradients have been zeroed. Returns the batch's mean loss.</summary>
    float TrainStep();

    /// <summary>The mean loss on the validation data, with dropout off; leaves the training state as it found it.</summary>
    float Validate();

    /// <summary>Adds what resuming needs (keys starting with <c>task.</c>) to a checkpoint's metadata and arrays.</summary>
    void SaveState(IDictionary<string, string> metadata, IDictionary<string, float[]> arrays);

    /// <summary>Restores what <see cref="SaveState"/> saved.</summary>
    void RestoreState(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, float[]> arrays);
}
