using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Rnn.Layers;
using Rnn.Seq2Seq;
using Xunit.Abstractions;

namespace Rnn.Models.Tests
{
    /// <summary>
    /// <see cref="Seq2SeqNetwork{T}"/> against the PyTorch reference of docs/seq2seq.md (tools/export_seq2seq.py; cases in
    /// Reference/seq2seq/): the tensor table, the teacher-forced loss, the logits and every gradient, in float and in
    /// double; and finite differences in double at each case's configuration and weights, with teacher forcing 1 and
    /// below 1 (the teacher-forcing draws held fixed by restoring the generator's state before every evaluation).
    /// </summary>
    public class Seq2SeqReferenceTests
    {
        /// <summary>Float32 C# against the float32 PyTorch values: max |a − b| / max |b| per tensor (and |a − b| / max(1, |b|) per value).</summary>
        private const double FloatTolerance = 1e-5;

        /// <summary>
        /// Double C# against the same float32 file. The file's values were computed in float32 from float32 weights; the
        /// exporter keeps only cases whose float32 values are within 2e-6 (max |a − b| / max |b| per tensor) of the same
        /// computation in float64 (<c>export_seq2seq.py check</c>), and double C# from those weights is that float64
        /// computation up to ~1e-14, so 2e-6 is what the file's precision allows.
        /// </summary>
        private const double DoubleTolerance = 2e-6;

        private const double Eps = 1e-6, RelativeTolerance = 1e-5, AbsoluteTolerance = 1e-8;

        private static readonly string[] s_dataTensors = { "source", "target", "source_lengths", "target_lengths", "logits", "loss" };

        private readonly ITestOutputHelper _output;

        public Seq2SeqReferenceTests(ITestOutputHelper output) => _output = output;

        public static TheoryData<string> Cases => new()
        {
            "dot_bilstm_lstm", "dot_bigru_sum_gru", "general_gru2_gru2", "general_biavg_lstm",
            "concat_stacked_lstm2", "concat_birnn_mul_gru", "bahdanau_bilstm_gru", "bahdanau_stacked_lstm2",
        };

        // ── a case file ──────────────────────────────────────────────────────────────────────────────────

        internal sealed class Case
        {
            public required string Name { get; init; }
            public required SafetensorsFile File { get; init; }
            public required Seq2SeqShape Shape { get; init; }
            public required int Batch { get; init; }
            public required int SourceSteps { get; init; }
            public required int TargetSteps { get; init; }
            public required int[] Source { get; init; }
            public required int[] SourceLengths { get; init; }
            public required int[] Target { get; init; }
            public required int[] TargetLengths { get; init; }

            /// <summary>The file's parameter tensors (not grad.*, not the batch or the results), in the file's order.</summary>
            public IEnumerable<SafetensorsTensorInfo> Parameters =>
                File.Tensors.Where(t => !t.Name.StartsWith("grad.", StringComparison.Ordinal) && !s_dataTensors.Contains(t.Name));

            public bool ValidStep(int b, int t) => t < TargetLengths[b];
        }

        internal static string PathOf(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "seq2seq", name + ".safetensors");

