using System;
using System.Collections.Generic;
using System.Numerics;

namespace Rnn.Models.Tests
{
    /// <summary>A generated model seen through its streaming and whole-sequence entry points.</summary>
    internal sealed class StreamProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private ForwardFeatures<T>? _forwardFeatures;
        private ForwardTokens<T>? _forwardTokens;
        private StepFeatures<T>? _stepFeatures;
        private StepToken<T>? _stepToken;
        private Action _reset = null!;

        public bool IsTokens { get; private init; }
        /// <summary>Features per step, or the vocabulary for token models.</summary>
        public int Input { get; private init; }
        public int Units { get; private init; }
        public bool Sequence { get; private init; }

        public static StreamProbe<T> Features(object model, ForwardFeatures<T> forward, StepFeatures<T> step, Action reset, int inputSize, int units, bool sequence) =>
            new() { _forwardFeatures = forward, _stepFeatures = step, _reset = reset, Input = inputSize, Units = units, Sequence = sequence };

        public static StreamProbe<T> Tokens(object model, ForwardTokens<T> forward, StepToken<T> step, Action reset, int vocabulary, int units, bool sequence) =>
            new() { _forwardTokens = forward, _stepToken = step, _reset = reset, IsTokens = true, Input = vocabulary, Units = units, Sequence = sequence };

        /// <summary>Random sequences [batch, steps, ·]: features in [−1, 1] or token ids.</summary>
        public (T[] Features, int[] Tokens) MakeBatch(Random random, int batch, int steps)
        {
            if (IsTokens) return (Array.Empty<T>(), TestData.Ints(random, batch * steps, Input));
            var values = TestData.Uniform(random, batch * steps * Input, -1, 1);
            return (Array.ConvertAll(values, v => T.CreateChecked(v)), Array.Empty<int>());
        }

        /// <summary>Forward over the batch: [batch, steps, units] or [batch, units].</summary>
        public T[] Forward((T[] Features, int[] Tokens) data, int batch, int steps, int[]? lengths)
        {
            var outputs = new T[(Sequence ? batch * steps : batch) * Units];
            if (IsTokens) _forwardTokens!(data.Tokens, batch, outputs, lengths);
            else _forwardFeatures!(data.Features, batch, outputs, lengths);
            return outputs;
        }

        /// <summary>Forward on the first <paramref name="count"/> steps of sequence <paramref name="b"/> alone.</summary>
        public T[] ForwardPrefix((T[] Features, int[] Tokens) data, int b, int steps, int count)
        {
            (T[], int[]) prefix = IsTokens
                ? (Array.Empty<T>(), data.Tokens.AsSpan(b * steps, count).ToArray())
                : (data.Features.AsSpan(b * steps * Input, count * Input).ToArray(), Array.Empty<int>());
            return Forward(prefix, 1, count, null);
        }

        public void ResetState() => _reset();

        /// <summary>One Step on step t of sequence b; returns y [units].</summary>
        public T[] Step((T[] Features, int[] Tokens) data, int b, int t, int steps)
        {
            var y = new T[Units];
            if (IsTokens) _stepToken!(data.Tokens[b * steps + t], y);
            else _stepFeatures!(data.Features.AsSpan((b * steps + t) * Input, Input), y);
            return y;
        }

