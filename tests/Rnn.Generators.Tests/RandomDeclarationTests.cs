using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// Random valid declarations (every input, cell, stack, direction, merge, hidden layer and head) compile without
    /// diagnostics or warnings, load, and train a step: finite loss, non-zero gradients, and parameters that move.
    /// </summary>
    public class RandomDeclarationTests
    {
        private static readonly string[] Activations = { "Linear", "Sigmoid", "Softmax", "Tanh", "Relu" };
        private static readonly string[] Merges = { "Concat", "Sum", "Mul", "Average" };

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Random_valid_declarations_compile_and_train_a_step(int seed)
        {
            var random = new Random(seed);
            const int Models = 12;
            var source = new StringBuilder("using Rnn;\n\nnamespace Fuzz\n{\n");
            var declarations = new List<string>();
            for (int i = 0; i < Models; i++) declarations.Add(Declare(random, "M" + i, seed * 100 + i));
            foreach (var declaration in declarations) source.Append(declaration);
            source.Append("}\n");

            var run = GeneratorHarness.Run(source.ToString());
            Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics) + "\n" + source);
            Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorRun.Describe(run.OutputDiagnostics) + "\n" + source);
            Assert.Equal(Models, run.Sources.Length);

            using var image = new MemoryStream();
            var emitted = run.Output.Emit(image);
            Assert.True(emitted.Success, GeneratorRun.Describe(emitted.Diagnostics));
            var assembly = Assembly.Load(image.ToArray());
            for (int i = 0; i < Models; i++)
            {
                var driver = assembly.GetType("Fuzz.Train_M" + i, throwOnError: true)!;
                var result = (float[])driver.GetMethod("Run")!.Invoke(null, null)!;
                string what = "M" + i + " of seed " + seed + ":\n" + declarations[i];
                Assert.True(float.IsFinite(result[0]) && result[0] >= 0, "loss " + result[0] + " for " + what);
                Assert.True(result[1] > 0 && float.IsFinite(result[1]), "gradient norm " + result[1] + " for " + what);
                Assert.True(result[2] > 0, "the Adam step moved no parameter for " + what);
                Assert.True(float.IsFinite(result[3]), "loss after the step " + result[3] + " for " + what);
            }
        }

        /// <summary>A random valid model and a static class that trains it for one step and reports what happened.</summary>
        private static string Declare(Random random, string name, int seed)
        {
            var sb = new StringBuilder();
            int kind = random.Next(3);
            int features = 1 + random.Next(4), vocab = 2 + random.Next(8);
            bool last = random.Next(2) == 0;
            string returns = last ? ", Returns = Returns.Last" : "";
            sb.Append(kind == 0 ? $"    [RnnModel(Input = {features}{returns})]\n" : $"    [RnnModel({returns.TrimStart(',', ' ')})]\n");
            if (kind == 1) sb.Append($"    [Embedding({vocab}, {1 + random.Next(4)})]\n");
            if (kind == 2) sb.Append($"    [OneHot({vocab})]\n");
            int blocks = 1 + random.Next(3);
            for (int b = 0; b < blocks; b++)
            {
                if (random.Next(3) == 0) sb.Append($"    [Bidirectional(Merge = Merge.{Merges[random.Next(4)]})]\n");
                int hidden = 1 + random.Next(5), layers = 1 + random.Next(3);
                string stack = layers > 1 ? $", Layers = {layers}" : "";
                sb.Append(random.Next(3) switch
                {
                    0 => $"    [Lstm({hidden}{stack})]\n",
                    1 => $"    [Gru({hidden}{stack})]\n",
                    _ => $"    [SimpleRnn({hidden}{stack}, Activation = Activation.{(random.Next(2) == 0 ? "Tanh" : "Relu")})]\n",
                });
            }
            int hiddenDense = random.Next(3);
            for (int d = 0; d < hiddenDense; d++)
                sb.Append($"    [Dense({1 + random.Next(5)}, Activation.{Activations[new[] { 0, 1, 3, 4 }[random.Next(4)]]})]\n");
            string head = Activations[random.Next(4)];   // not Relu: a dead ReLU head would rightly give zero gradients
            int outputs = head == "Softmax" ? 2 + random.Next(3) : 1 + random.Next(4);   // a one-unit softmax is RNN0021
            sb.Append($"    [Dense({outputs}, Activation.{head})]\n");
            sb.Append($"    public partial class {name} {{ }}\n\n");

            const int Batch = 3, Steps = 4;
            string inputs = kind == 0
                ? $"var inputs = new float[{Batch} * {Steps} * {name}.InputSize]; for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);"
                : $"var inputs = new int[{Batch} * {Steps}]; for (int i = 0; i < inputs.Length; i++) inputs[i] = random.Next({name}.Vocabulary);";
            string count = last ? Batch.ToString(CultureInfo.InvariantCulture) : $"{Batch} * {Steps}";
            string targets = head == "Softmax"
                ? $"var targets = new int[{count}]; for (int i = 0; i < targets.Length; i++) targets[i] = random.Next({name}.OutputSize);"
                : $"var targets = new float[{count} * {name}.OutputSize]; for (int i = 0; i < targets.Length; i++) targets[i] = {(head == "Sigmoid" ? "random.Next(2)" : "(float)random.NextDouble()")};";
            sb.Append($@"    public static class Train_{name}
    {{
        public static float[] Run()
        {{
            var random = new System.Random({seed});
            var model = new {name}({seed});
            {inputs}
            {targets}
            var lengths = new[] {{ {Steps}, 2, 1 }};
            model.ZeroGradients();
            float loss = model.Backward(inputs, {Batch}, targets, lengths);
            float norm = Gradients.Norm(model.Gradients);
            var before = model.Parameters.ToArray();
            new Adam(learningRate: 1e-2f).Step(model.Parameters, model.Gradients);
            float moved = 0;
            for (int i = 0; i < before.Length; i++) moved = System.Math.Max(moved, System.Math.Abs(model.Parameters[i] - before[i]));
            model.ZeroGradients();
            float after = model.Backward(inputs, {Batch}, targets, lengths);
            return new[] {{ loss, norm, moved, after }};
        }}
    }}

");
            return sb.ToString();
        }
    }
}
