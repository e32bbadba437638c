using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Rnn;

namespace LongMemorySample;

/// <summary>How the contenders are trained: the same for all three.</summary>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="Batch">Sequences per step.</param>
/// <param name="LearningRate">Adam's peak learning rate (cosine decay to a tenth of it over <paramref name="Steps"/>).</param>
/// <param name="ClipNorm">Gradients are clipped to this global L2 norm before each step.</param>
/// <param name="EvaluateEvery">Steps between two measurements of the test MSE.</param>
public sealed record TrainingSettings(int Steps, int Batch, float LearningRate, float ClipNorm, int EvaluateEvery);

/// <summary>
/// Trains the contenders side by side: every step draws one batch and gives the same batch to each model, which
/// then takes its own Adam step. The models run on parallel threads (they share nothing but the read-only batch).
/// </summary>
public sealed class Experiment
{
    private const int EvaluationChunk = 250;

    private readonly AddingProblem problem;
    private readonly SequenceSet test;
    private readonly IReadOnlyList<Contender> contenders;
    private readonly TrainingSettings settings;
    private readonly ParallelOptions parallel = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>Prepares the race; nothing runs yet.</summary>
    public Experiment(AddingProblem problem, SequenceSet test, IReadOnlyList<Contender> contenders, TrainingSettings settings)
    {
        (this.problem, this.test, this.contenders, this.settings) = (problem, test, contenders, settings);
    }

    /// <summary>
    /// Measures the test MSE at step 0, then trains for <see cref="TrainingSettings.Steps"/> steps on batches drawn
    /// from <paramref name="data"/>, measuring every <see cref="TrainingSettings.EvaluateEvery"/> steps and at the end;
    /// <paramref name="measured"/> is called after each measurement with the step.
    /// </summary>
    public void Train(RandomSource data, Action<int> measured)
    {
        var schedule = new CosineSchedule(settings.LearningRate, warmupSteps: 0, settings.Steps, minimum: settings.LearningRate / 10);
        var optimizers = new Adam[contenders.Count];
        for (int i = 0; i < optimizers.Length; i++) optimizers[i] = new Adam(settings.LearningRate);
        var inputs = new float[settings.Batch * problem.Length * AddingProblem.Features];
        var targets = new float[settings.Batch];

        Evaluate(0);
        measured(0);
        for (int step = 1; step <= settings.Steps; step++)
        {
            problem.Fill(data, settings.Batch, inputs, targets);
            float learningRate = schedule.At(step - 1);
            Parallel.For(0, contenders.Count, parallel, i =>
            {
                var model = contenders[i].Model;
                model.ZeroGradients();
                contenders[i].Backward(inputs, settings.Batch, targets);
                Gradients.ClipByNorm(model.Gradients, settings.ClipNorm);
                optimizers[i].LearningRate = learningRate;
                optimizers[i].Step(model.Parameters, model.Gradients);
            });

            if (step % settings.EvaluateEvery == 0 || step == settings.Steps)
            {
                Evaluate(step);
                measured(step);
            }
        }

        foreach (var c in contenders) c.Model.ZeroGradients();
    }

    /// <summary>Appends each contender's MSE on the whole test set to its curve, at <paramref name="step"/>.</summary>
    private void Evaluate(int step) =>
        Parallel.For(0, contenders.Count, parallel, i => contenders[i].Curve.Add((step, TestMse(contenders[i]))));

    /// <summary>The contender's mean squared error over the test set, in chunks.</summary>
    public double TestMse(Contender contender)
    {
        var outputs = new float[EvaluationChunk];
        double sum = 0;
        for (int start = 0; start < test.Count; start += EvaluationChunk)
        {
            int count = Math.Min(EvaluationChunk, test.Count - start);
            var (x, y) = test.Slice(start, count);
            contender.Forward(x.Span, count, outputs);
            for (int b = 0; b < count; b++) sum += (outputs[b] - y.Span[b]) * (double)(outputs[b] - y.Span[b]);
        }

        return sum / test.Count;
    }
}