        internal static Case Load(string name)
        {
            var file = SafetensorsFile.Read(PathOf(name));
            using var json = JsonDocument.Parse(file.Metadata["config"]);
            var c = json.RootElement;
            int Int(string key) => c.GetProperty(key).GetInt32();
            var encoder = new List<EncoderModule>();
            foreach (var e in c.GetProperty("encoder").EnumerateArray())
            {
                string cell = e.GetProperty("cell").GetString()!;
                var type = cell switch
                {
                    "lstm" => CellType.Lstm,
                    "gru" => CellType.Gru,
                    "rnn" => e.GetProperty("activation").GetString() == "relu" ? CellType.RnnRelu : CellType.RnnTanh,
                    _ => throw new InvalidOperationException("cell " + cell),
                };
                var merge = e.GetProperty("merge").GetString() switch
                {
                    "concat" => Merge.Concat,
                    "sum" => Merge.Sum,
                    "mul" => Merge.Mul,
                    "average" => Merge.Average,
                    var m => throw new InvalidOperationException("merge " + m),
                };
                string moduleName = e.GetProperty("name").GetString()!;
                // The documented names: encoder, encoder_1, …
                Assert.Equal(encoder.Count == 0 ? "encoder" : "encoder_" + encoder.Count.ToString(CultureInfo.InvariantCulture), moduleName);
                encoder.Add(new EncoderModule(type, e.GetProperty("hidden").GetInt32(), e.GetProperty("layers").GetInt32(),
                    e.GetProperty("bidirectional").GetBoolean(), merge, moduleName));
            }
            var decoderCell = c.GetProperty("decoder_cell").GetString() switch
            {
                "lstm" => CellType.Lstm,
                "gru" => CellType.Gru,
                var d => throw new InvalidOperationException("decoder cell " + d),
            };
            var score = c.GetProperty("score").GetString() switch
            {
                "dot" => AttentionScore.Dot,
                "general" => AttentionScore.General,
                "concat" => AttentionScore.Concat,
                "bahdanau" => AttentionScore.Bahdanau,
                var s => throw new InvalidOperationException("score " + s),
            };
            var shape = new Seq2SeqShape(Int("source_vocabulary"), Int("source_embedding"), encoder, Int("target_vocabulary"), Int("target_embedding"),
                decoderCell, Int("decoder_hidden"), Int("decoder_layers"), score, Int("attention_units"), Int("start_token"), Int("end_token"));
            Assert.Equal(Int("encoder_output"), shape.EncoderOutput);
            return new Case
            {
                Name = name,
                File = file,
                Shape = shape,
                Batch = Int("batch"),
                SourceSteps = Int("source_steps"),
                TargetSteps = Int("target_steps"),
                Source = file.ToArray<int>("source"),
                SourceLengths = file.ToArray<int>("source_lengths"),
                Target = file.ToArray<int>("target"),
                TargetLengths = file.ToArray<int>("target_lengths"),
            };
        }

        /// <summary>A network of the case's shape holding the case's weights (copied by tensor name).</summary>
        internal static Seq2SeqNetwork<T> Network<T>(Case c) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var net = new Seq2SeqNetwork<T>(c.Shape);
            Assert.Equal(c.Shape.ParameterCount, net.Parameters.Length);
            foreach (var tensor in c.Shape.Tensors)
                c.File.CopyTo<T>(tensor.Name, net.Parameters.Slice(tensor.Offset, tensor.Length));
            return net;
        }

        // ── the tensor table ─────────────────────────────────────────────────────────────────────────────

        [Theory]
        [MemberData(nameof(Cases))]
        public void The_tensor_table_is_the_reference_state_dict_in_order(string name)
        {
            var c = Load(name);
            string Row(string n, IEnumerable<int> shape) => n + " [" + string.Join(", ", shape) + "]";
            var expected = c.Parameters.Select(t => Row(t.Name, t.Shape)).ToArray();
            var actual = c.Shape.Tensors.Select(t => Row(t.Name, t.Shape)).ToArray();
            Assert.True(expected.SequenceEqual(actual),
                $"{name}: Seq2SeqShape.Tensors differ from the PyTorch state_dict\n  C#:      {string.Join(", ", actual)}\n  PyTorch: {string.Join(", ", expected)}");
            // Contiguous, in order, covering every parameter.
            int offset = 0;
            foreach (var t in c.Shape.Tensors)
            {
                Assert.Equal(offset, t.Offset);
                offset += t.Length;
            }
            Assert.Equal(c.Shape.ParameterCount, offset);
            Assert.All(c.Shape.Tensors, t => Assert.True(c.File.Contains("grad." + t.Name), "grad." + t.Name + " missing"));
        }

        // ── against PyTorch ──────────────────────────────────────────────────────────────────────────────

        private sealed record Row(string Tensor, int Count, double MaxAbs, double MaxRef, double Rel, double ElementRel);

