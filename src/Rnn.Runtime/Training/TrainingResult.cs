namespace Rnn;

/// <summary>How a <see cref="Trainer.Run"/> ended.</summary>
/// <param name="Steps">Steps done in all (including those before a resume).</param>
/// <param name="TrainLoss">The last step's training loss.</param>
/// <param name="ValidationLoss">The last validation loss (NaN without validation data).</param>
/// <param name="BestValidationLoss">The best validation loss seen.</param>
/// <param name="BestStep">The step of the best validation loss.</param>
/// <param name="StoppedEarly">Whether early stopping ended the run.</param>
public readonly record struct TrainingResult(int Steps, float TrainLoss, float ValidationLoss, float BestValidationLoss, int BestStep, bool StoppedEarly);
