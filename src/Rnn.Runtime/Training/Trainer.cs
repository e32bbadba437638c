using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Rnn;

/// <summary>
/// The training loop every model shares: per step the learning rate from the schedule, zeroed gradients, one
/// <see cref="ITrainingTask.TrainStep"/>, gradient clipping by global norm, the optimizer step; a validation loss every
/// few steps with optional early stopping; atomic checkpoints (parameters, optimizer, data position, carried state,
/// dropout stream, loss history) from which <see cref="Resume"/> continues bit for bit; progress through
/// <see cref="IProgress{T}"/>. A step allocates nothing (validations and checkpoints aside).
/// </summary>
/// <example>
/// <code>
/// var model = new CharModel(seed: 1);
/// var task = new LanguageModelTask(model, trainTokens, validationTokens, batch: 32, steps: 64);
/// var trainer = new Trainer(task, new Adam(model.ParameterCount, 2e-3f), new TrainerOptions
/// {
///     Steps = 2000, ClipNorm = 5, Schedule = new CosineSchedule(2e-3f, 100, 2000), CheckpointPath = "run.ckpt", CheckpointEvery = 100,
/// });
/// trainer.Resume();       // continues from run.ckpt when it exists
/// TrainingResult result = trainer.Run();
/// </code>
/// </example>
public sealed class Trainer
{
    private const string Prefix = "trainer.";
    private const float Smoothing = 0.98f;

    private readonly ITrainingTask task;
    private readonly Optimizer optimizer;
    private readonly TrainerOptions options;
    private readonly float[] trainLosses;
    private readonly int[] validationSteps;
    private readonly float[] validationLosses;
    private float[]? bestParameters;
    private int validationCount, badValidations, bestStep, smoothedCount;
    private float bestLoss = float.PositiveInfinity, smoothed, lastValidation = float.NaN;

