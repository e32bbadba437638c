using System.Globalization;
using Rnn;
using Spectre.Console;

namespace RnnGen.Samples;

/// <summary>
/// Shows a <see cref="Trainer"/>'s progress: a Spectre.Console progress bar (step, smoothed loss, validation loss,
/// tokens/s beside elapsed and remaining time) on an interactive terminal; one plain line per validation when the
/// output is redirected (CI logs). Used by the samples that reference Spectre.Console.
/// </summary>
public static class TrainingProgressView
{
    /// <summary>Runs <paramref name="train"/> with a progress receiver and returns its result.</summary>
    /// <param name="startStep">Steps already done (a resumed run).</param>
    /// <param name="totalSteps">Steps in the run.</param>
    /// <param name="train">Starts training with the receiver to report to.</param>
    public static TrainingResult Run(int startStep, int totalSteps, Func<IProgress<TrainingProgress>, TrainingResult> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return train(new PlainProgress());
        TrainingResult result = default;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: totalSteps);
                task.Value = startStep;
                result = train(new BarProgress(task));
                task.Value = totalSteps;
            });
        return result;
    }

    private static string Validation(TrainingProgress p) =>
        float.IsNaN(p.ValidationLoss) ? "  -   " : p.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>The bar's description: the columns beside it show the time.</summary>
    private static string Short(TrainingProgress p) =>
        string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.Steps}  loss {p.SmoothedLoss:F4}  val {Validation(p)}  {p.TokensPerSecond:N0} tok/s");

    private static string Line(TrainingProgress p) =>
        string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.Steps}  loss {p.SmoothedLoss:F4}  val {Validation(p)}  lr {p.LearningRate:0.0e0}  {p.TokensPerSecond:N0} tok/s  {p.Elapsed:mm\\:ss} elapsed  eta {p.Remaining:mm\\:ss}");

    private sealed class BarProgress(ProgressTask task) : IProgress<TrainingProgress>
    {
        private long _lastRender;

        public void Report(TrainingProgress p)
        {
            task.Value = p.Step;
            long now = Environment.TickCount64;
            if (p.Event == TrainingEvent.Step && now - _lastRender < 200) return;
            _lastRender = now;
            task.Description = Markup.Escape(Short(p));
        }
    }

    private sealed class PlainProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Event is TrainingEvent.Validation or TrainingEvent.EarlyStop) Console.WriteLine(Line(p));
        }
    }
}
