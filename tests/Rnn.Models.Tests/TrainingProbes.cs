using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace Rnn.Models.Tests
{
    // Shared by StatefulTests and DropoutTests: a generated model (float or its Float64 twin) seen through its training
    // members — Stateful, Training, DropoutRandom, GetState/SetState, Evaluate — so one harness drives every shape.
    internal delegate void GetStateFn<T>(Span<T> state);
    internal delegate void SetStateFn<T>(ReadOnlySpan<T> state, int batch);

    /// <summary>
    /// A batch of sequences [batch, steps]: float features or token ids, and targets (floats for a linear head, class ids
    /// for a softmax head), per step for many-to-many models or per sequence for many-to-one.
    /// </summary>
    internal sealed class SeqBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Batch { get; init; }
        public int Steps { get; init; }
        public int InputWidth { get; init; }
        public int Units { get; init; }
        public bool Sequence { get; init; }
        public T[] Features { get; init; } = Array.Empty<T>();
        public int[] Tokens { get; init; } = Array.Empty<int>();
        public T[] FloatTargets { get; init; } = Array.Empty<T>();
        public int[] ClassTargets { get; init; } = Array.Empty<int>();
        public int[]? Lengths { get; init; }

        public bool Valid(int b, int t) => Lengths is null || t < Lengths[b];

        /// <summary>Steps [start, start + count) of every sequence (many-to-one targets are kept whole). No lengths.</summary>
        public SeqBatch<T> Slice(int start, int count)
        {
            var features = new T[InputWidth == 0 ? 0 : Batch * count * InputWidth];
            var tokens = new int[Tokens.Length == 0 ? 0 : Batch * count];
            T[] floatTargets = FloatTargets;
            int[] classTargets = ClassTargets;
            if (Sequence)
            {
                floatTargets = new T[FloatTargets.Length == 0 ? 0 : Batch * count * Units];
                classTargets = new int[ClassTargets.Length == 0 ? 0 : Batch * count];
            }
            for (int b = 0; b < Batch; b++)
            {
                if (features.Length > 0)
                    Features.AsSpan((b * Steps + start) * InputWidth, count * InputWidth).CopyTo(features.AsSpan(b * count * InputWidth));
                if (tokens.Length > 0)
                    Tokens.AsSpan(b * Steps + start, count).CopyTo(tokens.AsSpan(b * count));
                if (Sequence && floatTargets.Length > 0)
                    FloatTargets.AsSpan((b * Steps + start) * Units, count * Units).CopyTo(floatTargets.AsSpan(b * count * Units));
                if (Sequence && classTargets.Length > 0)
                    ClassTargets.AsSpan(b * Steps + start, count).CopyTo(classTargets.AsSpan(b * count));
            }
            return new SeqBatch<T>
            {
                Batch = Batch, Steps = count, InputWidth = InputWidth, Units = Units, Sequence = Sequence,
                Features = features, Tokens = tokens, FloatTargets = floatTargets, ClassTargets = classTargets,
            };
        }

        /// <summary>Sequence b alone (batch 1), its first <paramref name="count"/> steps.</summary>
        public SeqBatch<T> Row(int b, int count)
        {
            return new SeqBatch<T>
            {
                Batch = 1, Steps = count, InputWidth = InputWidth, Units = Units, Sequence = Sequence,
                Features = InputWidth == 0 ? Array.Empty<T>() : Features.AsSpan(b * Steps * InputWidth, count * InputWidth).ToArray(),
                Tokens = Tokens.Length == 0 ? Array.Empty<int>() : Tokens.AsSpan(b * Steps, count).ToArray(),
                FloatTargets = FloatTargets.Length == 0 ? Array.Empty<T>()
                    : Sequence ? FloatTargets.AsSpan(b * Steps * Units, count * Units).ToArray() : FloatTargets.AsSpan(b * Units, Units).ToArray(),
                ClassTargets = ClassTargets.Length == 0 ? Array.Empty<int>()
                    : Sequence ? ClassTargets.AsSpan(b * Steps, count).ToArray() : ClassTargets.AsSpan(b, 1).ToArray(),
            };
        }

        /// <summary>Sequence b alone (batch 1) along time: its first <paramref name="first"/> steps in <paramref name="a"/>, then its row of <paramref name="next"/>.</summary>
        public static SeqBatch<T> Concat(SeqBatch<T> a, int b, int first, SeqBatch<T> next)
        {
            int steps = first + next.Steps;
            var row = a.Row(b, first);
            var tail = next.Row(b, next.Steps);
            return new SeqBatch<T>
            {
                Batch = 1, Steps = steps, InputWidth = a.InputWidth, Units = a.Units, Sequence = a.Sequence,
                Features = row.Features.Concat(tail.Features).ToArray(),
                Tokens = row.Tokens.Concat(tail.Tokens).ToArray(),
                FloatTargets = a.Sequence ? row.FloatTargets.Concat(tail.FloatTargets).ToArray() : tail.FloatTargets,
                ClassTargets = a.Sequence ? row.ClassTargets.Concat(tail.ClassTargets).ToArray() : tail.ClassTargets,
            };
        }
    }

    /// <summary>
    /// One generated model through its training members. Features models have a linear head (mean squared error on
    /// float targets); token models have a softmax head (cross-entropy on class ids).
    /// </summary>
    internal sealed class TrainProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required string Name { get; init; }
        public required IRnnModel<T> Model { get; init; }
        public required int StateSize { get; init; }
        public required int Units { get; init; }
        public required bool Sequence { get; init; }
        /// <summary>Features per step; 0 for token models.</summary>
        public int InputWidth { get; init; }
        /// <summary>Token ids run from 0 to Vocabulary − 1 (token models).</summary>
        public int Vocabulary { get; init; }
        public bool IsTokens => InputWidth == 0;

        public ForwardFeatures<T>? ForwardFeatures { get; init; }
        public ForwardFeatures<T>? LogitsFeatures { get; init; }
        public BackwardFeatures<T>? BackwardFeatures { get; init; }
        public BackwardFeatures<T>? EvaluateFeatures { get; init; }
        public ForwardTokens<T>? ForwardTokens { get; init; }
        public ForwardTokens<T>? LogitsTokens { get; init; }
        public BackwardTokensClasses<T>? BackwardTokens { get; init; }
        public BackwardTokensClasses<T>? EvaluateTokens { get; init; }
        public Func<T[]>? InputGradients { get; init; }

        public required GetStateFn<T> GetStateFn { get; init; }
        public required SetStateFn<T> SetStateFn { get; init; }
        public required Action Reset { get; init; }
        public required Action<bool> SetStateful { get; init; }
        public required Action<bool> SetTraining { get; init; }
        public required Func<RandomSource> DropoutRandom { get; init; }
        public required Func<int> StateBatch { get; init; }

        public bool Stateful { set => SetStateful(value); }
        public bool Training { set => SetTraining(value); }

        public static TrainProbe<T> OfFeatures(string name, IRnnModel<T> model, ForwardFeatures<T> forward, ForwardFeatures<T> logits,
            BackwardFeatures<T> backward, BackwardFeatures<T> evaluate, Func<T[]> inputGradients,
            GetStateFn<T> getState, SetStateFn<T> setState, Action reset, Action<bool> stateful, Action<bool> training,
            Func<RandomSource> random, Func<int> stateBatch, int stateSize, int inputSize, int units, bool sequence) => new()
            {
                Name = name, Model = model, ForwardFeatures = forward, LogitsFeatures = logits, BackwardFeatures = backward,
                EvaluateFeatures = evaluate, InputGradients = inputGradients, GetStateFn = getState, SetStateFn = setState, Reset = reset,
                SetStateful = stateful, SetTraining = training, DropoutRandom = random, StateBatch = stateBatch,
                StateSize = stateSize, InputWidth = inputSize, Units = units, Sequence = sequence,
            };

        public static TrainProbe<T> OfTokens(string name, IRnnModel<T> model, ForwardTokens<T> forward, ForwardTokens<T> logits,
            BackwardTokensClasses<T> backward, BackwardTokensClasses<T> evaluate,
            GetStateFn<T> getState, SetStateFn<T> setState, Action reset, Action<bool> stateful, Action<bool> training,
            Func<RandomSource> random, Func<int> stateBatch, int stateSize, int vocabulary, int units, bool sequence) => new()
            {
                Name = name, Model = model, ForwardTokens = forward, LogitsTokens = logits, BackwardTokens = backward,
                EvaluateTokens = evaluate, GetStateFn = getState, SetStateFn = setState, Reset = reset,
                SetStateful = stateful, SetTraining = training, DropoutRandom = random, StateBatch = stateBatch,
                StateSize = stateSize, Vocabulary = vocabulary, Units = units, Sequence = sequence,
            };

        /// <summary>Random data: features in [−1, 1] or token ids, targets in [−1, 1] or class ids.</summary>
        public SeqBatch<T> MakeBatch(int seed, int batch, int steps, int[]? lengths = null)
        {
            var random = new Random(seed);
            int rows = Sequence ? batch * steps : batch;
            return new SeqBatch<T>
            {
                Batch = batch, Steps = steps, InputWidth = InputWidth, Units = Units, Sequence = Sequence, Lengths = lengths,
                Features = IsTokens ? Array.Empty<T>() : Convert(TestData.Uniform(random, batch * steps * InputWidth, -1, 1)),
                Tokens = IsTokens ? TestData.Ints(random, batch * steps, Vocabulary) : Array.Empty<int>(),
                FloatTargets = IsTokens ? Array.Empty<T>() : Convert(TestData.Uniform(random, rows * Units, -1, 1)),
                ClassTargets = IsTokens ? TestData.Ints(random, rows, Units) : Array.Empty<int>(),
            };
        }

        private static T[] Convert(double[] values) => Array.ConvertAll(values, v => T.CreateChecked(v));

        private int Rows(SeqBatch<T> d) => Sequence ? d.Batch * d.Steps : d.Batch;

        /// <summary>Forward: outputs after the head's activation.</summary>
        public T[] Forward(SeqBatch<T> d)
        {
            var outputs = new T[Rows(d) * Units];
            if (IsTokens) ForwardTokens!(d.Tokens, d.Batch, outputs, d.Lengths);
            else ForwardFeatures!(d.Features, d.Batch, outputs, d.Lengths);
            return outputs;
        }

        public T[] Logits(SeqBatch<T> d)
        {
            var outputs = new T[Rows(d) * Units];
            if (IsTokens) LogitsTokens!(d.Tokens, d.Batch, outputs, d.Lengths);
            else LogitsFeatures!(d.Features, d.Batch, outputs, d.Lengths);
            return outputs;
        }

        public T Backward(SeqBatch<T> d) =>
            IsTokens ? BackwardTokens!(d.Tokens, d.Batch, d.ClassTargets, d.Lengths) : BackwardFeatures!(d.Features, d.Batch, d.FloatTargets, d.Lengths);

        public T Evaluate(SeqBatch<T> d) =>
            IsTokens ? EvaluateTokens!(d.Tokens, d.Batch, d.ClassTargets, d.Lengths) : EvaluateFeatures!(d.Features, d.Batch, d.FloatTargets, d.Lengths);

        /// <summary>
        /// The mean loss over valid positions computed here from ForwardLogits, independently of the runtime's loss code:
        /// mean squared error for the linear head, cross-entropy for the softmax head.
        /// </summary>
        public double Loss(SeqBatch<T> d)
        {
            var logits = Logits(d);
            double total = 0;
            long count = 0;
            for (int row = 0; row < Rows(d); row++)
            {
                if (Sequence && !d.Valid(row / d.Steps, row % d.Steps)) continue;
                if (IsTokens)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    for (int k = 0; k < Units; k++) max = Math.Max(max, double.CreateChecked(logits[row * Units + k]));
                    for (int k = 0; k < Units; k++) sum += Math.Exp(double.CreateChecked(logits[row * Units + k]) - max);
                    total += max + Math.Log(sum) - double.CreateChecked(logits[row * Units + d.ClassTargets[row]]);
                    count++;
                }
                else
                {
                    for (int k = 0; k < Units; k++)
                    {
                        double e = double.CreateChecked(logits[row * Units + k]) - double.CreateChecked(d.FloatTargets[row * Units + k]);
                        total += e * e;
                        count++;
                    }
                }
            }
            return count == 0 ? 0 : total / count;
        }

        public T[] GetState()
        {
            var state = new T[StateBatch() * StateSize];
            GetStateFn(state);
            return state;
        }

        public void SetState(T[] state, int batch) => SetStateFn(state, batch);

        public string ParameterName(int index)
        {
            foreach (var t in Model.Tensors)
                if (index >= t.Offset && index < t.Offset + t.Length) return $"{t.Name}[{index - t.Offset}]";
            return $"parameter {index}";
        }

        public override string ToString() => Name;
    }

    internal static class TrainingAsserts
    {
        public static int[] Bits(ReadOnlySpan<float> values)
        {
            var bits = new int[values.Length];
            for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
            return bits;
        }

        public static long[] Bits(ReadOnlySpan<double> values)
        {
            var bits = new long[values.Length];
            for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
            return bits;
        }

        /// <summary>Bit for bit (so −0 ≠ +0 and NaN payloads count), naming the first difference.</summary>
        public static void BitEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values expected, {actual.Length} found");
            for (int i = 0; i < expected.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }

        public static void BitEqual(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values expected, {actual.Length} found");
            for (int i = 0; i < expected.Length; i++)
            {
                if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                    Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }

        /// <summary>|a − b| ≤ tolerance · max(1, |b|) for every value.</summary>
        public static void Close<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values expected, {actual.Length} found");
            for (int i = 0; i < expected.Length; i++)
            {
                double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
                if (!(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e))))
                    Assert.Fail($"{what}[{i}]: expected {e:R}, got {a:R} (tolerance {tolerance})");
            }
        }

        /// <summary>The largest |a − b| over two arrays.</summary>
        public static double MaxDifference<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Assert.Equal(a.Length, b.Length);
            double max = 0;
            for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(double.CreateChecked(a[i]) - double.CreateChecked(b[i])));
            return max;
        }
    }

    /// <summary>
    /// Finite differences in double: every parameter, central differences with ε = 1e-6, the loss computed by
    /// <see cref="TrainProbe{T}.Loss"/> from ForwardLogits after <c>prepare</c> (which restores whatever must be held
    /// fixed: the carried state, the dropout stream).
    /// </summary>
    internal static class FiniteDifferences
    {
        private const double Eps = 1e-6, RelativeTolerance = 1e-5, AbsoluteTolerance = 1e-8;

        public static bool Close(double a, double b)
        {
            double diff = Math.Abs(a - b);
            return diff < AbsoluteTolerance || diff / Math.Max(1e-8, Math.Abs(a) + Math.Abs(b)) < RelativeTolerance;
        }

        /// <summary>Compares <paramref name="analytic"/> (from Backward after <paramref name="prepare"/>) with central differences.</summary>
        public static List<string> Compare(TrainProbe<double> probe, SeqBatch<double> data, double[] analytic, Action prepare, double[]? analyticInputs = null)
        {
            var failures = new List<string>();
            var parameters = probe.Model.Parameters;
            for (int i = 0; i < analytic.Length; i++)
            {
                double original = parameters[i];
                parameters[i] = original + Eps;
                prepare();
                double plus = probe.Loss(data);
                parameters[i] = original - Eps;
                prepare();
                double minus = probe.Loss(data);
                parameters[i] = original;
                double numeric = (plus - minus) / (2 * Eps);
                if (!Close(analytic[i], numeric))
                    failures.Add($"  {probe.ParameterName(i)}: Backward {analytic[i]:E6}, finite difference {numeric:E6}");
            }
            if (analyticInputs is not null)
            {
                var inputs = data.Features;
                for (int i = 0; i < inputs.Length; i++)
                {
                    double original = inputs[i];
                    inputs[i] = original + Eps;
                    prepare();
                    double plus = probe.Loss(data);
                    inputs[i] = original - Eps;
                    prepare();
                    double minus = probe.Loss(data);
                    inputs[i] = original;
                    double numeric = (plus - minus) / (2 * Eps);
                    if (!Close(analyticInputs[i], numeric))
                        failures.Add($"  input[{i}]: InputGradients {analyticInputs[i]:E6}, finite difference {numeric:E6}");
                }
            }
            return failures;
        }

        /// <summary>Runs Backward once after <paramref name="prepare"/>, checks the loss against <see cref="TrainProbe{T}.Loss"/>, then every gradient.</summary>
        public static void Check(TrainProbe<double> probe, SeqBatch<double> data, Action prepare, bool inputs = true)
        {
            probe.Model.ZeroGradients();
            prepare();
            double loss = probe.Backward(data);
            var analytic = probe.Model.Gradients.ToArray();
            var analyticInputs = inputs && !probe.IsTokens ? probe.InputGradients?.Invoke() : null;
            prepare();
            double expected = probe.Loss(data);
            Assert.True(Math.Abs(loss - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)),
                $"{probe.Name}: Backward returned loss {loss:R}; the loss of ForwardLogits' logits under the same state is {expected:R}");
            Assert.True(analytic.Count(g => Math.Abs(g) > 1e-6) > analytic.Length / 10, $"{probe.Name}: most gradients are (nearly) zero: the check would be meaningless");
            var failures = Compare(probe, data, analytic, prepare, analyticInputs);
            Assert.True(failures.Count == 0,
                $"{probe.Name}: {failures.Count} of {analytic.Length + (analyticInputs?.Length ?? 0)} gradients differ from finite differences:\n" + string.Join("\n", failures.Take(25)));
        }
    }
}
