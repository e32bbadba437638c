using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Rnn.Kernels;
using Rnn.Layers;

namespace Rnn.Benchmarks
{
    /// <summary>
    /// <c>train-profile</c> mode: W2's training step taken apart into the runtime calls its generated code makes (the
    /// same calls on the same sizes, through the public runtime API), each phase timed inside the step, on 1 and on 2
    /// kernel threads in alternating rounds of one process, so that the two columns and their ratio come from the same
    /// minutes. Shows which phases keep a second thread from paying.
    /// </summary>
    /// <remarks>Usage: <c>train-profile [--seconds S] [--hidden H]</c> (S = total time, default 20).</remarks>
    public static class TrainProfile
    {
        private const int Vocabulary = 65, Embedding = 128, Batch = 32, Steps = 64;

        private static readonly string[] s_phases =
        {
            "zero gradients", "recurrent Forward (token table)", "to batch-first", "dense Forward (logits)", "softmax-CE loss",
            "dense Backward", "to time-major", "recurrent Backward", "clip by norm", "Adam",
        };

        public static int Run(string[] args)
        {
            double seconds = 20;
            int hidden = 128;
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--seconds") seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                else if (args[i] == "--hidden") hidden = int.Parse(args[++i], CultureInfo.InvariantCulture);
                else
                {
                    Console.Error.WriteLine($"unknown argument {args[i]}; usage: train-profile [--seconds S] [--hidden H]");
                    return 2;
                }
            }

            var step = new Step(hidden);
            int rounds = 0;
            var perRound = new[] { new System.Collections.Generic.List<double[]>(), new System.Collections.Generic.List<double[]>() };
            for (int warm = 0; warm < 2; warm++)
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    KernelOptions.MaxThreads = threads;
                    step.Time(1.0);   // tiered compilation and the workspaces settle
                }
            }

            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds || rounds < 2)
            {
                for (int t = 0; t < 2; t++)
                {
                    KernelOptions.MaxThreads = t + 1;
                    perRound[t].Add(step.Time(0.5));
                }
                rounds++;
            }

            Console.WriteLine($"W2 training step (Embedding({Vocabulary}, {Embedding}) → LSTM({hidden}) → Dense({Vocabulary}), {Batch} × {Steps}), "
                + $"µs per step, median of {rounds} rounds alternating 1 and 2 threads");
            Console.WriteLine($"{"phase",-34} {"1 thread",10} {"2 threads",10} {"ratio",7}");
            Console.WriteLine(new string('-', 64));
            double sum1 = 0, sum2 = 0;
            for (int p = 0; p <= s_phases.Length; p++)
            {
                double one = Median(perRound[0].Select(r => r[p])), two = Median(perRound[1].Select(r => r[p]));
                string name = p < s_phases.Length ? s_phases[p] : "whole step (sum of phases)";
                if (p == s_phases.Length) Console.WriteLine(new string('-', 64));
                else { sum1 += one; sum2 += two; }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {one,10:F1} {two,10:F1} {one / two,6:F2}×"));
            }
            return 0;
        }

        private static double Median(System.Collections.Generic.IEnumerable<double> values)
        {
            var v = values.OrderBy(x => x).ToArray();
            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        }

        /// <summary>W2's step as its generated Backward, ClipByNorm and Adam make it, with a timestamp after each phase.</summary>
        private sealed class Step
        {
            private readonly int _hidden, _denseOffset;
            private readonly float[] _parameters, _gradients;
            private readonly RecurrentBlock<float> _block;
            private readonly Adam _adam = new(learningRate: 1e-3f);
            private readonly int[] _tokens = new int[Batch * Steps], _targets = new int[Batch * Steps];
            private readonly float[] _h, _features, _logits, _dLogits, _scratch, _dFeatures, _dh;

            public Step(int hidden)
            {
                _hidden = hidden;
                const int recurrentOffset = Vocabulary * Embedding;
                _block = new RecurrentBlock<float>(CellType.Lstm, Embedding, hidden, layers: 1, directions: 1, Merge.Concat, recurrentOffset);
                _denseOffset = recurrentOffset + _block.ParameterCount;
                int count = _denseOffset + Vocabulary * hidden + Vocabulary;
                _parameters = Data.Signal(count, 5);
                for (int i = 0; i < count; i++) _parameters[i] *= 0.1f;
                _gradients = new float[count];
                int[] text = Data.Tokens(Batch * (Steps + 1), Vocabulary, seed: 14);
                for (int b = 0; b < Batch; b++)
                {
                    text.AsSpan(b * (Steps + 1), Steps).CopyTo(_tokens.AsSpan(b * Steps));
                    text.AsSpan(b * (Steps + 1) + 1, Steps).CopyTo(_targets.AsSpan(b * Steps));
                }
                int n = Batch * Steps;
                _h = new float[n * hidden];
                _features = new float[n * hidden];
                _logits = new float[n * Vocabulary];
                _dLogits = new float[n * Vocabulary];
                _scratch = new float[n * Vocabulary];
                _dFeatures = new float[n * hidden];
                _dh = new float[n * hidden];
            }

            /// <summary>Runs steps for about <paramref name="seconds"/>; returns µs per step of each phase and of the whole.</summary>
            public double[] Time(double seconds)
            {
                long[] ticks = new long[s_phases.Length];
                var sw = Stopwatch.StartNew();
                int calls = 0;
                while (sw.Elapsed.TotalSeconds < seconds || calls < 3)
                {
                    Run(ticks);
                    calls++;
                }
                var result = new double[s_phases.Length + 1];
                for (int p = 0; p < ticks.Length; p++)
                {
                    result[p] = ticks[p] * 1e6 / Stopwatch.Frequency / calls;
                    result[^1] += result[p];
                }
                return result;
            }

            private void Run(long[] ticks)
            {
                int n = Batch * Steps, h = _hidden;
                var tokens = TokenBatch.Embedded(_tokens, Vocabulary, Embedding, 0);
                long t0 = Stopwatch.GetTimestamp(), t;
                void Lap(long[] acc, int phase, ref long last)
                {
                    long now = Stopwatch.GetTimestamp();
                    acc[phase] += now - last;
                    last = now;
                }

                t = t0;
                _gradients.AsSpan().Clear();
                Lap(ticks, 0, ref t);
                _block.Forward(_parameters, tokens, Steps, Batch, default, _h);
                Lap(ticks, 1, ref t);
                Layout.ToBatchFirst<float>(_h, Batch, Steps, h, _features);
                Lap(ticks, 2, ref t);
                DenseLayer.Forward<float>(_parameters, _denseOffset, h, Vocabulary, Activation.Linear, _features, n, _logits);
                Lap(ticks, 3, ref t);
                Head.Loss<float>(Activation.Softmax, _logits, _targets, Batch, Steps, Vocabulary, default, _dLogits, _scratch);
                Lap(ticks, 4, ref t);
                DenseLayer.Backward<float>(_parameters, _gradients, _denseOffset, h, Vocabulary, Activation.Linear, _features, _logits, _dLogits, n, _dFeatures);
                Lap(ticks, 5, ref t);
                Layout.ToTimeMajor<float>(_dFeatures, Batch, Steps, h, _dh);
                Lap(ticks, 6, ref t);
                _block.Backward(_parameters, _gradients, tokens, _dh, default);
                Lap(ticks, 7, ref t);
                Gradients.ClipByNorm(_gradients, 5f);
                Lap(ticks, 8, ref t);
                _adam.Step(_parameters, _gradients);
                Lap(ticks, 9, ref t);
            }
        }
    }
}
