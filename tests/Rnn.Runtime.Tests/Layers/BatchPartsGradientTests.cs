using System;
using Rnn.Layers;

namespace Rnn.Tests.Layers
{
    /// <summary>
    /// Batches large enough to run in two parts (<c>BatchParts</c>: each half of the sequences sums its share of dW_hh, of
    /// the biases' gradients and, on tokens, of the per-id sums; the shares are then added): every gradient against
    /// central finite differences in double, for each cell, on vectors and on token ids through the table, padded or not.
    /// </summary>
    public sealed class BatchPartsGradientTests
    {
        [Theory]
        [InlineData(CellType.Lstm, false, false, 17, 5, 4, 1)]
        [InlineData(CellType.Gru, false, true, 17, 5, 4, 1)]
        [InlineData(CellType.RnnTanh, false, false, 17, 5, 4, 1)]
        [InlineData(CellType.Lstm, true, true, 17, 5, 4, 1)]
        [InlineData(CellType.Gru, true, false, 17, 5, 4, 1)]
        [InlineData(CellType.Lstm, true, true, 32, 24, 48, 41)]   // outputs copied in two parts too (steps·batch·H ≥ 2^15); every 41st parameter
        public void Gradients_of_a_two_part_batch_match_finite_differences(CellType cell, bool tokens, bool padded, int batch, int steps, int hidden, int every)
        {
            const int input = 3, vocabulary = 6;
            int n = batch * steps;
            var random = new Random(3);
            int embedding = tokens ? vocabulary * input : 0;
            var block = new RecurrentBlock<double>(cell, input, hidden, layers: 1, directions: 1, Merge.Concat, parameterOffset: embedding);
            double[] parameters = new double[embedding + block.ParameterCount];
            for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
            double[] x = new double[n * input];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() * 2 - 1;
            int[] ids = new int[n];   // batch-first [batch, steps], as TokenBatch takes them
            for (int i = 0; i < n; i++) ids[i] = random.Next(vocabulary);
            int[] lengths = padded ? new int[batch] : Array.Empty<int>();
            for (int b = 0; b < lengths.Length; b++) lengths[b] = b % 3 == 0 ? steps : 1 + random.Next(steps);
            double[] dOutput = new double[n * hidden];  // time-major; 0 at padding, as the heads make it
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < batch; b++)
                    if (!padded || t < lengths[b])
                        for (int k = 0; k < hidden; k++) dOutput[(t * batch + b) * hidden + k] = random.NextDouble() * 2 - 1;

            double[] output = new double[n * hidden];
            double Loss(double[] p)
            {
                if (tokens) block.Forward(p, TokenBatch.Embedded(ids, vocabulary, input, 0), steps, batch, lengths, output);
                else block.Forward(p, x, steps, batch, lengths, output);
                double loss = 0;
                for (int i = 0; i < output.Length; i++) loss += output[i] * dOutput[i];
                return loss;
            }

            Loss(parameters);
            if (tokens) Assert.True(block.UsedTokenTable, "the case was meant to read the tokens through the table");
            double[] gradients = new double[parameters.Length];
            if (tokens) block.Backward(parameters, gradients, TokenBatch.Embedded(ids, vocabulary, input, 0), dOutput, default);
            else block.Backward(parameters, gradients, x, dOutput, default, default);

            const double eps = 1e-6;
            for (int i = 0; i < parameters.Length; i += every)
            {
                double keep = parameters[i];
                parameters[i] = keep + eps;
                double up = Loss(parameters);
                parameters[i] = keep - eps;
                double down = Loss(parameters);
                parameters[i] = keep;
                double expected = (up - down) / (2 * eps);
                Assert.True(Math.Abs(expected - gradients[i]) <= 1e-6 + 1e-6 * Math.Abs(expected),
                    $"{cell}, tokens={tokens}, padded={padded}: d loss / d parameter {i} is {gradients[i]:R}, finite differences {expected:R}");
            }
        }

