using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using StreamingAot;

// Streams audio through an LSTM amp model, one sample at a time, as an audio plug-in would. The trained weights are
// baked into this binary ([Weights("amp.safetensors")]): nothing is read from the file system.
//
//   StreamingAot [seconds]     a generated guitar signal (default 10 s at 48 kHz): accuracy and real-time factor
//   StreamingAot --pipe        raw little-endian float32 samples from stdin, processed, to stdout
var model = AmpModel.FromEmbeddedWeights();

if (args.Length == 1 && args[0] == "--pipe") return Pipe(model);
int seconds = args.Length > 0 && int.TryParse(args[0], out int s) && s > 0 ? s : 10;

int n = seconds * AmpSignal.SampleRate;
var input = new float[n];
var expected = new float[n];
var output = new float[n];
AmpSignal.Guitar(new Random(7), input, noteLength: AmpSignal.SampleRate / 4);   // a new chord every 250 ms
AmpSignal.Effect(input, expected);
Console.WriteLine($"AmpModel: LSTM(1 → 16) → Dense(1), {model.ParameterCount} parameters, weights from the embedded resource {AmpModel.EmbeddedWeightsResource}");

// Warm up (the first calls size the workspaces; nothing is compiled at run time: this is NativeAOT), then stream.
Stream(model, input.AsSpan(0, Math.Min(n, 4800)), output);
model.ResetState();
_ = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp());   // first calls allocate the timing types' statics: not streaming's
long allocated = GC.GetAllocatedBytesForCurrentThread();
long started = Stopwatch.GetTimestamp();
Stream(model, input, output);
var elapsed = Stopwatch.GetElapsedTime(started);
allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

double rms = Rms(output, expected);
var untrained = new AmpModel(seed: 1);                // the same network before training, for comparison
var untrainedOutput = new float[n];
Stream(untrained, input, untrainedOutput);
double untrainedRms = Rms(untrainedOutput, expected);

double samplesPerSecond = n / elapsed.TotalSeconds;
double realTimeFactor = samplesPerSecond / AmpSignal.SampleRate;
Console.WriteLine($"streamed {n} samples ({seconds} s of 48 kHz audio) one by one in {elapsed.TotalMilliseconds:F1} ms: "
    + $"{1e9 / samplesPerSecond:F0} ns/sample, {allocated} bytes allocated");
Console.WriteLine($"rms error against the amp: {rms:F4} (untrained network: {untrainedRms:F4})");
Console.WriteLine($"real-time factor {realTimeFactor:F0}× ({samplesPerSecond / 1e6:F2} M samples/s ÷ 48 000)");
bool ok = rms < 0.05 && rms < untrainedRms / 5 && allocated == 0;
if (!ok) Console.Error.WriteLine("FAILED: the embedded weights do not reproduce the amp, or streaming allocated");
return ok ? 0 : 1;

static void Stream(AmpModel model, ReadOnlySpan<float> input, Span<float> output)
{
    for (int t = 0; t < input.Length; t++) model.Step(input.Slice(t, 1), output.Slice(t, 1));
}

static double Rms(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    double sum = 0;
    for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
    return Math.Sqrt(sum / a.Length);
}

static int Pipe(AmpModel model)
{
    using var stdin = Console.OpenStandardInput();
    using var stdout = Console.OpenStandardOutput();
    var buffer = new byte[4096 * sizeof(float)];
    var processed = new float[4096];
    int pending = 0;
    while (true)
    {
        int read = stdin.Read(buffer, pending, buffer.Length - pending);
        if (read == 0) break;
        pending += read;
        int whole = pending / sizeof(float) * sizeof(float);
        var samples = MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, whole));   // x86-64 and arm64 are little-endian
        Stream(model, samples, processed);
        stdout.Write(MemoryMarshal.AsBytes(processed.AsSpan(0, samples.Length)));
        buffer.AsSpan(whole, pending - whole).CopyTo(buffer);
        pending -= whole;
    }
    return 0;
}
