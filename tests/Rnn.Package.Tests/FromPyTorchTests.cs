using System;
using System.IO;
using System.Runtime.CompilerServices;
using Rnn;

namespace Rnn.Package.Tests
{
    /// <summary>
    /// docs/from-pytorch.md's walk-through, checked: FromPyTorch/ holds what tools/examples/amp_pytorch.py writes (a plain
    /// PyTorch nn.LSTM + nn.Linear module trained in PyTorch, exported by tools/export_module.py), byte for byte. The model
    /// declared as export_module.py printed it reproduces PyTorch's outputs, loss and every gradient, and its weights
    /// imitate the amp in C#.
    /// </summary>
    public sealed class FromPyTorchTests
    {
        private static string Folder([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "FromPyTorch");

        [Fact]
        public void The_declared_model_passes_the_exported_reference_case()
        {
            var report = new PyTorchAmp().CheckReference(Path.Combine(Folder(), "amp_case.safetensors"));
            Assert.True(report.Passed, report.ToString());
            Assert.True(report.MaxAbsError < 1e-5, report.ToString());
            var twin = new PyTorchAmp.Float64().CheckReference(Path.Combine(Folder(), "amp_case.safetensors"));
            Assert.True(twin.Passed, twin.ToString());
        }

        [Fact]
        public void The_exported_weights_imitate_the_amp_when_streamed()
        {
            var model = new PyTorchAmp();
            model.LoadSafetensors(Path.Combine(Folder(), "amp.safetensors"));
            // The effect PyTorch trained on (tools/examples/amp_pytorch.py): s = 0.7·s + 0.3·x, y = tanh(3·s).
            const int N = 4800;
            float s = 0, squared = 0, silent = 0;
            Span<float> y = stackalloc float[1];
            for (int t = 0; t < N; t++)
            {
                float x = 0.8f * MathF.Exp(-t / 2000f) * (MathF.Sin(0.05f * t) + MathF.Sin(0.13f * t + 1) + MathF.Sin(0.21f * t + 2)) / 3;
                s = 0.7f * s + 0.3f * x;
                float expected = MathF.Tanh(3 * s);
                model.Step(new[] { x }, y);
                squared += (y[0] - expected) * (y[0] - expected);
                silent += expected * expected;
            }
            float rms = MathF.Sqrt(squared / N), level = MathF.Sqrt(silent / N);
            Assert.True(rms < 0.1f * level, $"rms error {rms} against a signal of rms {level}");
        }
    }

    /// <summary>The declaration export_module.py printed for AmpNet (class renamed).</summary>
    [RnnModel(Input = 1)]
    [Lstm(16)]
    [Dense(1)]
    public partial class PyTorchAmp { }
}
