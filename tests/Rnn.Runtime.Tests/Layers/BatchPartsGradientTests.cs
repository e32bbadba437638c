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
    }
}