    /// <summary>Creates a trainer at step 0.</summary>
    /// <exception cref="ArgumentException">The options are out of range, or the optimizer is for another number of parameters.</exception>
    public Trainer(ITrainingTask task, Optimizer optimizer, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Steps < 1) throw new ArgumentException($"Steps is {options.Steps}: train at least one step.", nameof(options));
        if (options.ValidateEvery < 0 || options.Patience < 0 || options.CheckpointEvery < 0)
            throw new ArgumentException("ValidateEvery, Patience and CheckpointEvery must not be negative.", nameof(options));
        if (!(options.ClipNorm >= 0)) throw new ArgumentException($"ClipNorm is {options.ClipNorm}: use a positive norm, or 0 for no clipping.", nameof(options));
        foreach (string key in options.Metadata.Keys)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal) || key.StartsWith("task.", StringComparison.Ordinal))
                throw new ArgumentException($"Metadata key '{key}' is reserved: keys starting with '{Prefix}' or 'task.' belong to the trainer.", nameof(options));
        }

        this.task = task;
        this.optimizer = optimizer;
        this.options = options;
        optimizer.Initialize(task.Model.ParameterCount);
        trainLosses = new float[options.Steps];
        int validations = (options.ValidateEvery > 0 ? options.Steps / options.ValidateEvery : 0) + 1;
        validationSteps = new int[validations];
        validationLosses = new float[validations];
        if (options.RestoreBest) bestParameters = new float[task.Model.ParameterCount];
    }

    /// <summary>Steps done.</summary>
    public int Step { get; private set; }

    /// <summary>The training loss of every step done.</summary>
    public ReadOnlySpan<float> TrainLosses => trainLosses.AsSpan(0, Step);

    /// <summary>The steps after which a validation loss was computed.</summary>
    public ReadOnlySpan<int> ValidationSteps => validationSteps.AsSpan(0, validationCount);

    /// <summary>The validation losses, one per <see cref="ValidationSteps"/> entry.</summary>
    public ReadOnlySpan<float> ValidationLosses => validationLosses.AsSpan(0, validationCount);

    /// <summary>
    /// Continues from the checkpoint at <see cref="TrainerOptions.CheckpointPath"/> when that file exists: parameters,
    /// optimizer, step, loss history and the task's state. Returns whether it did. A checkpoint that does not fit this
    /// model, optimizer or run throws and changes nothing.
    /// </summary>
    public bool Resume()
    {
        string? path = options.CheckpointPath;
        if (path is null || !File.Exists(path)) return false;
        var model = task.Model;
        var staged = new float[model.ParameterCount];
        model.Parameters.CopyTo(staged);
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        // Into a copy of the parameters, without the optimizer: nothing changes until the file has been read and checked.
        IReadOnlyDictionary<string, string> metadata = Checkpoint.Load(path, staged, model.Tensors, null, arrays);
        int step = ReadInt(metadata, "step");
        if (step > options.Steps)
            throw new SafetensorsException($"'{path}' is at step {step}, past this run's {options.Steps} steps: ask for more steps or start a new run.");
        if (!arrays.TryGetValue(Prefix + "train_loss", out float[]? losses) || losses.Length != step
            || !arrays.TryGetValue(Prefix + "validation_step", out float[]? vSteps)
            || !arrays.TryGetValue(Prefix + "validation_loss", out float[]? vLosses) || vLosses.Length != vSteps.Length
            || vSteps.Length > validationSteps.Length)
            throw new SafetensorsException($"'{path}' has no loss history that fits {step} steps.");
        // The optimizer's part is checked and restored, then the task's; if the task's does not fit, the optimizer goes back.
        int stepCount = optimizer.StepCount;
        float learningRate = optimizer.LearningRate;
        var buffers = new float[optimizer.StateNames.Count][];
        for (int i = 0; i < buffers.Length; i++) buffers[i] = optimizer.GetState(optimizer.StateNames[i]).ToArray();
        Checkpoint.Load(path, staged, model.Tensors, optimizer);
        try
        {
            task.RestoreState(metadata, arrays);
        }
        catch
        {
            optimizer.Initialize(model.ParameterCount, stepCount);
            for (int i = 0; i < buffers.Length; i++) buffers[i].CopyTo(optimizer.GetState(optimizer.StateNames[i]));
            optimizer.LearningRate = learningRate;
            throw;
        }
        staged.CopyTo(model.Parameters);

        Step = step;
        losses.CopyTo(trainLosses, 0);
        validationCount = vSteps.Length;
        for (int i = 0; i < validationCount; i++)
        {
            validationSteps[i] = (int)vSteps[i];
            validationLosses[i] = vLosses[i];
        }

        lastValidation = validationCount > 0 ? validationLosses[validationCount - 1] : float.NaN;
        bestLoss = ReadFloat(metadata, "best_loss");
        bestStep = ReadInt(metadata, "best_step");
        badValidations = ReadInt(metadata, "bad_validations");
        smoothed = ReadFloat(metadata, "smoothed");
        smoothedCount = ReadInt(metadata, "smoothed_count");
        if (bestParameters is not null)
        {
            if (arrays.TryGetValue(Prefix + "best_parameters", out float[]? best) && best.Length == bestParameters.Length) best.CopyTo(bestParameters, 0);
            else model.Parameters.CopyTo(bestParameters);
        }

        return true;
    }

    /// <summary>Trains until <see cref="TrainerOptions.Steps"/>, early stopping or cancellation (which ends after the current step).</summary>
    /// <exception cref="InvalidOperationException">The loss is not finite (diverged): the last checkpoint is left as it was.</exception>
    public TrainingResult Run(CancellationToken cancellationToken = default)
    {
        var model = task.Model;
        long start = Stopwatch.GetTimestamp();
        int firstStep = Step;
        float loss = Step > 0 ? trainLosses[Step - 1] : float.NaN;
        bool stopped = false;
        while (Step < options.Steps && !cancellationToken.IsCancellationRequested)
        {
            if (options.Schedule is not null) optimizer.LearningRate = options.Schedule.At(Step);
            model.ZeroGradients();
            loss = task.TrainStep();
            if (!float.IsFinite(loss))
                throw new InvalidOperationException($"The training loss is {loss} at step {Step + 1}: the run diverged. Lower the learning rate or clip the gradients (ClipNorm).");
            if (options.ClipNorm > 0) Gradients.ClipByNorm(model.Gradients, options.ClipNorm);
            optimizer.Step(model.Parameters, model.Gradients);
            trainLosses[Step] = loss;
            Step++;
            smoothedCount++;
            smoothed = Smoothing * smoothed + (1 - Smoothing) * loss;

            var kind = TrainingEvent.Step;
            if (Step == options.Steps || (options.ValidateEvery > 0 && Step % options.ValidateEvery == 0))
            {
                kind = TrainingEvent.Validation;
                stopped = Validate();
                if (stopped) kind = TrainingEvent.EarlyStop;
            }

            Report(kind, loss, start, firstStep);
            if (options.CheckpointPath is not null
                && (Step == options.Steps || stopped || (options.CheckpointEvery > 0 && Step % options.CheckpointEvery == 0)))
            {
                SaveCheckpoint(options.CheckpointPath);
                Report(TrainingEvent.Checkpoint, loss, start, firstStep);
            }

            if (stopped) break;
        }

        if (bestParameters is not null && !float.IsPositiveInfinity(bestLoss)) bestParameters.CopyTo(model.Parameters);
        if (model is ILanguageModel language) language.Training = false;   // inference after the run: dropout off
        return new TrainingResult(Step, loss, lastValidation, bestLoss, bestStep, stopped);
    }

    /// <summary>Writes a checkpoint atomically: a kill at any moment leaves the previous file whole.</summary>
    public void SaveCheckpoint(string path)
    {
        var metadata = new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal)
        {
            [Prefix + "step"] = Text(Step),
            [Prefix + "steps"] = Text(options.Steps),
            [Prefix + "best_loss"] = Text(bestLoss),
            [Prefix + "best_step"] = Text(bestStep),
            [Prefix + "bad_validations"] = Text(badValidations),
            [Prefix + "smoothed"] = Text(smoothed),
            [Prefix + "smoothed_count"] = Text(smoothedCount),
        };
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            [Prefix + "train_loss"] = TrainLosses.ToArray(),
            [Prefix + "validation_step"] = Array.ConvertAll(ValidationSteps.ToArray(), s => (float)s),
            [Prefix + "validation_loss"] = ValidationLosses.ToArray(),
        };
        if (bestParameters is not null) arrays[Prefix + "best_parameters"] = bestParameters;
        task.SaveState(metadata, arrays);
        Checkpoint.Save(path, task.Model.Parameters, task.Model.Tensors, optimizer, metadata, arrays);
    }

    /// <summary>Computes the validation loss, records it, and says whether early stopping ends the run.</summary>
    private bool Validate()
    {
        float v = task.Validate();
        lastValidation = v;
        validationSteps[validationCount] = Step;
        validationLosses[validationCount] = v;
        validationCount++;
        if (float.IsNaN(v)) return false;
        if (v < bestLoss)
        {
            bestLoss = v;
            bestStep = Step;
            badValidations = 0;
            if (bestParameters is not null) task.Model.Parameters.CopyTo(bestParameters);
            return false;
        }

        badValidations++;
        return options.Patience > 0 && badValidations >= options.Patience;
    }

    private void Report(TrainingEvent kind, float loss, long start, int firstStep)
    {
        if (options.Progress is null) return;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        int done = Step - firstStep;
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        double perStep = seconds / Math.Max(done, 1);
        float ema = smoothed / (1 - MathF.Pow(Smoothing, smoothedCount));
        options.Progress.Report(new TrainingProgress(kind, Step, options.Steps, loss, ema, lastValidation, optimizer.LearningRate,
            done * (double)task.TokensPerStep / seconds, elapsed, TimeSpan.FromSeconds(perStep * (options.Steps - Step))));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static int ReadInt(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(Prefix + key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new SafetensorsException($"The checkpoint's metadata {Prefix + key} is missing or not a count.");

    private static float ReadFloat(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(Prefix + key, out string? text) && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            ? value
            : throw new SafetensorsException($"The checkpoint's metadata {Prefix + key} is missing or not a number.");
}
