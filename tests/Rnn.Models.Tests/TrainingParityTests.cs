using System;
using System.Collections.Generic;
using System.IO;
using Xunit.Abstractions;

namespace Rnn.Models.Tests
{
    // The models of tools/make_training_reference.py (MODELS there names these classes).

    [RnnModel]
    [Embedding(vocab: 12, dim: 4)]
    [Lstm(6)]
    [Dense(12, Activation.Softmax)]
    public partial class TrainCharLstm { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Bidirectional]
    [Gru(5)]
    [Dense(2, Activation.Sigmoid)]
    public partial class TrainBiGruSigmoid { }

    /// <summary>
    /// Training parity with PyTorch: from the initial weights in Reference/training/{model}_{optimizer}.safetensors
    /// (tools/make_training_reference.py), 30 steps of ZeroGradients → Backward → Gradients.ClipByNorm(0.5) →
    /// optimizer.Step on the stored batches must give PyTorch's 30 losses, gradient norms and final weights within
    /// 1e-3 relative (|a − b| / max(1, |b|)).
    /// </summary>
    public class TrainingParityTests
    {
        private const double Tolerance = 1e-3;
        private const float MaxNorm = 0.5f;
        private readonly ITestOutputHelper _output;

        public TrainingParityTests(ITestOutputHelper output) => _output = output;

        public static string Path(string model, string optimizer) =>
            System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "training", model + "_" + optimizer + ".safetensors");

        public static TheoryData<string, string> Runs => new()
        {
            { "char_lstm", "adam" }, { "char_lstm", "adamw" }, { "char_lstm", "sgd" },
            { "bigru_sigmoid", "adam" }, { "bigru_sigmoid", "adamw" }, { "bigru_sigmoid", "sgd" },
        };

        /// <summary>The optimizers as the reference made them.</summary>
        private static IOptimizer Optimizer(string name) => name switch
        {
            "adam" => new Adam(learningRate: 1e-2f),
            "adamw" => new AdamW(learningRate: 1e-2f, weightDecay: 0.1f),
            "sgd" => new Sgd(0.1f, momentum: 0.9f),
            _ => throw new ArgumentException(name),
        };

        [Theory]
        [MemberData(nameof(Runs))]
        public void Thirty_steps_match_PyTorch(string model, string optimizer)
        {
            var result = Train(model, Path(model, optimizer), Optimizer(optimizer));
            _output.WriteLine(result.ToString());
            Assert.True(result.Clipped > 0 && result.Clipped < result.Losses.Length, $"clipping should act on some steps only: {result.Clipped}");
            Assert.True(result.MaxLossError <= Tolerance, result.ToString());
            Assert.True(result.MaxNormError <= Tolerance, result.ToString());
            Assert.True(result.MaxWeightError <= Tolerance, result.ToString());
            Assert.True(result.WeightsCompared == result.ParameterCount, result.ToString());
            // Training did something: the final weights are far from the initial ones.
            Assert.True(result.MaxWeightChange > 100 * Tolerance, result.ToString());
        }

        [Theory]
        [InlineData("char_lstm", "adam", "sgd")]
        [InlineData("bigru_sigmoid", "adamw", "adam")]
        [InlineData("char_lstm", "sgd", "sgd-no-momentum")]
        public void Another_optimizer_does_not_pass(string model, string optimizer, string wrong)
        {
            // The comparison must be able to fail: the same run with the wrong optimizer ends elsewhere.
            IOptimizer other = wrong == "sgd-no-momentum" ? new Sgd(0.1f) : Optimizer(wrong);
            var result = Train(model, Path(model, optimizer), other);
            Assert.True(result.MaxWeightError > 10 * Tolerance, result.ToString());
            Assert.True(result.MaxLossError > Tolerance, result.ToString());
        }

