using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit.Abstractions;

namespace Rnn.Models.Tests
{
    /// <summary>
    /// The extra PyTorch reference cases in Reference/extra/ (written by tools/export_reference.py): lengths with LSTM and
    /// GRU, sigmoid/tanh/relu heads, hidden Dense layers, 3-layer GRU, every bidirectional merge, several recurrent
    /// modules in a row, one-hot and embedding inputs, one input feature. Each through the float model and its Float64
    /// twin: logits, loss and every gradient within 1e-5 of PyTorch's (|a − b| / max(1, |b|)).
    /// </summary>
    public class ExtraReferenceTests
    {
        private const double Tolerance = 1e-5;
        private readonly ITestOutputHelper _output;

        public ExtraReferenceTests(ITestOutputHelper output) => _output = output;

        public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "extra");

        public static string Path(string name) => System.IO.Path.Combine(Folder, name + ".safetensors");

        // case → (C# class, float check, double check). The class is also named in each file's config ("csharp").
        private static readonly Dictionary<string, (string Class, Func<string, double, ReferenceReport> F32, Func<string, double, ReferenceReport> F64)> s_cases = new()
        {
            ["gru_lengths_mse"] = (nameof(XGruLengthsMse), (p, t) => new XGruLengthsMse().CheckReference(p, t), (p, t) => new XGruLengthsMse.Float64().CheckReference(p, t)),
            ["gru_lengths_ce_last"] = (nameof(XGruLengthsCeLast), (p, t) => new XGruLengthsCeLast().CheckReference(p, t), (p, t) => new XGruLengthsCeLast.Float64().CheckReference(p, t)),
            ["lstm_lengths_mse"] = (nameof(XLstmLengthsMse), (p, t) => new XLstmLengthsMse().CheckReference(p, t), (p, t) => new XLstmLengthsMse.Float64().CheckReference(p, t)),
            ["lstm_lengths_bce_last"] = (nameof(XLstmLengthsBceLast), (p, t) => new XLstmLengthsBceLast().CheckReference(p, t), (p, t) => new XLstmLengthsBceLast.Float64().CheckReference(p, t)),
            ["gru_sigmoid_lengths"] = (nameof(XGruSigmoidLengths), (p, t) => new XGruSigmoidLengths().CheckReference(p, t), (p, t) => new XGruSigmoidLengths.Float64().CheckReference(p, t)),
            ["lstm_tanh_head"] = (nameof(XLstmTanhHead), (p, t) => new XLstmTanhHead().CheckReference(p, t), (p, t) => new XLstmTanhHead.Float64().CheckReference(p, t)),
            ["gru_relu_head"] = (nameof(XGruReluHead), (p, t) => new XGruReluHead().CheckReference(p, t), (p, t) => new XGruReluHead.Float64().CheckReference(p, t)),
            ["lstm_hidden_tanh"] = (nameof(XLstmHiddenTanh), (p, t) => new XLstmHiddenTanh().CheckReference(p, t), (p, t) => new XLstmHiddenTanh.Float64().CheckReference(p, t)),
            ["gru_hidden_relu_ce_last"] = (nameof(XGruHiddenReluCeLast), (p, t) => new XGruHiddenReluCeLast().CheckReference(p, t), (p, t) => new XGruHiddenReluCeLast.Float64().CheckReference(p, t)),
            ["lstm_hidden_relu_tanh_mse"] = (nameof(XLstmHiddenReluTanh), (p, t) => new XLstmHiddenReluTanh().CheckReference(p, t), (p, t) => new XLstmHiddenReluTanh.Float64().CheckReference(p, t)),
            ["gru_3layer_mse"] = (nameof(XGru3LayerMse), (p, t) => new XGru3LayerMse().CheckReference(p, t), (p, t) => new XGru3LayerMse.Float64().CheckReference(p, t)),
            ["gru_3layer_ce_last"] = (nameof(XGru3LayerCeLast), (p, t) => new XGru3LayerCeLast().CheckReference(p, t), (p, t) => new XGru3LayerCeLast.Float64().CheckReference(p, t)),
            ["bilstm_sum_mse"] = (nameof(XBiLstmSumMse), (p, t) => new XBiLstmSumMse().CheckReference(p, t), (p, t) => new XBiLstmSumMse.Float64().CheckReference(p, t)),
            ["bigru_sum_ce_last"] = (nameof(XBiGruSumCeLast), (p, t) => new XBiGruSumCeLast().CheckReference(p, t), (p, t) => new XBiGruSumCeLast.Float64().CheckReference(p, t)),
            ["bigru_mul_mse"] = (nameof(XBiGruMulMse), (p, t) => new XBiGruMulMse().CheckReference(p, t), (p, t) => new XBiGruMulMse.Float64().CheckReference(p, t)),
            ["bilstm_mul_bce_last"] = (nameof(XBiLstmMulBceLast), (p, t) => new XBiLstmMulBceLast().CheckReference(p, t), (p, t) => new XBiLstmMulBceLast.Float64().CheckReference(p, t)),
            ["birnn_avg_mse"] = (nameof(XBiRnnAvgMse), (p, t) => new XBiRnnAvgMse().CheckReference(p, t), (p, t) => new XBiRnnAvgMse.Float64().CheckReference(p, t)),
            ["bilstm_avg_ce_last"] = (nameof(XBiLstmAvgCeLast), (p, t) => new XBiLstmAvgCeLast().CheckReference(p, t), (p, t) => new XBiLstmAvgCeLast.Float64().CheckReference(p, t)),
            ["lstm_bigru_mse"] = (nameof(XLstmBiGruMse), (p, t) => new XLstmBiGruMse().CheckReference(p, t), (p, t) => new XLstmBiGruMse.Float64().CheckReference(p, t)),
            ["rnn_lstm2_gru_ce_last"] = (nameof(XRnnLstm2GruCeLast), (p, t) => new XRnnLstm2GruCeLast().CheckReference(p, t), (p, t) => new XRnnLstm2GruCeLast.Float64().CheckReference(p, t)),
            ["bilstm_sum_gru_embed_ce"] = (nameof(XEmbedBiLstmSumGruCe), (p, t) => new XEmbedBiLstmSumGruCe().CheckReference(p, t), (p, t) => new XEmbedBiLstmSumGruCe.Float64().CheckReference(p, t)),
            ["gru_bilstm_mul_mse_last"] = (nameof(XGruBiLstmMulLast), (p, t) => new XGruBiLstmMulLast().CheckReference(p, t), (p, t) => new XGruBiLstmMulLast.Float64().CheckReference(p, t)),
            ["onehot_bilstm_ce_last"] = (nameof(XOneHotBiLstmCeLast), (p, t) => new XOneHotBiLstmCeLast().CheckReference(p, t), (p, t) => new XOneHotBiLstmCeLast.Float64().CheckReference(p, t)),
            ["embed_relu_rnn_ce"] = (nameof(XEmbedReluRnnCe), (p, t) => new XEmbedReluRnnCe().CheckReference(p, t), (p, t) => new XEmbedReluRnnCe.Float64().CheckReference(p, t)),
            ["lstm_input1_mse"] = (nameof(XLstmInput1Mse), (p, t) => new XLstmInput1Mse().CheckReference(p, t), (p, t) => new XLstmInput1Mse.Float64().CheckReference(p, t)),
        };

