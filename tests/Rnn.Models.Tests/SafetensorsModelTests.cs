using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Rnn.Models.Tests
{
    [RnnModel]
    [Embedding(vocab: 7, dim: 3)]
    [Bidirectional]
    [Lstm(4, Layers = 2)]
    [Gru(3)]
    [SimpleRnn(2, Name = "encoder")]
    [Dense(5, Activation.Tanh)]
    [Dense(2)]
    public partial class SfNames { }

    [RnnModel(Input = 6, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Sum)]
    [Gru(16, Layers = 2)]
    [Lstm(32)]
    [Dense(10, Activation.Relu)]
    [Dense(3, Activation.Softmax)]
    public partial class SfInit { }

    [RnnModel]
    [Embedding(vocab: 400, dim: 16)]
    [SimpleRnn(8)]
    [Dense(2, Activation.Sigmoid)]
    public partial class SfEmbedding { }

    /// <summary>
    /// Parameters through safetensors files: round trips, PyTorch's names and shapes, files that do not fit (named
    /// tensor and expected shape in the message, model unchanged), truncated files, seeded initialisation as PyTorch's.
    /// </summary>
    public sealed class SafetensorsModelTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-sf-" + Guid.NewGuid().ToString("N"));

        public SafetensorsModelTests() => Directory.CreateDirectory(_directory);

        public void Dispose()
        {
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }

        private string File(string name) => Path.Combine(_directory, name + ".safetensors");

        private static void RoundTrip<T>(IRnnModel<T> saved, IRnnModel<T> loaded, string path) where T : unmanaged
        {
            Assert.NotEqual(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
            saved.SaveSafetensors(path);
            loaded.LoadSafetensors(path);
            Assert.Equal(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
        }

        [Fact]
        public void Save_then_Load_into_a_new_model_gives_identical_parameters()
        {
            RoundTrip(new SfNames(1), new SfNames(2), File("names"));
            RoundTrip(new SfInit(1), new SfInit(2), File("init"));
            RoundTrip(new GcBiLstm2Concat(1), new GcBiLstm2Concat(2), File("bilstm"));
            RoundTrip(new GcOneHotRnnLstm(1), new GcOneHotRnnLstm(2), File("onehot"));
            RoundTrip(new GcHiddenDense.Float64(1), new GcHiddenDense.Float64(2), File("twin"));
            // Saving over an existing file replaces it.
            var other = new SfNames(3);
            other.SaveSafetensors(File("names"));
            var again = new SfNames(1);
            again.LoadSafetensors(File("names"));
            Assert.Equal(other.Parameters.ToArray(), again.Parameters.ToArray());
            // The in-memory overload reads the same bytes.
            var fromBytes = new SfNames(4);
            fromBytes.LoadSafetensors(System.IO.File.ReadAllBytes(File("names")));
            Assert.Equal(other.Parameters.ToArray(), fromBytes.Parameters.ToArray());
        }

        [Fact]
        public void The_file_holds_PyTorch_names_and_shapes()
        {
            var expected = new List<(string Name, int[] Shape)> { ("embedding.weight", new[] { 7, 3 }) };
            foreach (var layer in new[] { "l0", "l0_reverse", "l1", "l1_reverse" })
            {
                int input = layer.StartsWith("l0", StringComparison.Ordinal) ? 3 : 8;   // layer 1 reads [forward ‖ reverse]
                expected.Add(("recurrent.weight_ih_" + layer, new[] { 16, input }));
                expected.Add(("recurrent.weight_hh_" + layer, new[] { 16, 4 }));
                expected.Add(("recurrent.bias_ih_" + layer, new[] { 16 }));
                expected.Add(("recurrent.bias_hh_" + layer, new[] { 16 }));
            }
            expected.Add(("recurrent_1.weight_ih_l0", new[] { 9, 8 }));   // GRU [r|z|n] 3H, reads the concatenated 2·4
            expected.Add(("recurrent_1.weight_hh_l0", new[] { 9, 3 }));
            expected.Add(("recurrent_1.bias_ih_l0", new[] { 9 }));
            expected.Add(("recurrent_1.bias_hh_l0", new[] { 9 }));
            expected.Add(("encoder.weight_ih_l0", new[] { 2, 3 }));       // vanilla RNN: one gate
            expected.Add(("encoder.weight_hh_l0", new[] { 2, 2 }));
            expected.Add(("encoder.bias_ih_l0", new[] { 2 }));
            expected.Add(("encoder.bias_hh_l0", new[] { 2 }));
            expected.Add(("dense.weight", new[] { 5, 2 }));
            expected.Add(("dense.bias", new[] { 5 }));
            expected.Add(("dense_1.weight", new[] { 2, 5 }));
            expected.Add(("dense_1.bias", new[] { 2 }));

            var model = new SfNames(5);
            Assert.Equal(expected.Sum(e => e.Shape.Aggregate(1, (a, b) => a * b)), model.ParameterCount);
            Assert.Equal(expected.Select(e => e.Name + " [" + string.Join(", ", e.Shape) + "]"), SfNames.Tensors.Select(t => t.ToString()));
            // One contiguous block, in PyTorch's state_dict order.
            int offset = 0;
            foreach (var t in SfNames.Tensors)
            {
                Assert.Equal(offset, t.Offset);
                offset += t.Length;
            }
            Assert.Equal(model.ParameterCount, offset);

            string path = File("names");
            model.SaveSafetensors(path);
            var file = SafetensorsFile.Read(path);
            Assert.Equal(expected.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal), file.Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal));
            foreach (var (name, shape) in expected)
            {
                var info = file.Get(name);
                Assert.Equal(shape, info.Shape);
                Assert.Equal(SafetensorsDType.F32, info.DType);
                var tensor = SfNames.Tensors.Single(t => t.Name == name);
                Assert.Equal(model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray(), file.ToArray<float>(name));
            }

            var twin = new SfNames.Float64(5);
            twin.SaveSafetensors(File("twin"));
            var twinFile = SafetensorsFile.Read(File("twin"));
            Assert.All(twinFile.Tensors, t => Assert.Equal(SafetensorsDType.F64, t.DType));
            Assert.Equal(file.Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal), twinFile.Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal));
        }

        /// <summary>Writes the model's tensors through <paramref name="edit"/> (return false to leave a tensor out).</summary>
        private static void Write(IRnnModel<float> model, string path, Func<string, float[], int[], (float[] Values, int[] Shape)?> edit)
        {
            var writer = new SafetensorsWriter();
            foreach (var t in model.Tensors)
            {
                var result = edit(t.Name, model.Parameters.Slice(t.Offset, t.Length).ToArray(), t.Shape);
                if (result is { } r) writer.Add(t.Name, r.Values, r.Shape);
            }
            writer.Save(path);
        }

        private static void AssertRejected(IRnnModel<float> model, string path, string tensor, string expectedShape)
        {
            var before = model.Parameters.ToArray();
            var e = Assert.ThrowsAny<Exception>(() => model.LoadSafetensors(path));
            Assert.Contains(tensor, e.Message, StringComparison.Ordinal);
            Assert.Contains(expectedShape, e.Message, StringComparison.Ordinal);
            if (e is SafetensorsException se) Assert.Equal(tensor, se.TensorName);
            Assert.Equal(before, model.Parameters.ToArray());
        }

        [Fact]
        public void A_missing_tensor_is_named_with_its_shape_and_the_model_is_unchanged()
        {
            var source = new SfNames(6);
            var model = new SfNames(7);
            foreach (var (missing, shape) in new[] { ("recurrent.weight_hh_l1_reverse", "[16, 4]"), ("embedding.weight", "[7, 3]"), ("dense_1.bias", "[2]") })
            {
                string path = File("missing");
                Write(source, path, (name, values, s) => name == missing ? null : (values, s));
                AssertRejected(model, path, missing, shape);
            }
        }

        [Fact]
        public void A_tensor_of_the_wrong_shape_is_named_with_the_expected_shape_and_the_model_is_unchanged()
        {
            var source = new SfNames(8);
            var model = new SfNames(9);
            string path = File("shape");
            // Same element count, transposed: still refused.
            Write(source, path, (name, values, s) => name == "recurrent_1.weight_ih_l0" ? (values, new[] { 8, 9 }) : (values, s));
            AssertRejected(model, path, "recurrent_1.weight_ih_l0", "[9, 8]");
            // Another element count.
            Write(source, path, (name, values, s) => name == "encoder.weight_hh_l0" ? (new float[6], new[] { 2, 3 }) : (values, s));
            AssertRejected(model, path, "encoder.weight_hh_l0", "[2, 2]");
            // Flattened.
            Write(source, path, (name, values, s) => name == "dense.weight" ? (values, new[] { 10 }) : (values, s));
            AssertRejected(model, path, "dense.weight", "[5, 2]");
        }

        [Fact]
        public void A_tensor_that_is_not_floating_point_is_refused_and_the_model_is_unchanged()
        {
            var source = new GcLstm(1);
            var model = new GcLstm(2);
            var writer = new SafetensorsWriter();
            foreach (var t in GcLstm.Tensors)
            {
                if (t.Name == "dense.bias") writer.Add(t.Name, new[] { 1, 2 }, t.Shape);
                else writer.Add(t.Name, source.Parameters.Slice(t.Offset, t.Length), t.Shape);
            }
            writer.Save(File("int"));
            var before = model.Parameters.ToArray();
            var e = Assert.ThrowsAny<Exception>(() => model.LoadSafetensors(File("int")));
            Assert.Contains("dense.bias", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, model.Parameters.ToArray());
        }

        [Fact]
        public void Other_tensors_in_the_file_are_ignored()
        {
            var source = new GcLstm(1);
            var writer = new SafetensorsWriter();
            foreach (var t in GcLstm.Tensors) writer.Add(t.Name, source.Parameters.Slice(t.Offset, t.Length), t.Shape);
            writer.Add("optimizer.step", new[] { 3 }, 1);
            writer.Add("recurrent.weight_ih_l1", new float[48], 16, 3);
            writer.Save(File("extra"));
            var model = new GcLstm(2);
            model.LoadSafetensors(File("extra"));
            Assert.Equal(source.Parameters.ToArray(), model.Parameters.ToArray());
        }

        [Fact]
        public void A_truncated_file_throws_and_leaves_the_model_unchanged()
        {
            var source = new SfNames(10);
            string path = File("full");
            source.SaveSafetensors(path);
            byte[] bytes = System.IO.File.ReadAllBytes(path);
            var model = new SfNames(11);
            var before = model.Parameters.ToArray();
            foreach (int keep in new[] { bytes.Length - 1, bytes.Length - 4, bytes.Length / 2, 40, 8, 3, 0 })
            {
                string cut = File("cut" + keep);
                System.IO.File.WriteAllBytes(cut, bytes.AsSpan(0, keep).ToArray());
                Assert.ThrowsAny<Exception>(() => model.LoadSafetensors(cut));
                Assert.ThrowsAny<Exception>(() => model.LoadSafetensors(bytes.AsSpan(0, keep).ToArray()));
                Assert.Equal(before, model.Parameters.ToArray());
            }
            Assert.ThrowsAny<Exception>(() => model.LoadSafetensors(File("does-not-exist")));
            Assert.Equal(before, model.Parameters.ToArray());
        }

        [Fact]
        public void A_double_file_loads_into_a_float_model_and_back()
        {
            var twin = new GcGru2.Float64(3);
            twin.SaveSafetensors(File("f64"));
            var model = new GcGru2(4);
            model.LoadSafetensors(File("f64"));
            for (int i = 0; i < model.ParameterCount; i++) Assert.Equal((float)twin.Parameters[i], model.Parameters[i]);

            model.SaveSafetensors(File("f32"));
            var back = new GcGru2.Float64(5);
            back.LoadSafetensors(File("f32"));
            for (int i = 0; i < model.ParameterCount; i++) Assert.Equal((double)model.Parameters[i], back.Parameters[i]);
        }

        [Fact]
        public void Initialisation_is_deterministic_per_seed_and_differs_across_seeds()
        {
            Assert.Equal(new SfInit(42).Parameters.ToArray(), new SfInit(42).Parameters.ToArray());
            Assert.Equal(new SfInit().Parameters.ToArray(), new SfInit(0).Parameters.ToArray());
            Assert.Equal(new SfInit.Float64(42).Parameters.ToArray(), new SfInit.Float64(42).Parameters.ToArray());

            var a = new SfInit(42).Parameters.ToArray();
            var b = new SfInit(43).Parameters.ToArray();
            int same = Enumerable.Range(0, a.Length).Count(i => a[i] == b[i]);
            Assert.True(same < a.Length / 100, $"{same} of {a.Length} parameters are equal for seeds 42 and 43");
            var c = new SfInit(-42).Parameters.ToArray();
            Assert.NotEqual(a, c);

            // ResetParameters(seed) gives what the constructor gives.
            var model = new SfInit(1);
            model.ResetParameters(42);
            Assert.Equal(a, model.Parameters.ToArray());

            // The double twin starts from the same weights (rounded).
            var twin = new SfInit.Float64(42);
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(twin.Parameters[i] - a[i]) <= 1e-7 * Math.Max(1, Math.Abs(a[i])), $"parameter {i}: float {a[i]}, double {twin.Parameters[i]}");
        }

        [Fact]
        public void Initial_ranges_follow_PyTorch()
        {
            var model = new SfInit(2024);
            // recurrent: bidirectional GRU(16), 2 layers, U(±1/√16); recurrent_1: LSTM(32) reading the summed 16, U(±1/√32);
            // dense: Linear(32 → 10), U(±1/√32); dense_1: Linear(10 → 3), U(±1/√10).
            CheckUniform(model, "recurrent.", 1 / Math.Sqrt(16));
            CheckUniform(model, "recurrent_1.", 1 / Math.Sqrt(32));
            CheckUniform(model, "dense.", 1 / Math.Sqrt(32));
            CheckUniform(model, "dense_1.", 1 / Math.Sqrt(10));

            var e = new SfEmbedding(2024);
            var tensor = SfEmbedding.Tensors.Single(t => t.Name == "embedding.weight");
            var values = e.Parameters.Slice(tensor.Offset, tensor.Length).ToArray();
            double mean = values.Average(v => (double)v);
            double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            Assert.InRange(mean, -0.06, 0.06);      // 6400 samples: 3.8 standard errors
            Assert.InRange(std, 0.95, 1.05);
            Assert.Contains(values, v => Math.Abs(v) > 2.5);   // tails: a uniform would never get there
            CheckUniform(e, "recurrent.", 1 / Math.Sqrt(8));
            CheckUniform(e, "dense.", 1 / Math.Sqrt(8));
        }

        private static void CheckUniform(IRnnModel<float> model, string prefix, double bound)
        {
            var values = model.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
                .SelectMany(t => model.Parameters.Slice(t.Offset, t.Length).ToArray()).ToArray();
            Assert.NotEmpty(values);
            double max = values.Max(v => Math.Abs((double)v));
            Assert.True(max <= bound * (1 + 1e-6), $"{prefix}*: |w| up to {max}, beyond 1/√fan_in = {bound}");
            Assert.True(max >= 0.95 * bound, $"{prefix}*: |w| only up to {max}, well inside 1/√fan_in = {bound}: the range is too narrow");
            double mean = values.Average(v => (double)v);
            Assert.True(Math.Abs(mean) < 4 * bound / Math.Sqrt(3 * values.Length), $"{prefix}*: mean {mean} of {values.Length} values");
            // Uniform: about half the values lie within half the bound.
            double inner = values.Count(v => Math.Abs(v) < bound / 2) / (double)values.Length;
            Assert.InRange(inner, 0.4, 0.6);
        }
    }
}
