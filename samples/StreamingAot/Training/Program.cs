using System;
using System.IO;
using System.Runtime.CompilerServices;
using Rnn;
using StreamingAot;

// Trains the amp model on guitar-like windows and writes amp.safetensors beside the app (or to the path given).
// Deterministic: seeded data and initialisation, and RnnGen's kernels give bit-identical results on any thread count,
// so the same file comes out of every run.
const int Batch = 32, Steps = 128, TrainingSteps = 1500;
string output = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(SourceFolder(), "..", "amp.safetensors"));

var random = new Random(1);
var model = new AmpModel(seed: 1);
var optimizer = new Adam(learningRate: 1e-2f);
var schedule = new CosineSchedule(1e-2f, warmupSteps: 50, totalSteps: TrainingSteps, minimum: 5e-4f);
var inputs = new float[Batch * Steps];
var targets = new float[Batch * Steps];
Console.WriteLine($"AmpModel: LSTM(1 → 16) → Dense(1), {model.ParameterCount} parameters; {TrainingSteps} Adam steps on batches of {Batch} × {Steps} samples");

float first = 0, loss = 0;
for (int step = 0; step < TrainingSteps; step++)
{
    for (int b = 0; b < Batch; b++)
    {
        var window = inputs.AsSpan(b * Steps, Steps);
        AmpSignal.Guitar(random, window, noteLength: 16 + random.Next(4 * Steps));
        AmpSignal.Effect(window, targets.AsSpan(b * Steps, Steps));
    }
    optimizer.LearningRate = schedule.At(step);
    model.ZeroGradients();
    loss = model.Backward(inputs, Batch, targets);
    Gradients.ClipByNorm(model.Gradients, 1f);
    optimizer.Step(model.Parameters, model.Gradients);
    if (step == 0) first = loss;
    if (step % 250 == 0 || step == TrainingSteps - 1) Console.WriteLine($"step {step,5}  mse {loss:E3}");
}

model.SaveSafetensors(output);
Console.WriteLine($"mse {first:E3} → {loss:E3}; wrote {output} ({new FileInfo(output).Length} bytes)");
return loss < first * 0.01f ? 0 : 1;

static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