        [Fact]
        public void A_wrong_initial_weight_does_not_pass()
        {
            string path = ExtraReferenceTests.Perturbed(Path("bigru_sigmoid", "adam"), "recurrent.weight_hh_l0_reverse", 0.05f);
            try
            {
                var result = Train("bigru_sigmoid", path, Optimizer("adam"));
                Assert.True(result.MaxWeightError > Tolerance, result.ToString());
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void Without_clipping_it_does_not_pass()
        {
            var result = Train("char_lstm", Path("char_lstm", "sgd"), Optimizer("sgd"), clip: false);
            Assert.True(result.MaxWeightError > Tolerance, result.ToString());
        }

        private sealed record Result(float[] Losses, int Clipped, int ParameterCount, int WeightsCompared,
            double MaxLossError, double MaxNormError, double MaxWeightError, string WorstTensor, double MaxWeightChange)
        {
            public override string ToString() =>
                $"losses {Losses[0]:F4} → {Losses[^1]:F4}, clipped {Clipped}/{Losses.Length}; max rel error: loss {MaxLossError:E2}, " +
                $"norm {MaxNormError:E2}, final weights {MaxWeightError:E2} ({WorstTensor}); {WeightsCompared}/{ParameterCount} weights compared; " +
                $"largest weight change {MaxWeightChange:F3}";
        }

        private static double Rel(double actual, double expected)
        {
            double e = Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));
            return double.IsNaN(e) ? double.PositiveInfinity : e;
        }

        /// <summary>Runs the stored 30 steps through the public API and compares with PyTorch.</summary>
        private static Result Train(string model, string path, IOptimizer optimizer, bool clip = true)
        {
            var file = SafetensorsFile.Read(path);
            var expectedLosses = file.ToArray<float>("losses");
            var expectedNorms = file.ToArray<float>("norms");
            int steps = expectedLosses.Length;
            int[] lengthShape = file.Get("batch.lengths").Shape;
            Assert.Equal(steps, lengthShape[0]);
            int batch = lengthShape[1];
            int[] lengths = file.ToArray<int>("batch.lengths");
            var losses = new float[steps];
            var norms = new float[steps];

            IRnnModel<float> net;
            Func<int, float> backward;
            if (model == "char_lstm")
            {
                var m = new TrainCharLstm();
                int[] tokens = file.ToArray<int>("batch.tokens"), targets = file.ToArray<int>("batch.target");
                int perBatch = tokens.Length / steps;
                backward = s => m.Backward(tokens.AsSpan(s * perBatch, perBatch), batch, targets.AsSpan(s * perBatch, perBatch), lengths.AsSpan(s * batch, batch));
                net = m;
            }
            else
            {
                var m = new TrainBiGruSigmoid();
                float[] inputs = file.ToArray<float>("batch.input"), targets = file.ToArray<float>("batch.target");
                int perBatch = inputs.Length / steps, perTarget = targets.Length / steps;
                backward = s => m.Backward(inputs.AsSpan(s * perBatch, perBatch), batch, targets.AsSpan(s * perTarget, perTarget), lengths.AsSpan(s * batch, batch));
                net = m;
            }

            net.LoadSafetensors(path);
            var initial = net.Parameters.ToArray();
            int clipped = 0;
            for (int s = 0; s < steps; s++)
            {
                net.ZeroGradients();
                losses[s] = backward(s);
                norms[s] = clip ? Gradients.ClipByNorm(net.Gradients, MaxNorm) : Gradients.Norm(net.Gradients);
                if (expectedNorms[s] > MaxNorm) clipped++;
                optimizer.Step(net.Parameters, net.Gradients);
            }

            double lossError = 0, normError = 0, weightError = 0, change = 0;
            string worst = "";
            for (int s = 0; s < steps; s++)
            {
                lossError = Math.Max(lossError, Rel(losses[s], expectedLosses[s]));
                normError = Math.Max(normError, Rel(norms[s], expectedNorms[s]));
            }
            int compared = 0;
            var parameters = net.Parameters;
            foreach (var tensor in net.Tensors)
            {
                var expected = file.ToArray<float>("final." + tensor.Name);
                Assert.Equal(tensor.Length, expected.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    double e = Rel(parameters[tensor.Offset + i], expected[i]);
                    if (e > weightError) { weightError = e; worst = tensor.Name; }
                    change = Math.Max(change, Math.Abs(expected[i] - initial[tensor.Offset + i]));
                    compared++;
                }
            }
            return new Result(losses, clipped, net.ParameterCount, compared, lossError, normError, weightError, worst, change);
        }
    }
}
