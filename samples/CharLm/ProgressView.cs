using System.Globalization;
using Rnn;
using Spectre.Console;

namespace CharLmSample;

/// <summary>
/// Shows training progress: a Spectre.Console progress bar with loss, validation loss and tokens/s on an interactive
/// terminal; one plain line per validation when the output is redirected (CI logs).
/// </summary>
public static class ProgressView
{
    public static TrainingResult Run(Trainer trainer, int totalSteps, Func<IProgress<TrainingProgress>?, TrainingResult> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return train(new PlainProgress());
        TrainingResult result = default;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: totalSteps);
                task.Value = trainer.Step;
                result = train(new BarProgress(task));
                task.Value = totalSteps;
            });
        return result;
    }

    private static string Line(TrainingProgress p) =>
        string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.Steps}  loss {p.SmoothedLoss:F3}  val {(float.IsNaN(p.ValidationLoss) ? "  -  " : p.ValidationLoss.ToString("F3", CultureInfo.InvariantCulture))}  lr {p.LearningRate:0.0e0}  {p.TokensPerSecond:N0} tok/s  eta {p.Remaining:mm\\:ss}");

    private sealed class BarProgress(ProgressTask task) : IProgress<TrainingProgress>
    {
        private long _lastRender;

        public void Report(TrainingProgress p)
        {
            task.Value = p.Step;
            long now = Environment.TickCount64;
            if (p.Event == TrainingEvent.Step && now - _lastRender < 200) return;
            _lastRender = now;
            task.Description = Markup.Escape(Line(p));
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
