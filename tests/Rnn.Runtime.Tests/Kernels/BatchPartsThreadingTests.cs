using System;
using Rnn.Kernels;
using Rnn.Layers;

namespace Rnn.Tests.Kernels
{
    /// <summary>
    /// The per-sequence phases of a training step that run in the batch's two halves on the kernel threads (layout changes,
    /// softmax cross-entropy) and the optimizers' two halves of the parameter block: the same numbers on 1 and on 2 threads,
    /// the right numbers, and really split when 2 threads are allowed.
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class BatchPartsThreadingTests
    {
        [Theory]
        [InlineData(32, 64, 128)]   // W2's [32, 64, 128]: two halves
        [InlineData(17, 40, 50)]    // halves of 8 and 9 sequences
        [InlineData(15, 64, 128)]   // too few sequences for two halves
        [InlineData(32, 3, 5)]      // too small to split
        public void Layout_conversions_move_every_row_to_its_place_on_any_thread_count(int batch, int steps, int features)
        {
            int n = batch * steps * features;
            float[] batchFirst = new float[n];
            for (int i = 0; i < n; i++) batchFirst[i] = i;
            foreach (int threads in new[] { 1, 2 })
            {
                using var scope = new KernelOptionsScope(maxThreads: threads);
                int before = KernelParallel.ParallelRuns;
                var timeMajor = new float[n];
                Layout.ToTimeMajor<float>(batchFirst, batch, steps, features, timeMajor);
                for (int b = 0; b < batch; b++)
                    for (int t = 0; t < steps; t++)
                        for (int f = 0; f < features; f++)
                            Assert.Equal(batchFirst[(b * steps + t) * features + f], timeMajor[(t * batch + b) * features + f]);
                var back = new float[n];
                Layout.ToBatchFirst<float>(timeMajor, batch, steps, features, back);
                Assert.Equal(batchFirst, back);
                bool split = n >= 1 << 15 && batch >= 16;
                if (threads == 2) Assert.Equal(split ? before + 2 : before, KernelParallel.ParallelRuns);
            }
        }

        [Fact]
        public void Layout_names_a_span_too_short()
        {
            var ex = Assert.Throws<ArgumentException>(() => Layout.ToBatchFirst<float>(new float[24], 2, 3, 4, new float[23]));
            Assert.Equal("dst", ex.ParamName);
            Assert.Contains("24", ex.Message);
            ex = Assert.Throws<ArgumentException>(() => Layout.ToTimeMajor<double>(new double[10], 2, 3, 4, new double[24]));
            Assert.Equal("src", ex.ParamName);
        }

        [Fact]
        public void Softmax_cross_entropy_is_bit_identical_on_one_and_two_threads_and_right()
        {
            const int batch = 32, steps = 64, classes = 65;
            var random = new Random(5);
            float[] logits = new float[batch * steps * classes];
            for (int i = 0; i < logits.Length; i++) logits[i] = (float)(random.NextDouble() * 8 - 4);
            int[] targets = new int[batch * steps];
            for (int i = 0; i < targets.Length; i++) targets[i] = random.Next(classes);
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) lengths[b] = b % 5 == 0 ? steps - 3 * b / 5 : steps;

            float loss1, loss2;
            float[] d1 = new float[logits.Length], d2 = new float[logits.Length];
            using (new KernelOptionsScope(maxThreads: 1)) loss1 = Losses.SoftmaxCrossEntropy<float>(logits, targets, batch, steps, classes, lengths, d1);
            using (new KernelOptionsScope(maxThreads: 2))
            {
                int before = KernelParallel.ParallelRuns;
                loss2 = Losses.SoftmaxCrossEntropy<float>(logits, targets, batch, steps, classes, lengths, d2);
                Assert.True(KernelParallel.ParallelRuns > before, "the loss was expected to run in two halves on the kernel threads");
            }
            Assert.Equal(BitConverter.SingleToInt32Bits(loss1), BitConverter.SingleToInt32Bits(loss2));
            for (int i = 0; i < d1.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(d1[i]), BitConverter.SingleToInt32Bits(d2[i]));

            // Against the definition, in double: mean of log Σ exp(x) − x[target] over valid rows; (softmax − onehot) / count.
            double total = 0;
            long count = 0;
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < steps; t++)
                {
                    int row = b * steps + t;
                    if (t >= lengths[b])
                    {
                        for (int k = 0; k < classes; k++) Assert.Equal(0f, d1[row * classes + k]);
                        continue;
                    }
                    count++;
                    double max = double.NegativeInfinity, sum = 0;
                    for (int k = 0; k < classes; k++) max = Math.Max(max, logits[row * classes + k]);
                    for (int k = 0; k < classes; k++) sum += Math.Exp(logits[row * classes + k] - max);
                    total += Math.Log(sum) + max - logits[row * classes + targets[row]];
                }
            }
            Assert.Equal(total / count, loss1, 4);
            for (int b = 0; b < batch; b += 7)
            {
                for (int t = 0; t < lengths[b]; t += 5)
                {
                    int row = b * steps + t;
                    double max = double.NegativeInfinity, sum = 0;
                    for (int k = 0; k < classes; k++) max = Math.Max(max, logits[row * classes + k]);
                    for (int k = 0; k < classes; k++) sum += Math.Exp(logits[row * classes + k] - max);
                    for (int k = 0; k < classes; k++)
                    {
                        double expected = (Math.Exp(logits[row * classes + k] - max) / sum - (k == targets[row] ? 1 : 0)) / count;
                        Assert.True(Math.Abs(expected - d1[row * classes + k]) <= 1e-6 / count + 1e-6 * Math.Abs(expected), $"dLogits[{row}, {k}]");
                    }
                }
            }
        }

        [Theory]
        [InlineData(65)]
        [InlineData(300)]   // more classes than one summing chunk
        public void Softmax_cross_entropy_is_the_same_with_and_without_gradients(int classes)
        {
            const int batch = 16, steps = 20;
            var random = new Random(classes);
            float[] logits = new float[batch * steps * classes];
            for (int i = 0; i < logits.Length; i++) logits[i] = (float)(random.NextDouble() * 10 - 5);
            int[] targets = new int[batch * steps];
            for (int i = 0; i < targets.Length; i++) targets[i] = random.Next(classes);
            foreach (int threads in new[] { 1, 2 })
            {
                using var scope = new KernelOptionsScope(maxThreads: threads);
                float with = Losses.SoftmaxCrossEntropy<float>(logits, targets, batch, steps, classes, default, new float[logits.Length]);
                float without = Losses.SoftmaxCrossEntropy<float>(logits, targets, batch, steps, classes, default, default);
                Assert.Equal(BitConverter.SingleToInt32Bits(without), BitConverter.SingleToInt32Bits(with));
            }
        }

        [Theory]
        [InlineData(Activation.Tanh, true)]
        [InlineData(Activation.Linear, false)]
        public void Dense_backward_over_many_rows_is_bit_identical_on_one_and_two_threads_and_right(Activation activation, bool withDx)
        {
            const int rows = 1000, input = 30, units = 20, offset = 7;   // 600 000 multiply-adds a product: two parts
            var random = new Random(11);
            double[] parameters = new double[offset + units * input + units];
            for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
            double[] x = new double[rows * input];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() * 2 - 1;
            double[] y = new double[rows * units];
            DenseLayer.Forward<double>(parameters, offset, input, units, activation, x, rows, y);
            double[] dy0 = new double[rows * units];
            for (int i = 0; i < dy0.Length; i++) dy0[i] = random.NextDouble() * 2 - 1;
            double[] start = new double[parameters.Length];
            for (int i = 0; i < start.Length; i++) start[i] = random.NextDouble();

            var results = new (double[] Gradients, double[] Dx)[2];
            foreach (int threads in new[] { 1, 2 })
            {
                using var scope = new KernelOptionsScope(maxThreads: threads);
                double[] gradients = (double[])start.Clone(), dy = (double[])dy0.Clone(), dx = withDx ? new double[rows * input] : Array.Empty<double>();
                int before = KernelParallel.ParallelRuns;
                DenseLayer.Backward<double>(parameters, gradients, offset, input, units, activation, x, y, dy, rows, dx);
                if (threads == 2) Assert.True(KernelParallel.ParallelRuns > before, "the backward was expected to run in two parts on the kernel threads");
                results[threads - 1] = (gradients, dx);
            }
            Assert.Equal(results[0].Gradients, results[1].Gradients);
            Assert.Equal(results[0].Dx, results[1].Dx);

            // Against the definition: d = dy ⊙ act'(y); dW += dᵀx, db += Σ d, dx = d·W.
            double[] d = new double[dy0.Length];
            for (int i = 0; i < d.Length; i++) d[i] = activation == Activation.Tanh ? dy0[i] * (1 - y[i] * y[i]) : dy0[i];
            for (int u = 0; u < units; u++)
            {
                double bias = start[offset + units * input + u];
                for (int r = 0; r < rows; r++) bias += d[r * units + u];
                Assert.Equal(bias, results[0].Gradients[offset + units * input + u], 9);
                for (int k = 0; k < input; k++)
                {
                    double w = start[offset + u * input + k];
                    for (int r = 0; r < rows; r++) w += d[r * units + u] * x[r * input + k];
                    Assert.Equal(w, results[0].Gradients[offset + u * input + k], 9);
                }
            }
            for (int i = 0; i < offset; i++) Assert.Equal(start[i], results[0].Gradients[i]);
            if (withDx)
            {
                for (int r = 0; r < rows; r += 13)
                    for (int k = 0; k < input; k++)
                    {
                        double sum = 0;
                        for (int u = 0; u < units; u++) sum += d[r * units + u] * parameters[offset + u * input + k];
                        Assert.Equal(sum, results[0].Dx[r * input + k], 9);
                    }
            }
        }

        [Theory]
        [InlineData(CellType.Gru, false)]
        [InlineData(CellType.Lstm, true)]
        [InlineData(CellType.RnnRelu, false)]
        public void Recurrent_blocks_are_bit_identical_on_one_and_two_threads(CellType cell, bool tokens)
        {
            // Odd batch (halves of 8 and 9 sequences), both directions, two layers, recurrent dropout, padding, outputs and
            // final states, on vectors or token ids through the table: every output, gradient and input gradient.
            const int batch = 17, steps = 12, input = 5, hidden = 16, vocabulary = 7;
            int n = batch * steps, embedding = tokens ? vocabulary * input : 0;
            var random = new Random(21);
            var results = new double[2][][];
            foreach (int threads in new[] { 1, 2 })
            {
                using var scope = new KernelOptionsScope(maxThreads: threads);
                var block = new RecurrentBlock<double>(cell, input, hidden, layers: 2, directions: 2, Merge.Concat, parameterOffset: embedding,
                    dropout: 0f, recurrentDropout: 0.25f);
                var r = new Random(4);
                double[] parameters = new double[embedding + block.ParameterCount];
                for (int i = 0; i < parameters.Length; i++) parameters[i] = r.NextDouble() - 0.5;
                double[] x = new double[n * input];
                for (int i = 0; i < x.Length; i++) x[i] = r.NextDouble() * 2 - 1;
                int[] ids = new int[n];
                for (int i = 0; i < n; i++) ids[i] = r.Next(vocabulary);
                int[] lengths = new int[batch];
                for (int b = 0; b < batch; b++) lengths[b] = b % 3 == 2 ? 1 + r.Next(steps) : steps;
                int width = block.OutputSize;
                double[] dOutput = new double[n * width], dFinal = new double[batch * width];
                for (int i = 0; i < dOutput.Length; i++) dOutput[i] = r.NextDouble() - 0.5;
                for (int t = 0; t < steps; t++)
                    for (int b = 0; b < batch; b++)
                        if (t >= lengths[b]) dOutput.AsSpan((t * batch + b) * width, width).Clear();
                for (int i = 0; i < dFinal.Length; i++) dFinal[i] = r.NextDouble() - 0.5;
                double[] output = new double[n * width], final = new double[batch * width], gradients = new double[parameters.Length], dx = new double[x.Length];
                int before = KernelParallel.ParallelRuns;
                if (tokens)
                {
                    var batchTokens = TokenBatch.Embedded(ids, vocabulary, input, 0);
                    block.Forward(parameters, batchTokens, steps, batch, lengths, output, random: new RandomSource(5));
                    block.FinalState(final);
                    block.Backward(parameters, gradients, batchTokens, dOutput, dFinal);
                }
                else
                {
                    block.Forward(parameters, x, steps, batch, lengths, output, random: new RandomSource(5));
                    block.FinalState(final);
                    block.Backward(parameters, gradients, x, dOutput, dFinal, dx);
                }
                if (threads == 2) Assert.True(KernelParallel.ParallelRuns > before, "the recurrence was expected to run in two parts on the kernel threads");
                results[threads - 1] = new[] { output, final, gradients, dx };
            }
            for (int k = 0; k < 4; k++)
                for (int i = 0; i < results[0][k].Length; i++)
                    if (BitConverter.DoubleToInt64Bits(results[0][k][i]) != BitConverter.DoubleToInt64Bits(results[1][k][i]))
                        Assert.Fail($"{cell}, tokens={tokens}: result {k} element {i} differs: {results[0][k][i]:R} on one thread, {results[1][k][i]:R} on two");
        }

        public static TheoryData<string> Optimizers() => new() { "adam", "adamw", "sgd-momentum", "sgd-nesterov" };

        private static Optimizer Make(string name) => name switch
        {
            "adam" => new Adam(1e-2f, weightDecay: 0.01f),
            "adamw" => new AdamW(1e-2f),
            "sgd-momentum" => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
            _ => new Sgd(0.1f, momentum: 0.9f, nesterov: true),
        };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void Optimizers_update_a_large_block_in_halves_as_element_by_element(string name)
        {
            const int n = (1 << 17) + 37, slice = 1024;
            var random = new Random(9);
            float[] start = new float[n];
            for (int i = 0; i < n; i++) start[i] = (float)(random.NextDouble() * 2 - 1);
            float[][] gradients = new float[3][];
            for (int s = 0; s < 3; s++)
            {
                gradients[s] = new float[n];
                for (int i = 0; i < n; i++) gradients[s][i] = (float)(random.NextDouble() * 2 - 1);
            }

            // Reference: the block as many small blocks (each below the size that splits), each with its own optimizer.
            float[] expected = (float[])start.Clone();
            using (new KernelOptionsScope(maxThreads: 1))
            {
                for (int offset = 0; offset < n; offset += slice)
                {
                    int count = Math.Min(slice, n - offset);
                    var optimizer = Make(name);
                    for (int s = 0; s < 3; s++) optimizer.Step(expected.AsSpan(offset, count), gradients[s].AsSpan(offset, count));
                }
            }

            foreach (int threads in new[] { 1, 2 })
            {
                using var scope = new KernelOptionsScope(maxThreads: threads);
                float[] parameters = (float[])start.Clone();
                var optimizer = Make(name);
                int before = KernelParallel.ParallelRuns;
                for (int s = 0; s < 3; s++) optimizer.Step(parameters, gradients[s]);
                if (threads == 2) Assert.True(KernelParallel.ParallelRuns > before, "the update was expected to run in two halves on the kernel threads");
                for (int i = 0; i < n; i++)
                {
                    if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(parameters[i]))
                        Assert.Fail($"{name}, {threads} thread(s): parameter {i} is {parameters[i]:R}, element by element {expected[i]:R}");
                }
            }
        }
    }
}
