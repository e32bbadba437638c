using System;
using System.IO;

namespace Rnn.Models.Tests
{
    /// <summary>Every PyTorch reference case through the public API: logits, loss and every gradient within 1e-5 relative.</summary>
    public class ReferenceTests
    {
        public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", name + ".safetensors");

        public static TheoryData<string> Cases => new()
        {
            "rnn_tanh_mse", "rnn_relu_bce_last", "lstm_mse", "gru_mse", "lstm_embed_ce", "gru_onehot_ce",
            "lstm_2layer_ce_last", "bigru_ce_last", "bilstm_2layer_lengths_ce", "birnn_mse_lengths",
        };

        private static ReferenceReport Check(string name, double tolerance = 1e-5) => name switch
        {
            "rnn_tanh_mse" => new RnnTanhMse().CheckReference(Path(name), tolerance),
            "rnn_relu_bce_last" => new RnnReluBceLast().CheckReference(Path(name), tolerance),
            "lstm_mse" => new LstmMse().CheckReference(Path(name), tolerance),
            "gru_mse" => new GruMse().CheckReference(Path(name), tolerance),
            "lstm_embed_ce" => new LstmEmbedCe().CheckReference(Path(name), tolerance),
            "gru_onehot_ce" => new GruOneHotCe().CheckReference(Path(name), tolerance),
            "lstm_2layer_ce_last" => new Lstm2LayerCeLast().CheckReference(Path(name), tolerance),
            "bigru_ce_last" => new BiGruCeLast().CheckReference(Path(name), tolerance),
            "bilstm_2layer_lengths_ce" => new BiLstm2LayerLengthsCe().CheckReference(Path(name), tolerance),
            "birnn_mse_lengths" => new BiRnnMseLengths().CheckReference(Path(name), tolerance),
            _ => throw new ArgumentException(name),
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Matches_PyTorch(string name)
        {
            var report = Check(name);
            Assert.True(report.Passed, report.ToString());
            Assert.True(report.Rows.Count >= 4, report.ToString());
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Double_twin_matches_PyTorch(string name)
        {
            var report = name switch
            {
                "lstm_mse" => new LstmMse.Float64().CheckReference(Path(name)),
                "bilstm_2layer_lengths_ce" => new BiLstm2LayerLengthsCe.Float64().CheckReference(Path(name)),
                "gru_onehot_ce" => new GruOneHotCe.Float64().CheckReference(Path(name)),
                "bigru_ce_last" => new BiGruCeLast.Float64().CheckReference(Path(name)),
                "birnn_mse_lengths" => new BiRnnMseLengths.Float64().CheckReference(Path(name)),
                "rnn_relu_bce_last" => new RnnReluBceLast.Float64().CheckReference(Path(name)),
                "rnn_tanh_mse" => new RnnTanhMse.Float64().CheckReference(Path(name)),
                "gru_mse" => new GruMse.Float64().CheckReference(Path(name)),
                "lstm_embed_ce" => new LstmEmbedCe.Float64().CheckReference(Path(name)),
                _ => new Lstm2LayerCeLast.Float64().CheckReference(Path(name)),
            };
            Assert.True(report.Passed, report.ToString());
        }

        [Fact]
        public void A_wrong_weight_is_caught()
        {
            // The check must be able to fail: perturb one reference weight and the report says so.
            string source = Path("lstm_mse");
            var file = SafetensorsFile.Read(source);
            var writer = new SafetensorsWriter();
            foreach (var t in file.Tensors)
            {
                if (t.DType == SafetensorsDType.I32) { writer.Add(t.Name, file.ToArray<int>(t.Name), t.Shape); continue; }
                var values = file.ToArray<float>(t.Name);
                if (t.Name == "recurrent.weight_hh_l0") values[5] += 0.01f;
                writer.Add(t.Name, values, t.Shape);
            }
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-perturbed-" + Guid.NewGuid() + ".safetensors");
            writer.Save(path);
            try
            {
                var report = new LstmMse().CheckReference(path);
                Assert.False(report.Passed, report.ToString());
                Assert.Contains("NO", report.ToString());
            }
            finally { File.Delete(path); }
        }
    }
}
