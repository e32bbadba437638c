using System;
using System.Collections.Generic;

namespace Rnn.Models.Tests
{
    // Delegate shapes of the generated entry points, so that one test harness can drive every generated model
    // (the generated classes share IRnnModel<T> for their parameter blocks, but Forward/Backward/Step have
    // input-kind-specific signatures). Method groups convert to these: `ForwardFeatures<double> f = m.ForwardLogits;`.
    internal delegate void ForwardFeatures<T>(ReadOnlySpan<T> inputs, int batch, Span<T> outputs, ReadOnlySpan<int> lengths);
    internal delegate void ForwardTokens<T>(ReadOnlySpan<int> tokens, int batch, Span<T> outputs, ReadOnlySpan<int> lengths);
    internal delegate T BackwardFeatures<T>(ReadOnlySpan<T> inputs, int batch, ReadOnlySpan<T> targets, ReadOnlySpan<int> lengths);
    internal delegate T BackwardFeaturesClasses<T>(ReadOnlySpan<T> inputs, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths);
    internal delegate T BackwardTokens<T>(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<T> targets, ReadOnlySpan<int> lengths);
    internal delegate T BackwardTokensClasses<T>(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths);
    internal delegate void StepFeatures<T>(ReadOnlySpan<T> x, Span<T> y);
    internal delegate void StepToken<T>(int token, Span<T> y);

    /// <summary>The batch a probe runs: shape, lengths (null: every sequence full) and the seed of the data.</summary>
    public sealed record BatchSetup(int Batch, int Steps, int[]? Lengths, int Seed)
    {
        /// <summary>Explicit data instead of random data from <see cref="Seed"/> (each left null is drawn at random).</summary>
        public double[]? Inputs { get; init; }
        public int[]? TokenIds { get; init; }
        public double[]? FloatTargets { get; init; }
        public int[]? ClassTargets { get; init; }

        public bool Valid(int b, int t) => Lengths is null || t < Lengths[b];

        public override string ToString() =>
            $"batch {Batch}, steps {Steps}, lengths {(Lengths is null ? "none" : "[" + string.Join(", ", Lengths) + "]")}, seed {Seed}";
    }

    /// <summary>Random inputs and targets for tests.</summary>
    internal static class TestData
    {
        public static double[] Uniform(Random random, int count, double low, double high)
        {
            var values = new double[count];
            for (int i = 0; i < count; i++) values[i] = low + (high - low) * random.NextDouble();
            return values;
        }

        public static int[] Ints(Random random, int count, int maxExclusive)
        {
            var values = new int[count];
            for (int i = 0; i < count; i++) values[i] = random.Next(maxExclusive);
            return values;
        }

        public static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