        public static TheoryData<string> Cases => new(s_cases.Keys);

        [Theory]
        [MemberData(nameof(Cases))]
        public void Matches_PyTorch(string name)
        {
            var report = s_cases[name].F32(Path(name), Tolerance);
            _output.WriteLine(report.ToString());
            Assert.True(report.Passed, report.ToString());
            Assert.True(report.Rows.Count >= 4, report.ToString());
            Assert.Equal(Tolerance, report.Tolerance);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Double_twin_matches_PyTorch(string name)
        {
            var report = s_cases[name].F64(Path(name), Tolerance);
            _output.WriteLine(report.ToString());
            Assert.True(report.Passed, report.ToString());
            Assert.True(report.Rows.Count >= 4, report.ToString());
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void The_file_names_its_model(string name)
        {
            // The exporter writes the C# class of each built-in case into the config, so files and declarations cannot drift apart.
            var file = SafetensorsFile.Read(Path(name));
            Assert.Contains($"\"csharp\": \"{s_cases[name].Class}\"", file.Metadata["config"]);
            Assert.Contains($"\"case\": \"{name}\"", file.Metadata["config"]);
        }

        [Fact]
        public void Every_extra_file_is_tested()
        {
            var files = Directory.GetFiles(Folder, "*.safetensors").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)!).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(s_cases.Keys.OrderBy(n => n, StringComparer.Ordinal), files);
        }

        [Theory]
        [InlineData("bilstm_avg_ce_last", "recurrent.weight_hh_l1_reverse")]
        [InlineData("rnn_lstm2_gru_ce_last", "recurrent_1.bias_ih_l1")]
        [InlineData("gru_hidden_relu_ce_last", "dense.weight")]
        [InlineData("bigru_mul_mse", "recurrent.weight_ih_l0_reverse")]
        public void A_wrong_weight_is_caught(string name, string tensor)
        {
            // The check must be able to fail: perturb one reference weight (of a merged direction, a later module, a
            // hidden dense layer) and both the float model and its double twin report it.
            string path = Perturbed(Path(name), tensor, 0.01f);
            try
            {
                var report = s_cases[name].F32(path, Tolerance);
                Assert.False(report.Passed, report.ToString());
                Assert.Contains("NO", report.ToString());
                Assert.False(s_cases[name].F64(path, Tolerance).Passed);
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void Streaming_steps_match_forward_on_the_one_feature_model()
        {
            // The input-1 LSTM is the streaming shape (an amp model): Step by step must give what Forward gives.
            var reference = ReferenceCase.Read(Path("lstm_input1_mse"));
            var model = new XLstmInput1Mse();
            model.LoadSafetensors(Path("lstm_input1_mse"));
            float[] input = reference.Input<float>();
            int batch = reference.Batch, steps = reference.Steps;
            var outputs = new float[batch * steps];
            model.Forward(input, batch, outputs);
            var y = new float[1];
            for (int b = 0; b < batch; b++)
            {
                model.ResetState();
                for (int t = 0; t < steps; t++)
                {
                    model.Step(input.AsSpan(b * steps + t, 1), y);
                    Assert.InRange(Math.Abs(y[0] - outputs[b * steps + t]), 0, 1e-5);
                }
            }
        }

        /// <summary>A copy of a reference file with one value of one tensor changed by <paramref name="delta"/>.</summary>
        internal static string Perturbed(string source, string tensor, float delta)
        {
            var file = SafetensorsFile.Read(source);
            Assert.True(file.Contains(tensor), tensor);
            var writer = new SafetensorsWriter();
            foreach (var kv in file.Metadata) writer.Metadata[kv.Key] = kv.Value;
            foreach (var t in file.Tensors)
            {
                if (t.DType == SafetensorsDType.I32) { writer.Add(t.Name, file.ToArray<int>(t.Name), t.Shape); continue; }
                var values = file.ToArray<float>(t.Name);
                if (t.Name == tensor) values[values.Length / 2] += delta;
                writer.Add(t.Name, values, t.Shape);
            }
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-perturbed-" + Guid.NewGuid() + ".safetensors");
            writer.Save(path);
            return path;
        }
    }
}
