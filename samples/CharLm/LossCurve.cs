using Rnn;
using RnnGen.Samples;

namespace CharLmSample;

/// <summary>The loss curve as SVG: training loss (mean over windows of steps) and validation loss against the step.</summary>
public static class LossCurve
{
    public static void Write(string path, Trainer trainer)
    {
        var panel = new Panel("CharLm: cross-entropy per character", "step", "loss (nats / char)");
        var train = panel.Add("train");
        var losses = trainer.TrainLosses;
        int window = Math.Max(1, losses.Length / 200);
        for (int start = 0; start < losses.Length; start += window)
        {
            int end = Math.Min(losses.Length, start + window);
            double sum = 0;
            for (int i = start; i < end; i++) sum += losses[i];
            train.Add(end, sum / (end - start));
        }
        var validation = panel.Add("validation");
        for (int i = 0; i < trainer.ValidationSteps.Length; i++)
            if (!float.IsNaN(trainer.ValidationLosses[i])) validation.Add(trainer.ValidationSteps[i], trainer.ValidationLosses[i]);
        SvgChart.Write(path, panel);
    }
}
