using System;
using System.Diagnostics;
using AmpModelSample;
using Rnn;

// Train an LSTM to imitate a guitar-amp-like effect, then run it sample by sample as a plug-in would.
const int Batch = 16, Steps = 64, TrainingSteps = 400;
var random = new Random(1);
var model = new AmpModel(seed: 1);
var optimizer = new Adam(learningRate: 1e-2f);
var inputs = new float[Batch * Steps];
var targets = new float[Batch * Steps];

Console.WriteLine($"AmpModel: LSTM(1 → 16) → Dense(1), {model.ParameterCount} parameters");
float first = 0, loss = 0;
for (int step = 1; step <= TrainingSteps; step++)
{
    for (int b = 0; b < Batch; b++)
    {
        Signals.Chord(random, inputs.AsSpan(b * Steps, Steps));
        Signals.Amp(inputs.AsSpan(b * Steps, Steps), targets.AsSpan(b * Steps, Steps));
    }
    model.ZeroGradients();
    loss = model.Backward(inputs, Batch, targets);
    Gradients.ClipByNorm(model.Gradients, 1f);
    optimizer.Step(model.Parameters, model.Gradients);
    if (step == 1) first = loss;
    if (step % 50 == 0 || step == 1) Console.WriteLine($"step {step,4}  mse {loss:F5}");
}

// Streaming: one sample in, one sample out, the LSTM state carried between calls.
const int Samples = 48_000;
var signal = new float[Samples];
var expected = new float[Samples];
Signals.Chord(new Random(7), signal);
Signals.Amp(signal, expected);
model.ResetState();
Span<float> y = stackalloc float[1];
double squaredError = 0;
var clock = Stopwatch.StartNew();
for (int t = 0; t < Samples; t++)
{
    model.Step(signal.AsSpan(t, 1), y);
    squaredError += (y[0] - expected[t]) * (y[0] - expected[t]);
}
clock.Stop();
double rms = Math.Sqrt(squaredError / Samples);
double perSample = clock.Elapsed.TotalMilliseconds * 1e6 / Samples;
Console.WriteLine($"streamed {Samples} samples: rms error {rms:F4}, {perSample:F0} ns/sample, real-time factor {1e9 / 48_000 / perSample:F0}× at 48 kHz");
Console.WriteLine($"loss {first:F4} → {loss:F5}");
return loss < first * 0.2f ? 0 : 1;