        /// <summary>Per tensor: max |a − b| / max(max |b|, tiny) (Rel) and max over values of |a − b| / max(1, |b|) (ElementRel, ReferenceReport's measure).</summary>
        private static Row Compare(string tensor, double[] actual, double[] expected)
        {
            Assert.Equal(expected.Length, actual.Length);
            double maxAbs = 0, maxRef = 0, elementRel = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double d = Math.Abs(actual[i] - expected[i]);
                if (double.IsNaN(d)) d = double.PositiveInfinity;
                maxAbs = Math.Max(maxAbs, d);
                maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
                elementRel = Math.Max(elementRel, d / Math.Max(1.0, Math.Abs(expected[i])));
            }
            return new Row(tensor, expected.Length, maxAbs, maxRef, maxAbs / Math.Max(maxRef, 1e-30), elementRel);
        }

        private static double[] ToDouble<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = double.CreateChecked(values[i]);
            return result;
        }

        /// <summary>Backward on the case's batch; every compared tensor.</summary>
        private static List<Row> AgainstPyTorch<T>(Case c, Action<Seq2SeqNetwork<T>>? tamper = null) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var net = Network<T>(c);
            tamper?.Invoke(net);
            Assert.Equal(1f, net.TeacherForcing);
            net.ZeroGradients();
            T loss = net.Backward(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            var rows = new List<Row> { Compare("loss", new[] { double.CreateChecked(loss) }, c.File.ToArray<double>("loss")) };

            // Logits [B, T, V] at the valid steps (later steps are computed but count for nothing).
            int steps = c.TargetSteps, v = c.Shape.TargetVocabulary;
            Assert.Equal(new[] { c.Batch, steps, v }, c.File.Get("logits").Shape);
            var logits = ToDouble(net.Logits);
            Assert.Equal(c.Batch * steps * v, logits.Length);
            var expected = c.File.ToArray<double>("logits");
            var a = new List<double>();
            var e = new List<double>();
            for (int b = 0; b < c.Batch; b++)
                for (int t = 0; t < c.TargetLengths[b]; t++)
                    for (int k = 0; k < v; k++)
                    {
                        a.Add(logits[(b * steps + t) * v + k]);
                        e.Add(expected[(b * steps + t) * v + k]);
                    }
            rows.Add(Compare("logits", a.ToArray(), e.ToArray()));

            var gradients = ToDouble<T>(net.Gradients);
            foreach (var tensor in c.Shape.Tensors)
                rows.Add(Compare("grad." + tensor.Name, gradients.AsSpan(tensor.Offset, tensor.Length).ToArray(), c.File.ToArray<double>("grad." + tensor.Name)));
            return rows;
        }

        private static string Table(string title, List<Row> rows, double tolerance)
        {
            var sb = new StringBuilder();
            sb.Append(title).Append(": max rel (max|a−b|/max|b|) = ").Append(rows.Max(r => r.Rel).ToString("0.00E+00", CultureInfo.InvariantCulture))
              .Append(" at ").Append(rows.MaxBy(r => r.Rel)!.Tensor)
              .Append(", max |a−b|/max(1,|b|) = ").Append(rows.Max(r => r.ElementRel).ToString("0.00E+00", CultureInfo.InvariantCulture))
              .Append(", tolerance ").Append(tolerance.ToString("G3", CultureInfo.InvariantCulture)).Append('\n');
            int width = rows.Max(r => r.Tensor.Length);
            sb.Append("  ").Append("tensor".PadRight(width)).Append("  values  max |b|      max |a−b|    rel          elem rel\n");
            foreach (var r in rows)
            {
                sb.Append("  ").Append(r.Tensor.PadRight(width)).Append(r.Count.ToString(CultureInfo.InvariantCulture).PadLeft(8));
                foreach (double x in new[] { r.MaxRef, r.MaxAbs, r.Rel, r.ElementRel })
                    sb.Append(x.ToString("0.00E+00", CultureInfo.InvariantCulture).PadLeft(13));
                sb.Append(r.Rel <= tolerance && r.ElementRel <= tolerance ? "" : "  NO").Append('\n');
            }
            return sb.ToString();
        }

        private void AssertWithin(string title, List<Row> rows, double tolerance)
        {
            string table = Table(title, rows, tolerance);
            _output.WriteLine(table);
            Assert.True(rows.All(r => r.Rel <= tolerance && r.ElementRel <= tolerance), table);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Float_matches_PyTorch(string name)
        {
            var c = Load(name);
            AssertWithin(name + " (float)", AgainstPyTorch<float>(c), FloatTolerance);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Double_matches_PyTorch(string name)
        {
            var c = Load(name);
            AssertWithin(name + " (double)", AgainstPyTorch<double>(c), DoubleTolerance);
        }

        [Theory]
        [InlineData("dot_bilstm_lstm", "encoder.weight_hh_l0_reverse")]
        [InlineData("general_gru2_gru2", "attention.weight")]
        [InlineData("concat_stacked_lstm2", "attention.key.bias")]
        [InlineData("bahdanau_bilstm_gru", "attention.query.weight")]
        public void A_wrong_weight_is_caught(string name, string tensor)
        {
            // The comparison must be able to fail: one weight off by 1e-3 and some tensor is out of tolerance.
            var c = Load(name);
            var info = c.Shape.Tensors.Single(t => t.Name == tensor);
            var rows = AgainstPyTorch<double>(c, net => net.Parameters[info.Offset + info.Length / 2] += 1e-3);
            Assert.Contains(rows, r => r.Rel > DoubleTolerance);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Evaluate_gives_the_loss_of_Backward_and_the_mean_cross_entropy_of_the_logits(string name)
        {
            var c = Load(name);
            var net = Network<double>(c);
            net.ZeroGradients();
            double backward = net.Backward(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            Assert.Equal(LossOf(c, net.Logits), backward, 12);
            var gradients = net.Gradients.ToArray();
            double evaluate = net.Evaluate(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            Assert.Equal(backward, evaluate);
            Assert.Equal(gradients, net.Gradients.ToArray());   // Evaluate leaves the gradients alone
        }

        // ── finite differences in double ─────────────────────────────────────────────────────────────────

        /// <summary>The loss as docs/seq2seq.md defines it, from logits [B, T, V]: mean cross-entropy over t &lt; target_lengths[b].</summary>
        private static double LossOf(Case c, ReadOnlySpan<double> logits)
        {
            int steps = c.TargetSteps, v = c.Shape.TargetVocabulary, count = 0;
            double total = 0;
            for (int b = 0; b < c.Batch; b++)
                for (int t = 0; t < c.TargetLengths[b]; t++)
                {
                    var z = logits.Slice((b * steps + t) * v, v);
                    double max = double.NegativeInfinity, sum = 0;
                    foreach (double x in z) max = Math.Max(max, x);
                    foreach (double x in z) sum += Math.Exp(x - max);
                    total += max + Math.Log(sum) - z[c.Target[b * steps + t]];
                    count++;
                }
            return total / count;
        }

        private static bool Close(double a, double b)
        {
            double diff = Math.Abs(a - b);
            return diff < AbsoluteTolerance || diff / Math.Max(1e-8, Math.Abs(a) + Math.Abs(b)) < RelativeTolerance;
        }

        private static string ParameterName(Seq2SeqShape shape, int index)
        {
            var t = shape.Tensors.Last(x => x.Offset <= index);
            return t.Name + "[" + (index - t.Offset).ToString(CultureInfo.InvariantCulture) + "]";
        }

        /// <summary>Central differences of <paramref name="loss"/> for every parameter against <paramref name="analytic"/>; the mismatches.</summary>
        private static List<string> Differences(Case c, Seq2SeqNetwork<double> net, double[] analytic, Func<double> loss, out string summary)
        {
            var p = net.Parameters;
            var failures = new List<string>();
            double worstAbs = 0, worstRel = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double keep = p[i];
                p[i] = keep + Eps;
                double up = loss();
                p[i] = keep - Eps;
                double down = loss();
                p[i] = keep;
                double numeric = (up - down) / (2 * Eps), a = analytic[i], diff = Math.Abs(a - numeric);
                worstAbs = Math.Max(worstAbs, diff);
                if (Math.Abs(a) + Math.Abs(numeric) > 1e-6) worstRel = Math.Max(worstRel, diff / (Math.Abs(a) + Math.Abs(numeric)));
                if (!Close(a, numeric))
                    failures.Add($"  {ParameterName(c.Shape, i)}: Backward {a:E6}, finite difference {numeric:E6}");
            }
            summary = $"{p.Length} parameters, max |a − n| = {worstAbs:E2}, max |a − n| / (|a| + |n|) where |a| + |n| > 1e-6 = {worstRel:E2}";
            return failures;
        }

        private void CheckAll(Case c, Seq2SeqNetwork<double> net, double[] analytic, Func<double> loss, string what)
        {
            Assert.True(analytic.Any(g => Math.Abs(g) > 1e-3), "every gradient is (nearly) zero: the check would be meaningless");
            var failures = Differences(c, net, analytic, loss, out string summary);
            _output.WriteLine($"{c.Name} ({what}): {summary}");
            Assert.True(failures.Count == 0,
                $"{c.Name} ({what}): {failures.Count} of {analytic.Length} gradients differ from finite differences:\n" + string.Join("\n", failures.Take(25)));
        }

        [Fact]
        public void The_finite_difference_check_catches_a_wrong_gradient()
        {
            var c = Load("bahdanau_bilstm_gru");
            var net = Network<double>(c);
            net.ZeroGradients();
            net.Backward(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            var analytic = net.Gradients.ToArray();
            int index = c.Shape.Tensors.Single(t => t.Name == "attention.key.bias").Offset + 1;
            analytic[index] += 1e-6;
            var failures = Differences(c, net, analytic, () =>
            {
                net.Evaluate(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
                return LossOf(c, net.Logits);
            }, out _);
            Assert.Equal(new[] { "attention.key.bias[1]" }, failures.Select(f => f.Trim().Split(':')[0]).ToArray());
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Gradients_match_finite_differences_in_double(string name)
        {
            var c = Load(name);
            var net = Network<double>(c);
            net.ZeroGradients();
            double loss = net.Backward(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            Assert.True(Math.Abs(loss - LossOf(c, net.Logits)) <= 1e-12 * Math.Max(1, loss));
            var analytic = net.Gradients.ToArray();
            CheckAll(c, net, analytic, () =>
            {
                net.Evaluate(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
                return LossOf(c, net.Logits);
            }, "teacher forcing 1");
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Gradients_match_finite_differences_with_teacher_forcing_below_one(string name)
        {
            var c = Load(name);
            var net = Network<double>(c);

            // Full teacher forcing draws nothing from the generator.
            var before = net.TeacherForcingRandom.GetState();
            net.ZeroGradients();
            net.Backward(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            Assert.Equal(before, net.TeacherForcingRandom.GetState());
            var forcedLogits = net.Logits.ToArray();

            net.TeacherForcing = 0.5f;
            var state = net.TeacherForcingRandom.GetState();
            double Run()
            {
                net.TeacherForcingRandom.SetState(state);
                return net.Backward(c.Source, c.SourceLengths, c.Target, c.TargetLengths, c.Batch);
            }

            net.ZeroGradients();
            double loss = Run();
            var analytic = net.Gradients.ToArray();
            Assert.True(Math.Abs(loss - LossOf(c, net.Logits)) <= 1e-12 * Math.Max(1, loss));

            // One draw u ~ U[0, 1) per (b, t ≥ 1).
            var expected = new RandomSource(1);
            expected.SetState(state);
            for (int i = 0; i < c.Batch * (c.TargetSteps - 1); i++) expected.NextSingle();
            Assert.Equal(expected.GetState(), net.TeacherForcingRandom.GetState());

            // Some valid step read the model's own prediction instead of the target (else this is the r = 1 check again).
            var logits = net.Logits.ToArray();
            int v = c.Shape.TargetVocabulary, differing = 0;
            for (int b = 0; b < c.Batch; b++)
                for (int t = 1; t < c.TargetLengths[b]; t++)
                    for (int k = 0; k < v; k++)
                        if (logits[(b * c.TargetSteps + t) * v + k] != forcedLogits[(b * c.TargetSteps + t) * v + k]) { differing++; break; }
            Assert.True(differing > 0, "teacher forcing 0.5 gave the logits of full teacher forcing at every valid step");
            _output.WriteLine($"{name}: {differing} valid steps differ from full teacher forcing");

            // The same draws before every evaluation: the loss is a smooth function of the parameters (up to argmax ties).
            CheckAll(c, net, analytic, () => { Run(); return LossOf(c, net.Logits); }, "teacher forcing 0.5");
        }
    }
}