        public static double[] ToDouble(ReadOnlySpan<float> values)
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = values[i];
            return result;
        }
    }

    /// <summary>
    /// One double-precision model with one batch: runs ForwardLogits and Backward on its (mutable) inputs and
    /// computes the loss the contract defines from the logits, independently of the runtime's loss code.
    /// </summary>
    internal sealed class GradProbe
    {
        private Func<double[]> _logits = null!;
        private Func<double[]> _outputs = null!;
        private Func<double> _backward = null!;

        public IRnnModel<double> Model { get; private init; } = null!;
        public BatchSetup Setup { get; private init; } = null!;
        public Activation Head { get; private init; }
        public bool Sequence { get; private init; }
        public int Units { get; private init; }
        /// <summary>Float inputs [batch, steps, InputSize] (null for token models); perturbed in place by the checks.</summary>
        public double[]? Inputs { get; private init; }
        public int[]? TokenIds { get; private init; }
        public double[]? FloatTargets { get; private init; }
        public int[]? ClassTargets { get; private init; }
        /// <summary>Copy of the model's InputGradients after Backward (null for token models).</summary>
        public Func<double[]>? InputGradients { get; private init; }

        /// <summary>A probe of the same model instance with another batch.</summary>
        public Func<BatchSetup, GradProbe> With { get; private init; } = null!;

        public double[] Logits() => _logits();

        /// <summary>Forward: the outputs after the head's activation.</summary>
        public double[] Outputs() => _outputs();

        public double Backward() => _backward();

        private int Rows => Sequence ? Setup.Batch * Setup.Steps : Setup.Batch;

        public bool ValidRow(int row) => !Sequence || Setup.Valid(row / Setup.Steps, row % Setup.Steps);

        /// <summary>The mean loss over valid positions as the design says: MSE on the activated outputs (linear, tanh, relu heads), BCE with logits, CE over class ids.</summary>
        public double LossOf(double[] logits)
        {
            double total = 0;
            long count = 0;
            int units = Units;
            for (int row = 0; row < Rows; row++)
            {
                if (!ValidRow(row)) continue;
                var z = logits.AsSpan(row * units, units);
                switch (Head)
                {
                    case Activation.Softmax:
                    {
                        double max = double.NegativeInfinity;
                        foreach (double v in z) max = Math.Max(max, v);
                        double sum = 0;
                        foreach (double v in z) sum += Math.Exp(v - max);
                        total += max + Math.Log(sum) - z[ClassTargets![row]];
                        count++;
                        break;
                    }
                    case Activation.Sigmoid:
                        for (int k = 0; k < units; k++)
                        {
                            double x = z[k], y = FloatTargets![row * units + k];
                            total += Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                            count++;
                        }
                        break;
                    default:
                        for (int k = 0; k < units; k++)
                        {
                            double x = z[k];
                            double y = Head switch { Activation.Tanh => Math.Tanh(x), Activation.Relu => Math.Max(x, 0), _ => x };
                            double d = y - FloatTargets![row * units + k];
                            total += d * d;
                            count++;
                        }
                        break;
                }
            }
            return count == 0 ? 0 : total / count;
        }

        private static double[] Targets(Random random, int rows, int units, Activation head) => head switch
        {
            Activation.Sigmoid => TestData.Uniform(random, rows * units, 0, 1),
            Activation.Relu => TestData.Uniform(random, rows * units, -0.2, 1),
            _ => TestData.Uniform(random, rows * units, -1, 1),
        };

        private static int RowsOf(BatchSetup s, bool sequence) => sequence ? s.Batch * s.Steps : s.Batch;

        public static GradProbe Features(IRnnModel<double> model, ForwardFeatures<double> forward, ForwardFeatures<double> logits, BackwardFeatures<double> backward,
            Func<double[]> inputGradients, int inputSize, int units, Activation head, bool sequence, BatchSetup s)
        {
            var random = new Random(s.Seed);
            var inputs = s.Inputs ?? TestData.Uniform(random, s.Batch * s.Steps * inputSize, -1, 1);
            var targets = s.FloatTargets ?? Targets(random, RowsOf(s, sequence), units, head);
            int rows = RowsOf(s, sequence);
            return new GradProbe
            {
                Model = model, Setup = s, Head = head, Sequence = sequence, Units = units, Inputs = inputs, FloatTargets = targets,
                InputGradients = inputGradients,
                _logits = () => { var o = new double[rows * units]; logits(inputs, s.Batch, o, s.Lengths); return o; },
                _outputs = () => { var o = new double[rows * units]; forward(inputs, s.Batch, o, s.Lengths); return o; },
                With = s2 => Features(model, forward, logits, backward, inputGradients, inputSize, units, head, sequence, s2),
                _backward = () => backward(inputs, s.Batch, targets, s.Lengths),
            };
        }

        public static GradProbe Features(IRnnModel<double> model, ForwardFeatures<double> forward, ForwardFeatures<double> logits, BackwardFeaturesClasses<double> backward,
            Func<double[]> inputGradients, int inputSize, int units, bool sequence, BatchSetup s)
        {
            var random = new Random(s.Seed);
            var inputs = s.Inputs ?? TestData.Uniform(random, s.Batch * s.Steps * inputSize, -1, 1);
            int rows = RowsOf(s, sequence);
            var targets = s.ClassTargets ?? TestData.Ints(random, rows, units);
            return new GradProbe
            {
                Model = model, Setup = s, Head = Activation.Softmax, Sequence = sequence, Units = units, Inputs = inputs, ClassTargets = targets,
                InputGradients = inputGradients,
                _logits = () => { var o = new double[rows * units]; logits(inputs, s.Batch, o, s.Lengths); return o; },
                _outputs = () => { var o = new double[rows * units]; forward(inputs, s.Batch, o, s.Lengths); return o; },
                With = s2 => Features(model, forward, logits, backward, inputGradients, inputSize, units, sequence, s2),
                _backward = () => backward(inputs, s.Batch, targets, s.Lengths),
            };
        }

        public static GradProbe Tokens(IRnnModel<double> model, ForwardTokens<double> forward, ForwardTokens<double> logits, BackwardTokens<double> backward,
            int vocabulary, int units, Activation head, bool sequence, BatchSetup s)
        {
            var random = new Random(s.Seed);
            var tokens = s.TokenIds ?? TestData.Ints(random, s.Batch * s.Steps, vocabulary);
            int rows = RowsOf(s, sequence);
            var targets = s.FloatTargets ?? Targets(random, rows, units, head);
            return new GradProbe
            {
                Model = model, Setup = s, Head = head, Sequence = sequence, Units = units, TokenIds = tokens, FloatTargets = targets,
                _logits = () => { var o = new double[rows * units]; logits(tokens, s.Batch, o, s.Lengths); return o; },
                _outputs = () => { var o = new double[rows * units]; forward(tokens, s.Batch, o, s.Lengths); return o; },
                With = s2 => Tokens(model, forward, logits, backward, vocabulary, units, head, sequence, s2),
                _backward = () => backward(tokens, s.Batch, targets, s.Lengths),
            };
        }

        public static GradProbe Tokens(IRnnModel<double> model, ForwardTokens<double> forward, ForwardTokens<double> logits, BackwardTokensClasses<double> backward,
            int vocabulary, int units, bool sequence, BatchSetup s)
        {
            var random = new Random(s.Seed);
            var tokens = s.TokenIds ?? TestData.Ints(random, s.Batch * s.Steps, vocabulary);
            int rows = RowsOf(s, sequence);
            var targets = s.ClassTargets ?? TestData.Ints(random, rows, units);
            return new GradProbe
            {
                Model = model, Setup = s, Head = Activation.Softmax, Sequence = sequence, Units = units, TokenIds = tokens, ClassTargets = targets,
                _logits = () => { var o = new double[rows * units]; logits(tokens, s.Batch, o, s.Lengths); return o; },
                _outputs = () => { var o = new double[rows * units]; forward(tokens, s.Batch, o, s.Lengths); return o; },
                With = s2 => Tokens(model, forward, logits, backward, vocabulary, units, sequence, s2),
                _backward = () => backward(tokens, s.Batch, targets, s.Lengths),
            };
        }

        /// <summary>Name of the tensor that holds parameter <paramref name="index"/>, with the index inside it.</summary>
        public string ParameterName(int index)
        {
            foreach (var t in Model.Tensors)
                if (index >= t.Offset && index < t.Offset + t.Length) return t.Name + "[" + (index - t.Offset) + "]";
            return "?[" + index + "]";
        }

    }

    /// <summary>A float model driven with the batch of a <see cref="GradProbe"/> (inputs and targets rounded to float).</summary>
    internal sealed class FloatRunner
    {
        private Func<GradProbe, float> _backward = null!;

        public IRnnModel<float> Model { get; private init; } = null!;
        public Func<float[]>? InputGradients { get; private init; }

        public float Backward(GradProbe p) => _backward(p);

        private static float[] F(double[] values) => TestData.ToFloat(values);

        public static FloatRunner Features(IRnnModel<float> model, BackwardFeatures<float> backward, Func<float[]> inputGradients) => new()
        {
            Model = model, InputGradients = inputGradients,
            _backward = p => backward(F(p.Inputs!), p.Setup.Batch, F(p.FloatTargets!), p.Setup.Lengths),
        };

        public static FloatRunner Features(IRnnModel<float> model, BackwardFeaturesClasses<float> backward, Func<float[]> inputGradients) => new()
        {
            Model = model, InputGradients = inputGradients,
            _backward = p => backward(F(p.Inputs!), p.Setup.Batch, p.ClassTargets!, p.Setup.Lengths),
        };

        public static FloatRunner Tokens(IRnnModel<float> model, BackwardTokens<float> backward) => new()
        {
            Model = model,
            _backward = p => backward(p.TokenIds!, p.Setup.Batch, F(p.FloatTargets!), p.Setup.Lengths),
        };

        public static FloatRunner Tokens(IRnnModel<float> model, BackwardTokensClasses<float> backward) => new()
        {
            Model = model,
            _backward = p => backward(p.TokenIds!, p.Setup.Batch, p.ClassTargets!, p.Setup.Lengths),
        };
    }
}
