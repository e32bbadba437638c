using System;
using System.Collections.Generic;
using Rnn;

namespace LongMemorySample;

/// <summary>The generated <c>Forward(inputs, batch, outputs, lengths)</c>.</summary>
public delegate void ForwardPass(ReadOnlySpan<float> inputs, int batch, Span<float> outputs, ReadOnlySpan<int> lengths);

/// <summary>The generated <c>Backward(inputs, batch, targets, lengths)</c>: mean loss, gradients added into the model.</summary>
public delegate float BackwardPass(ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> targets, ReadOnlySpan<int> lengths);

/// <summary>Reads the generated <c>InputGradients</c>.</summary>
public delegate ReadOnlySpan<float> InputGradientsSource();

/// <summary>One model in the race: its generated members behind one face, its optimizer, and what was measured.</summary>
public sealed class Contender(string name, IRnnModel<float> model, ForwardPass forward, BackwardPass backward, InputGradientsSource inputGradients)
{
    /// <summary>"vanilla RNN", "GRU" or "LSTM".</summary>
    public string Name { get; } = name;

    /// <summary>The generated model.</summary>
    public IRnnModel<float> Model { get; } = model;

    /// <summary>Test MSE against training step (step 0 = at initialisation).</summary>
    public List<(int Step, double Mse)> Curve { get; } = new();

    /// <summary>Mean ‖∂L/∂x_t‖ per step t at initialisation.</summary>
    public double[] GradientAtInit { get; set; } = [];

    /// <summary>Mean ‖∂L/∂x_t‖ per step t after training.</summary>
    public double[] GradientTrained { get; set; } = [];

    /// <summary>The test MSE last measured.</summary>
    public double TestMse => Curve.Count == 0 ? double.NaN : Curve[^1].Mse;

    /// <inheritdoc cref="ForwardPass"/>
    public void Forward(ReadOnlySpan<float> inputs, int batch, Span<float> outputs) => forward(inputs, batch, outputs, default);

    /// <inheritdoc cref="BackwardPass"/>
    public float Backward(ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> targets) => backward(inputs, batch, targets, default);

    /// <summary>d loss / d inputs of the last <see cref="Backward"/>, [batch, steps, features].</summary>
    public ReadOnlySpan<float> InputGradients => inputGradients();
}
