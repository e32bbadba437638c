using System.Collections.Generic;
using RnnGen.Samples;

namespace LongMemorySample;

/// <summary>The picture: test MSE against training step, and the gradient profile against time step, side by side.</summary>
public static class Figure
{
    private static readonly string[] Colors = ["#d62728", "#1f77b4", "#2ca02c"];   // vanilla RNN, GRU, LSTM

    /// <summary>Writes the two-panel SVG to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<Contender> contenders, double trivialMse, int length)
    {
        var learning = new Panel($"Adding problem, T = {length}: test MSE", "training step", "test MSE (log)", logY: true);
        for (int i = 0; i < contenders.Count; i++)
        {
            var series = learning.Add(contenders[i].Name, Colors[i % Colors.Length]);
            foreach (var (step, mse) in contenders[i].Curve) series.Add(step, mse);
        }

        var trivial = learning.Add("always 1.0", "#888888", dashed: true);
        if (contenders.Count > 0 && contenders[0].Curve.Count > 0)
        {
            trivial.Add(0, trivialMse).Add(contenders[0].Curve[^1].Step, trivialMse);
        }

        var gradient = new Panel("Vanishing gradient: mean ‖∂L/∂x_t‖", "time step t", "gradient norm (log)", logY: true);
        for (int i = 0; i < contenders.Count; i++)
        {
            var trained = gradient.Add(contenders[i].Name + " trained", Colors[i % Colors.Length]);
            var initial = gradient.Add(contenders[i].Name + " at init", Colors[i % Colors.Length], dashed: true);
            for (int t = 0; t < contenders[i].GradientTrained.Length; t++) trained.Add(t + 1, contenders[i].GradientTrained[t]);
            for (int t = 0; t < contenders[i].GradientAtInit.Length; t++) initial.Add(t + 1, contenders[i].GradientAtInit[t]);
        }

        SvgChart.Write(path, learning, gradient);
    }
}