        [Theory]
        [InlineData(CellType.Gru, Merge.Concat)]
        [InlineData(CellType.Lstm, Merge.Sum)]
        public void Bidirectional_stacked_with_recurrent_dropout_and_final_state_gradients_match_finite_differences(CellType cell, Merge merge)
        {
            // Two layers of two directions (the reverse one walks its part's rows backwards), recurrent dropout (a mask per
            // sequence, drawn the same way each Forward from a fresh source), padding, and the loss on both the outputs and
            // the final states; the input gradient too.
            const int batch = 18, steps = 4, input = 3, hidden = 3;
            int n = batch * steps;
            var random = new Random(7);
            var block = new RecurrentBlock<double>(cell, input, hidden, layers: 2, directions: 2, merge, parameterOffset: 0, dropout: 0f, recurrentDropout: 0.3f);
            double[] parameters = new double[block.ParameterCount];
            for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
            double[] x = new double[n * input];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() * 2 - 1;
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) lengths[b] = b % 4 == 1 ? 1 + random.Next(steps) : steps;
            int width = block.OutputSize;
            double[] dOutput = new double[n * width], dFinal = new double[batch * width];
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < batch; b++)
                    if (t < lengths[b])
                        for (int k = 0; k < width; k++) dOutput[(t * batch + b) * width + k] = random.NextDouble() * 2 - 1;
            for (int i = 0; i < dFinal.Length; i++) dFinal[i] = random.NextDouble() * 2 - 1;

            double[] output = new double[n * width], final = new double[batch * width];
            double Loss(double[] p, double[] xs)
            {
                block.Forward(p, xs, steps, batch, lengths, output, random: new RandomSource(99));
                block.FinalState(final);
                double loss = 0;
                for (int i = 0; i < output.Length; i++) loss += output[i] * dOutput[i];
                for (int i = 0; i < final.Length; i++) loss += final[i] * dFinal[i];
                return loss;
            }

            Loss(parameters, x);
            double[] gradients = new double[parameters.Length], dx = new double[x.Length];
            block.Backward(parameters, gradients, x, dOutput, dFinal, dx);

            const double eps = 1e-6;
            void Check(double[] values, double[] analytic, string what)
            {
                for (int i = 0; i < values.Length; i += 3)
                {
                    double keep = values[i];
                    values[i] = keep + eps;
                    double up = Loss(parameters, x);
                    values[i] = keep - eps;
                    double down = Loss(parameters, x);
                    values[i] = keep;
                    double expected = (up - down) / (2 * eps);
                    Assert.True(Math.Abs(expected - analytic[i]) <= 1e-6 + 1e-6 * Math.Abs(expected),
                        $"{cell} {merge}: d loss / d {what}[{i}] is {analytic[i]:R}, finite differences {expected:R}");
                }
            }
            Check(parameters, gradients, "parameter");
            Check(x, dx, "x");
        }

        [Fact]
        public void Stateful_forwards_of_a_two_part_batch_continue_where_the_last_one_ended()
        {
            // Two carrying Forwards over halves of the steps give the outputs of one Forward over all of them.
            const int batch = 20, steps = 6, input = 2, hidden = 5;
            var random = new Random(13);
            var whole = new RecurrentBlock<double>(CellType.Lstm, input, hidden, 2, 1, Merge.Concat, 0);
            var halves = new RecurrentBlock<double>(CellType.Lstm, input, hidden, 2, 1, Merge.Concat, 0);
            double[] parameters = new double[whole.ParameterCount];
            for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
            double[] x = new double[steps * batch * input];   // time-major: the first half of the steps comes first
            for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() * 2 - 1;
            double[] all = new double[steps * batch * hidden], first = new double[steps / 2 * batch * hidden], second = new double[first.Length];
            whole.Forward(parameters, x, steps, batch, default, all);
            int half = steps / 2 * batch * input;
            halves.Forward(parameters, x.AsSpan(0, half), steps / 2, batch, default, first, carry: true);
            halves.Forward(parameters, x.AsSpan(half, half), steps / 2, batch, default, second, carry: true);
            for (int i = 0; i < first.Length; i++)
            {
                Assert.Equal(all[i], first[i], 12);
                Assert.Equal(all[first.Length + i], second[i], 12);
            }
        }

        [Fact]
        public void A_backward_over_no_steps_adds_nothing_after_one_over_some()
        {
            // The parts' shares from an earlier Backward must not be added again when there are no rows.
            const int batch = 17, input = 3, hidden = 4;
            var random = new Random(31);
            var block = new RecurrentBlock<double>(CellType.Lstm, input, hidden, 1, 1, Merge.Concat, 0);
            double[] parameters = new double[block.ParameterCount];
            for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
            double[] x = new double[2 * batch * input], dOutput = new double[2 * batch * hidden], output = new double[dOutput.Length];
            for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble();
            for (int i = 0; i < dOutput.Length; i++) dOutput[i] = random.NextDouble();
            block.Forward(parameters, x, 2, batch, default, output);
            block.Backward(parameters, new double[parameters.Length], x, dOutput, default, new double[x.Length]);

            block.Forward(parameters, Array.Empty<double>(), 0, batch, default, Array.Empty<double>());
            double[] gradients = new double[parameters.Length];
            block.Backward(parameters, gradients, Array.Empty<double>(), Array.Empty<double>(), default, Array.Empty<double>());
            Assert.All(gradients, g => Assert.Equal(0.0, g));
        }
    }
}
