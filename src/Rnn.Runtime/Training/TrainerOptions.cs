using System;
using System.Collections.Generic;

namespace Rnn;

/// <summary>How <see cref="Trainer"/> runs: steps, schedule, clipping, validation, early stopping, checkpoints, progress.</summary>
public sealed class TrainerOptions
{
    /// <summary>Optimizer steps in the whole run (a resumed run counts the steps already done).</summary>
    public int Steps { get; set; } = 1000;

    /// <summary>The learning rate per step; null keeps the optimizer's own.</summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>Clips the gradients' global L2 norm to this before each step (PyTorch's clip_grad_norm_); 0 turns clipping off.</summary>
    public float ClipNorm { get; set; }

    /// <summary>Computes the validation loss every this many steps, and after the last; 0: only after the last.</summary>
    public int ValidateEvery { get; set; } = 100;

    /// <summary>Early stopping: stop after this many validations in a row without a new best; 0 turns it off.</summary>
    public int Patience { get; set; }

    /// <summary>With early stopping or not: end the run with the parameters of the best validation loss (Keras' restore_best_weights).</summary>
    public bool RestoreBest { get; set; }

    /// <summary>The checkpoint file, written atomically every <see cref="CheckpointEvery"/> steps and at the end; null: none.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Steps between checkpoints (0: only at the end).</summary>
    public int CheckpointEvery { get; set; }

    /// <summary>The caller's metadata saved with every checkpoint (vocabulary, model sizes, …); keys must not start with <c>trainer.</c> or <c>task.</c>.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Receives a report after every step (and after every validation and checkpoint).</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }
}