        /// <summary>ResetState, then one Step per step for the first <paramref name="count"/> steps of sequence b: [count, units].</summary>
        public T[] Stream((T[] Features, int[] Tokens) data, int b, int steps, int count, bool reset = true)
        {
            if (reset) ResetState();
            var all = new T[count * Units];
            for (int t = 0; t < count; t++) Step(data, b, t, steps).CopyTo(all, t * Units);
            return all;
        }
    }

    /// <summary>
    /// Streaming: ResetState then one Step per time step gives what Forward gives on the whole sequence, at every step
    /// (many-to-one: the Step output after t steps equals Forward on those t steps), for every cell kind, stacked layers,
    /// several recurrent attributes, hidden dense layers, every head, float, embedding and one-hot inputs.
    /// </summary>
    public class StreamingTests
    {
        private const int Seed = 7;

        private static readonly Dictionary<string, Func<StreamProbe<float>>> s_float = new()
        {
            ["GcRnnTanh"] = () => { var m = new GcRnnTanh(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnTanh.InputSize, GcRnnTanh.OutputSize, GcRnnTanh.ReturnsSequence); },
            ["GcRnnRelu"] = () => { var m = new GcRnnRelu(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnRelu.InputSize, GcRnnRelu.OutputSize, GcRnnRelu.ReturnsSequence); },
            ["GcLstm"] = () => { var m = new GcLstm(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcLstm.InputSize, GcLstm.OutputSize, GcLstm.ReturnsSequence); },
            ["GcGru"] = () => { var m = new GcGru(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcGru.InputSize, GcGru.OutputSize, GcGru.ReturnsSequence); },
            ["GcRnnTanh2"] = () => { var m = new GcRnnTanh2(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnTanh2.InputSize, GcRnnTanh2.OutputSize, GcRnnTanh2.ReturnsSequence); },
            ["GcRnnRelu3"] = () => { var m = new GcRnnRelu3(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnRelu3.InputSize, GcRnnRelu3.OutputSize, GcRnnRelu3.ReturnsSequence); },
            ["GcLstm2"] = () => { var m = new GcLstm2(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcLstm2.InputSize, GcLstm2.OutputSize, GcLstm2.ReturnsSequence); },
            ["GcLstm3"] = () => { var m = new GcLstm3(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcLstm3.InputSize, GcLstm3.OutputSize, GcLstm3.ReturnsSequence); },
            ["GcGru2"] = () => { var m = new GcGru2(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcGru2.InputSize, GcGru2.OutputSize, GcGru2.ReturnsSequence); },
            ["GcGru3"] = () => { var m = new GcGru3(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcGru3.InputSize, GcGru3.OutputSize, GcGru3.ReturnsSequence); },
            ["GcLstmGru"] = () => { var m = new GcLstmGru(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcLstmGru.InputSize, GcLstmGru.OutputSize, GcLstmGru.ReturnsSequence); },
            ["GcGruRnnLstm"] = () => { var m = new GcGruRnnLstm(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcGruRnnLstm.InputSize, GcGruRnnLstm.OutputSize, GcGruRnnLstm.ReturnsSequence); },
            ["GcGruLstmLast"] = () => { var m = new GcGruLstmLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcGruLstmLast.InputSize, GcGruLstmLast.OutputSize, GcGruLstmLast.ReturnsSequence); },
            ["GcHeadSigmoid"] = () => { var m = new GcHeadSigmoid(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSigmoid.InputSize, GcHeadSigmoid.OutputSize, GcHeadSigmoid.ReturnsSequence); },
            ["GcHeadSoftmax"] = () => { var m = new GcHeadSoftmax(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSoftmax.InputSize, GcHeadSoftmax.OutputSize, GcHeadSoftmax.ReturnsSequence); },
            ["GcHeadTanh"] = () => { var m = new GcHeadTanh(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadTanh.InputSize, GcHeadTanh.OutputSize, GcHeadTanh.ReturnsSequence); },
            ["GcHeadRelu"] = () => { var m = new GcHeadRelu(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadRelu.InputSize, GcHeadRelu.OutputSize, GcHeadRelu.ReturnsSequence); },
            ["GcHeadLinearLast"] = () => { var m = new GcHeadLinearLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadLinearLast.InputSize, GcHeadLinearLast.OutputSize, GcHeadLinearLast.ReturnsSequence); },
            ["GcHeadSigmoidLast"] = () => { var m = new GcHeadSigmoidLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSigmoidLast.InputSize, GcHeadSigmoidLast.OutputSize, GcHeadSigmoidLast.ReturnsSequence); },
            ["GcHeadSoftmaxLast"] = () => { var m = new GcHeadSoftmaxLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSoftmaxLast.InputSize, GcHeadSoftmaxLast.OutputSize, GcHeadSoftmaxLast.ReturnsSequence); },
            ["GcHeadTanhLast"] = () => { var m = new GcHeadTanhLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadTanhLast.InputSize, GcHeadTanhLast.OutputSize, GcHeadTanhLast.ReturnsSequence); },
            ["GcHeadReluLast"] = () => { var m = new GcHeadReluLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadReluLast.InputSize, GcHeadReluLast.OutputSize, GcHeadReluLast.ReturnsSequence); },
            ["GcHiddenDense"] = () => { var m = new GcHiddenDense(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHiddenDense.InputSize, GcHiddenDense.OutputSize, GcHiddenDense.ReturnsSequence); },
            ["GcHiddenDenseLast"] = () => { var m = new GcHiddenDenseLast(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, GcHiddenDenseLast.InputSize, GcHiddenDenseLast.OutputSize, GcHiddenDenseLast.ReturnsSequence); },
            ["GcEmbedLstm"] = () => { var m = new GcEmbedLstm(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, GcEmbedLstm.Vocabulary, GcEmbedLstm.OutputSize, GcEmbedLstm.ReturnsSequence); },
            ["GcEmbedGru2Last"] = () => { var m = new GcEmbedGru2Last(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, GcEmbedGru2Last.Vocabulary, GcEmbedGru2Last.OutputSize, GcEmbedGru2Last.ReturnsSequence); },
            ["GcEmbedGruHidden"] = () => { var m = new GcEmbedGruHidden(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, GcEmbedGruHidden.Vocabulary, GcEmbedGruHidden.OutputSize, GcEmbedGruHidden.ReturnsSequence); },
            ["GcOneHotGru"] = () => { var m = new GcOneHotGru(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, GcOneHotGru.Vocabulary, GcOneHotGru.OutputSize, GcOneHotGru.ReturnsSequence); },
            ["GcOneHotLstmLast"] = () => { var m = new GcOneHotLstmLast(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, GcOneHotLstmLast.Vocabulary, GcOneHotLstmLast.OutputSize, GcOneHotLstmLast.ReturnsSequence); },
            ["GcOneHotRnnLstm"] = () => { var m = new GcOneHotRnnLstm(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, GcOneHotRnnLstm.Vocabulary, GcOneHotRnnLstm.OutputSize, GcOneHotRnnLstm.ReturnsSequence); },
            ["MdStack"] = () => { var m = new MdStack(Seed); return StreamProbe<float>.Features(m, m.Forward, m.Step, m.ResetState, MdStack.InputSize, MdStack.OutputSize, MdStack.ReturnsSequence); },
            ["MdEmbedLast"] = () => { var m = new MdEmbedLast(Seed); return StreamProbe<float>.Tokens(m, m.Forward, m.Step, m.ResetState, MdEmbedLast.Vocabulary, MdEmbedLast.OutputSize, MdEmbedLast.ReturnsSequence); },
        };

        private static readonly Dictionary<string, Func<StreamProbe<double>>> s_double = new()
        {
            ["GcRnnTanh"] = () => { var m = new GcRnnTanh.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnTanh.InputSize, GcRnnTanh.OutputSize, GcRnnTanh.ReturnsSequence); },
            ["GcRnnRelu"] = () => { var m = new GcRnnRelu.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnRelu.InputSize, GcRnnRelu.OutputSize, GcRnnRelu.ReturnsSequence); },
            ["GcLstm"] = () => { var m = new GcLstm.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcLstm.InputSize, GcLstm.OutputSize, GcLstm.ReturnsSequence); },
            ["GcGru"] = () => { var m = new GcGru.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcGru.InputSize, GcGru.OutputSize, GcGru.ReturnsSequence); },
            ["GcRnnTanh2"] = () => { var m = new GcRnnTanh2.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnTanh2.InputSize, GcRnnTanh2.OutputSize, GcRnnTanh2.ReturnsSequence); },
            ["GcRnnRelu3"] = () => { var m = new GcRnnRelu3.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcRnnRelu3.InputSize, GcRnnRelu3.OutputSize, GcRnnRelu3.ReturnsSequence); },
            ["GcLstm2"] = () => { var m = new GcLstm2.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcLstm2.InputSize, GcLstm2.OutputSize, GcLstm2.ReturnsSequence); },
            ["GcLstm3"] = () => { var m = new GcLstm3.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcLstm3.InputSize, GcLstm3.OutputSize, GcLstm3.ReturnsSequence); },
            ["GcGru2"] = () => { var m = new GcGru2.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcGru2.InputSize, GcGru2.OutputSize, GcGru2.ReturnsSequence); },
            ["GcGru3"] = () => { var m = new GcGru3.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcGru3.InputSize, GcGru3.OutputSize, GcGru3.ReturnsSequence); },
            ["GcLstmGru"] = () => { var m = new GcLstmGru.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcLstmGru.InputSize, GcLstmGru.OutputSize, GcLstmGru.ReturnsSequence); },
            ["GcGruRnnLstm"] = () => { var m = new GcGruRnnLstm.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcGruRnnLstm.InputSize, GcGruRnnLstm.OutputSize, GcGruRnnLstm.ReturnsSequence); },
            ["GcGruLstmLast"] = () => { var m = new GcGruLstmLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcGruLstmLast.InputSize, GcGruLstmLast.OutputSize, GcGruLstmLast.ReturnsSequence); },
            ["GcHeadSigmoid"] = () => { var m = new GcHeadSigmoid.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSigmoid.InputSize, GcHeadSigmoid.OutputSize, GcHeadSigmoid.ReturnsSequence); },
            ["GcHeadSoftmax"] = () => { var m = new GcHeadSoftmax.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSoftmax.InputSize, GcHeadSoftmax.OutputSize, GcHeadSoftmax.ReturnsSequence); },
            ["GcHeadTanh"] = () => { var m = new GcHeadTanh.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadTanh.InputSize, GcHeadTanh.OutputSize, GcHeadTanh.ReturnsSequence); },
            ["GcHeadRelu"] = () => { var m = new GcHeadRelu.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadRelu.InputSize, GcHeadRelu.OutputSize, GcHeadRelu.ReturnsSequence); },
            ["GcHeadLinearLast"] = () => { var m = new GcHeadLinearLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadLinearLast.InputSize, GcHeadLinearLast.OutputSize, GcHeadLinearLast.ReturnsSequence); },
            ["GcHeadSigmoidLast"] = () => { var m = new GcHeadSigmoidLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSigmoidLast.InputSize, GcHeadSigmoidLast.OutputSize, GcHeadSigmoidLast.ReturnsSequence); },
            ["GcHeadSoftmaxLast"] = () => { var m = new GcHeadSoftmaxLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadSoftmaxLast.InputSize, GcHeadSoftmaxLast.OutputSize, GcHeadSoftmaxLast.ReturnsSequence); },
            ["GcHeadTanhLast"] = () => { var m = new GcHeadTanhLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadTanhLast.InputSize, GcHeadTanhLast.OutputSize, GcHeadTanhLast.ReturnsSequence); },
            ["GcHeadReluLast"] = () => { var m = new GcHeadReluLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHeadReluLast.InputSize, GcHeadReluLast.OutputSize, GcHeadReluLast.ReturnsSequence); },
            ["GcHiddenDense"] = () => { var m = new GcHiddenDense.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHiddenDense.InputSize, GcHiddenDense.OutputSize, GcHiddenDense.ReturnsSequence); },
            ["GcHiddenDenseLast"] = () => { var m = new GcHiddenDenseLast.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, GcHiddenDenseLast.InputSize, GcHiddenDenseLast.OutputSize, GcHiddenDenseLast.ReturnsSequence); },
            ["GcEmbedLstm"] = () => { var m = new GcEmbedLstm.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, GcEmbedLstm.Vocabulary, GcEmbedLstm.OutputSize, GcEmbedLstm.ReturnsSequence); },
            ["GcEmbedGru2Last"] = () => { var m = new GcEmbedGru2Last.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, GcEmbedGru2Last.Vocabulary, GcEmbedGru2Last.OutputSize, GcEmbedGru2Last.ReturnsSequence); },
            ["GcEmbedGruHidden"] = () => { var m = new GcEmbedGruHidden.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, GcEmbedGruHidden.Vocabulary, GcEmbedGruHidden.OutputSize, GcEmbedGruHidden.ReturnsSequence); },
            ["GcOneHotGru"] = () => { var m = new GcOneHotGru.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, GcOneHotGru.Vocabulary, GcOneHotGru.OutputSize, GcOneHotGru.ReturnsSequence); },
            ["GcOneHotLstmLast"] = () => { var m = new GcOneHotLstmLast.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, GcOneHotLstmLast.Vocabulary, GcOneHotLstmLast.OutputSize, GcOneHotLstmLast.ReturnsSequence); },
            ["GcOneHotRnnLstm"] = () => { var m = new GcOneHotRnnLstm.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, GcOneHotRnnLstm.Vocabulary, GcOneHotRnnLstm.OutputSize, GcOneHotRnnLstm.ReturnsSequence); },
            ["MdStack"] = () => { var m = new MdStack.Float64(Seed); return StreamProbe<double>.Features(m, m.Forward, m.Step, m.ResetState, MdStack.InputSize, MdStack.OutputSize, MdStack.ReturnsSequence); },
            ["MdEmbedLast"] = () => { var m = new MdEmbedLast.Float64(Seed); return StreamProbe<double>.Tokens(m, m.Forward, m.Step, m.ResetState, MdEmbedLast.Vocabulary, MdEmbedLast.OutputSize, MdEmbedLast.ReturnsSequence); },
        };

        public static TheoryData<string> Names()
        {
            var data = new TheoryData<string>();
            foreach (var name in s_float.Keys) data.Add(name);
            return data;
        }

        private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}: element {i}: Forward {e:R}, Step {a:R}");
            }
        }

        private static void StepEqualsForward<T>(StreamProbe<T> probe, double tolerance, string name)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            const int steps = 7;
            var random = new Random(name.Length * 31 + 5);

            // Batch 1, every step.
            var data = probe.MakeBatch(random, 1, steps);
            var streamed = probe.Stream(data, 0, steps, steps);
            if (probe.Sequence)
            {
                AssertClose(probe.Forward(data, 1, steps, null), streamed, tolerance, name + " batch 1");
            }
            else
            {
                for (int t = 1; t <= steps; t++)
                    AssertClose(probe.ForwardPrefix(data, 0, steps, t), streamed.AsSpan((t - 1) * probe.Units, probe.Units).ToArray(), tolerance, $"{name} after {t} steps");
                // The final Step output is Forward's output on the whole sequence.
                AssertClose(probe.Forward(data, 1, steps, null), streamed.AsSpan((steps - 1) * probe.Units).ToArray(), tolerance, name + " final step");
            }

            // A batch with lengths: each sequence streamed alone, over its own valid steps.
            int[] lengths = { 2, steps, 1, 5 };
            var batchData = probe.MakeBatch(random, lengths.Length, steps);
            var forward = probe.Forward(batchData, lengths.Length, steps, lengths);
            int u = probe.Units;
            for (int b = 0; b < lengths.Length; b++)
            {
                var s = probe.Stream(batchData, b, steps, lengths[b]);
                if (probe.Sequence)
                {
                    AssertClose(forward.AsSpan(b * steps * u, lengths[b] * u).ToArray(), s, tolerance, $"{name} sequence {b} of a batch with lengths");
                    for (int i = (b * steps + lengths[b]) * u; i < (b + 1) * steps * u; i++)
                        Assert.True(forward[i] == T.Zero, $"{name}: Forward output at padding is {forward[i]}, not 0");
                }
                else
                {
                    AssertClose(forward.AsSpan(b * u, u).ToArray(), s.AsSpan((lengths[b] - 1) * u).ToArray(), tolerance, $"{name} sequence {b} of a batch with lengths");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Step_equals_Forward_at_every_step(string name) => StepEqualsForward(s_float[name](), 2e-5, name);

        [Theory]
        [MemberData(nameof(Names))]
        public void Step_equals_Forward_at_every_step_in_double(string name) => StepEqualsForward(s_double[name](), 1e-12, name + ".Float64");

        [Theory]
        [MemberData(nameof(Names))]
        public void ResetState_really_resets(string name)
        {
            var probe = s_float[name]();
            const int steps = 6;
            var data = probe.MakeBatch(new Random(3), 1, steps);
            var first = probe.Stream(data, 0, steps, steps);
            // Without a reset the state carries over, so the same inputs give other outputs …
            var carried = probe.Stream(data, 0, steps, steps, reset: false);
            Assert.NotEqual(first, carried);
            // … and after ResetState they give exactly the first run's outputs.
            var again = probe.Stream(data, 0, steps, steps);
            Assert.Equal(first, again);
        }

        [Theory]
        [InlineData("GcLstm3")]
        [InlineData("GcGruRnnLstm")]
        [InlineData("GcEmbedLstm")]
        [InlineData("GcHiddenDenseLast")]
        public void Forward_and_Backward_between_Steps_leave_the_streaming_state_alone(string name)
        {
            var probe = s_float[name]();
            const int steps = 6;
            var data = probe.MakeBatch(new Random(11), 2, steps);
            var straight = probe.Stream(data, 0, steps, steps);

            probe.ResetState();
            var interrupted = new float[steps * probe.Units];
            for (int t = 0; t < steps; t++)
            {
                probe.Step(data, 0, t, steps).CopyTo(interrupted, t * probe.Units);
                probe.Forward(data, 2, steps, new[] { steps, 3 });   // a whole batch in between
            }
            Assert.Equal(straight, interrupted);
        }

        [Fact]
        public void Bidirectional_models_refuse_Step()
        {
            var y2 = new float[2];
            var y3 = new float[3];
            var x3 = new float[3];
            Assert.Throws<NotSupportedException>(() => new GcBiLstmConcat().Step(x3, y2));
            Assert.Throws<NotSupportedException>(() => new GcBiGruMul().Step(x3, y2));
            Assert.Throws<NotSupportedException>(() => new GcBiRnn3Mul().Step(x3, y2));
            Assert.Throws<NotSupportedException>(() => new GcBiGruBiLstm().Step(x3, y2));
            Assert.Throws<NotSupportedException>(() => new GcLstmBiRnnLast().Step(x3, y3));   // the bidirectional layer is the second one
            Assert.Throws<NotSupportedException>(() => new GcEmbedBiRnn().Step(1, y2));
            Assert.Throws<NotSupportedException>(() => new GcOneHotBiRnnRelu().Step(1, y3));
            Assert.Throws<NotSupportedException>(() => new GcBiLstmConcat.Float64().Step(new double[3], new double[2]));
            // ResetState stays harmless on them.
            new GcBiLstmConcat().ResetState();
        }
    }
}
