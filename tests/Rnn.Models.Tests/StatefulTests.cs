using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Rnn.Layers;

namespace Rnn.Models.Tests
{
    // Small models for the stateful (truncated BPTT) tests: every cell, features and token inputs, stacked layers,
    // two recurrent modules in a row, many-to-one and bidirectional.
    [RnnModel(Input = 3)]
    [Lstm(5)]
    [Dense(2)]
    public partial class StLstm { }

    [RnnModel(Input = 3)]
    [Gru(5)]
    [Dense(2)]
    public partial class StGru { }

    [RnnModel(Input = 3)]
    [SimpleRnn(5)]
    [Dense(2)]
    public partial class StRnn { }

    [RnnModel]
    [Embedding(11, 4)]
    [Lstm(5)]
    [Dense(11, Activation.Softmax)]
    public partial class StEmbedLstm { }

    [RnnModel]
    [OneHot(7)]
    [Gru(5)]
    [Dense(7, Activation.Softmax)]
    public partial class StOneHotGru { }

    [RnnModel]
    [Embedding(9, 3)]
    [SimpleRnn(4)]
    [Dense(9, Activation.Softmax)]
    public partial class StEmbedRnn { }

    [RnnModel(Input = 3)]
    [Lstm(4, Layers = 2)]
    [Dense(2)]
    public partial class StLstm2 { }

    [RnnModel(Input = 3)]
    [Gru(3, Layers = 3)]
    [Dense(2)]
    public partial class StGru3 { }

    [RnnModel(Input = 3)]
    [Lstm(4)]
    [Gru(3, Layers = 2)]
    [Dense(2)]
    public partial class StLstmGru { }

    [RnnModel(Input = 3)]
    [SimpleRnn(4)]
    [Lstm(3)]
    [Dense(2)]
    public partial class StRnnLstm { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(4)]
    [Dense(2)]
    public partial class StGruLast { }

    [RnnModel(Input = 3)]
    [Bidirectional]
    [Lstm(3)]
    [Dense(2)]
    public partial class StBiLstm { }

    /// <summary>
    /// Stateful truncated BPTT: with <c>Stateful</c> on, Forward/Evaluate/Backward over the first T steps and then the next T
    /// give what one pass over 2T steps gives; the carried state is per batch size, forgotten by ResetState, moved between
    /// models by GetState/SetState; gradients are those of the chunk's loss with the carried state held fixed.
    /// </summary>
    public class StatefulTests
    {
        private const int Batch = 3, Half = 4, Seed = 17;

        internal static readonly Dictionary<string, Func<int, TrainProbe<float>>> s_float = new()
        {
            ["StLstm"] = s => { var m = new StLstm(s); return TrainProbe<float>.OfFeatures("StLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StLstm.StateSize, StLstm.InputSize, StLstm.OutputSize, StLstm.ReturnsSequence); },
            ["StGru"] = s => { var m = new StGru(s); return TrainProbe<float>.OfFeatures("StGru", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StGru.StateSize, StGru.InputSize, StGru.OutputSize, StGru.ReturnsSequence); },
            ["StRnn"] = s => { var m = new StRnn(s); return TrainProbe<float>.OfFeatures("StRnn", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StRnn.StateSize, StRnn.InputSize, StRnn.OutputSize, StRnn.ReturnsSequence); },
            ["StEmbedLstm"] = s => { var m = new StEmbedLstm(s); return TrainProbe<float>.OfTokens("StEmbedLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StEmbedLstm.StateSize, StEmbedLstm.Vocabulary, StEmbedLstm.OutputSize, StEmbedLstm.ReturnsSequence); },
            ["StOneHotGru"] = s => { var m = new StOneHotGru(s); return TrainProbe<float>.OfTokens("StOneHotGru", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StOneHotGru.StateSize, StOneHotGru.Vocabulary, StOneHotGru.OutputSize, StOneHotGru.ReturnsSequence); },
            ["StEmbedRnn"] = s => { var m = new StEmbedRnn(s); return TrainProbe<float>.OfTokens("StEmbedRnn", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StEmbedRnn.StateSize, StEmbedRnn.Vocabulary, StEmbedRnn.OutputSize, StEmbedRnn.ReturnsSequence); },
            ["StLstm2"] = s => { var m = new StLstm2(s); return TrainProbe<float>.OfFeatures("StLstm2", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StLstm2.StateSize, StLstm2.InputSize, StLstm2.OutputSize, StLstm2.ReturnsSequence); },
            ["StGru3"] = s => { var m = new StGru3(s); return TrainProbe<float>.OfFeatures("StGru3", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StGru3.StateSize, StGru3.InputSize, StGru3.OutputSize, StGru3.ReturnsSequence); },
            ["StLstmGru"] = s => { var m = new StLstmGru(s); return TrainProbe<float>.OfFeatures("StLstmGru", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StLstmGru.StateSize, StLstmGru.InputSize, StLstmGru.OutputSize, StLstmGru.ReturnsSequence); },
            ["StRnnLstm"] = s => { var m = new StRnnLstm(s); return TrainProbe<float>.OfFeatures("StRnnLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StRnnLstm.StateSize, StRnnLstm.InputSize, StRnnLstm.OutputSize, StRnnLstm.ReturnsSequence); },
            ["StGruLast"] = s => { var m = new StGruLast(s); return TrainProbe<float>.OfFeatures("StGruLast", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StGruLast.StateSize, StGruLast.InputSize, StGruLast.OutputSize, StGruLast.ReturnsSequence); },
            ["StBiLstm"] = s => { var m = new StBiLstm(s); return TrainProbe<float>.OfFeatures("StBiLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StBiLstm.StateSize, StBiLstm.InputSize, StBiLstm.OutputSize, StBiLstm.ReturnsSequence); },
        };

        internal static readonly Dictionary<string, Func<int, TrainProbe<double>>> s_double = new()
        {
            ["StLstm"] = s => { var m = new StLstm.Float64(s); return TrainProbe<double>.OfFeatures("StLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StLstm.StateSize, StLstm.InputSize, StLstm.OutputSize, StLstm.ReturnsSequence); },
            ["StGru"] = s => { var m = new StGru.Float64(s); return TrainProbe<double>.OfFeatures("StGru", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StGru.StateSize, StGru.InputSize, StGru.OutputSize, StGru.ReturnsSequence); },
            ["StRnn"] = s => { var m = new StRnn.Float64(s); return TrainProbe<double>.OfFeatures("StRnn", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StRnn.StateSize, StRnn.InputSize, StRnn.OutputSize, StRnn.ReturnsSequence); },
            ["StEmbedLstm"] = s => { var m = new StEmbedLstm.Float64(s); return TrainProbe<double>.OfTokens("StEmbedLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StEmbedLstm.StateSize, StEmbedLstm.Vocabulary, StEmbedLstm.OutputSize, StEmbedLstm.ReturnsSequence); },
            ["StOneHotGru"] = s => { var m = new StOneHotGru.Float64(s); return TrainProbe<double>.OfTokens("StOneHotGru", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StOneHotGru.StateSize, StOneHotGru.Vocabulary, StOneHotGru.OutputSize, StOneHotGru.ReturnsSequence); },
            ["StEmbedRnn"] = s => { var m = new StEmbedRnn.Float64(s); return TrainProbe<double>.OfTokens("StEmbedRnn", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StEmbedRnn.StateSize, StEmbedRnn.Vocabulary, StEmbedRnn.OutputSize, StEmbedRnn.ReturnsSequence); },
            ["StLstm2"] = s => { var m = new StLstm2.Float64(s); return TrainProbe<double>.OfFeatures("StLstm2", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StLstm2.StateSize, StLstm2.InputSize, StLstm2.OutputSize, StLstm2.ReturnsSequence); },
            ["StGru3"] = s => { var m = new StGru3.Float64(s); return TrainProbe<double>.OfFeatures("StGru3", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StGru3.StateSize, StGru3.InputSize, StGru3.OutputSize, StGru3.ReturnsSequence); },
            ["StLstmGru"] = s => { var m = new StLstmGru.Float64(s); return TrainProbe<double>.OfFeatures("StLstmGru", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StLstmGru.StateSize, StLstmGru.InputSize, StLstmGru.OutputSize, StLstmGru.ReturnsSequence); },
            ["StRnnLstm"] = s => { var m = new StRnnLstm.Float64(s); return TrainProbe<double>.OfFeatures("StRnnLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StRnnLstm.StateSize, StRnnLstm.InputSize, StRnnLstm.OutputSize, StRnnLstm.ReturnsSequence); },
            ["StGruLast"] = s => { var m = new StGruLast.Float64(s); return TrainProbe<double>.OfFeatures("StGruLast", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StGruLast.StateSize, StGruLast.InputSize, StGruLast.OutputSize, StGruLast.ReturnsSequence); },
            ["StBiLstm"] = s => { var m = new StBiLstm.Float64(s); return TrainProbe<double>.OfFeatures("StBiLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, StBiLstm.StateSize, StBiLstm.InputSize, StBiLstm.OutputSize, StBiLstm.ReturnsSequence); },
        };

        /// <summary>Unidirectional models (the bidirectional one is checked on its own: its reverse direction does not carry).</summary>
        public static TheoryData<string> Names()
        {
            var data = new TheoryData<string>();
            foreach (var name in s_float.Keys) if (name != "StBiLstm") data.Add(name);
            return data;
        }

        /// <summary>Float: within 1e-6 (relative to max(1, |value|)); Float64: bit for bit.</summary>
        private static void AssertSame<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(double)) TrainingAsserts.BitEqual((double[])(object)expected, (double[])(object)actual, what);
            else TrainingAsserts.Close<T>(expected, actual, 1e-6, what);
        }

        /// <summary>The rows of a [batch, steps, units] output for steps [start, start + count) (many-to-many), or the whole output.</summary>
        private static T[] Steps<T>(TrainProbe<T> p, T[] outputs, int steps, int start, int count) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!p.Sequence) return outputs;
            var result = new T[Batch * count * p.Units];
            for (int b = 0; b < Batch; b++)
                outputs.AsSpan((b * steps + start) * p.Units, count * p.Units).CopyTo(result.AsSpan(b * count * p.Units));
            return result;
        }

        private static void TwoChunks<T>(TrainProbe<T> whole, TrainProbe<T> chunked) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var data = whole.MakeBatch(5, Batch, 2 * Half);
            var first = data.Slice(0, Half);
            var second = data.Slice(Half, Half);
            whole.Stateful = true;   // so that its final state can be compared too
            var all = whole.Forward(data);

            chunked.Stateful = true;
            Assert.Equal(0, chunked.StateBatch());
            var y1 = chunked.Forward(first);
            Assert.Equal(Batch, chunked.StateBatch());
            var y2 = chunked.Forward(second);

            if (whole.Sequence)
            {
                AssertSame(Steps(whole, all, 2 * Half, 0, Half), y1, whole.Name + ": first chunk");
                AssertSame(Steps(whole, all, 2 * Half, Half, Half), y2, whole.Name + ": second chunk");
            }
            else AssertSame(all, y2, whole.Name + ": output after the second chunk");
            AssertSame(whole.GetState(), chunked.GetState(), whole.Name + ": final state");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Two_stateful_chunks_give_what_one_pass_over_both_gives_float(string name) => TwoChunks(s_float[name](Seed), s_float[name](Seed));

        [Theory]
        [MemberData(nameof(Names))]
        public void Two_stateful_chunks_give_what_one_pass_over_both_gives_exactly_in_double(string name) => TwoChunks(s_double[name](Seed), s_double[name](Seed));

        [Theory]
        [MemberData(nameof(Names))]
        public void Evaluate_and_Backward_carry_the_state_as_Forward_does(string name)
        {
            var data = s_double[name](Seed).MakeBatch(6, Batch, 2 * Half);
            var second = data.Slice(Half, Half);

            var byForward = s_double[name](Seed);
            byForward.Stateful = true;
            byForward.Forward(data.Slice(0, Half));
            double expected = byForward.Evaluate(second);

            var byEvaluate = s_double[name](Seed);
            byEvaluate.Stateful = true;
            double firstLoss = byEvaluate.Evaluate(data.Slice(0, Half));
            Assert.All(byEvaluate.Model.Gradients.ToArray(), g => Assert.Equal(0.0, g));   // Evaluate computes no gradient

            var byBackward = s_double[name](Seed);
            byBackward.Stateful = true;
            Assert.Equal(firstLoss, byBackward.Backward(data.Slice(0, Half)));
            Assert.Contains(byBackward.Model.Gradients.ToArray(), g => g != 0);

            Assert.Equal(expected, byEvaluate.Evaluate(second));
            Assert.Equal(expected, byBackward.Backward(second));

            var fresh = s_double[name](Seed);
            double fromZeros = fresh.Evaluate(second);
            Assert.True(Math.Abs(fromZeros - expected) > 1e-6, $"{name}: the second chunk's loss is {expected} with and {fromZeros} without the carried state: the state does not matter");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Without_Stateful_every_call_starts_from_zeros_and_leaves_the_carried_state_alone(string name)
        {
            var data = s_double[name](Seed).MakeBatch(7, Batch, 2 * Half);
            var first = data.Slice(0, Half);
            var second = data.Slice(Half, Half);
            var other = s_double[name](Seed).MakeBatch(8, Batch, Half);

            var reference = s_double[name](Seed);
            reference.Stateful = true;
            var all = reference.Forward(data);
            var fromZeros = s_double[name](Seed).Forward(second);

            var model = s_double[name](Seed);
            model.Forward(first);
            Assert.Equal(0, model.StateBatch());   // not stateful: nothing carried
            var y2 = model.Forward(second);
            TrainingAsserts.BitEqual(fromZeros, y2, name + ": second chunk without Stateful");
            Assert.True(TrainingAsserts.MaxDifference<double>(Steps(reference, all, 2 * Half, Half, Half), y2) > 1e-4,
                $"{name}: without Stateful the second chunk gives what the continued pass gives: the test does not test anything");

            // A stateful chunk, a call without Stateful on other data, then the next stateful chunk: the middle call neither
            // used nor changed the carried state.
            model.Stateful = true;
            model.Forward(first);
            var carried = model.GetState();
            model.Stateful = false;
            model.Forward(other);
            TrainingAsserts.BitEqual(carried, model.GetState(), name + ": carried state after a call without Stateful");
            model.Stateful = true;
            TrainingAsserts.BitEqual(Steps(reference, all, 2 * Half, Half, Half), model.Forward(second), name + ": second stateful chunk");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void A_different_batch_size_starts_from_zeros(string name)
        {
            var data = s_double[name](Seed).MakeBatch(9, Batch, Half);
            var small = s_double[name](Seed).MakeBatch(10, 2, Half);
            var model = s_double[name](Seed);
            model.Stateful = true;
            model.Forward(data);
            Assert.Equal(Batch, model.StateBatch());

            var y = model.Forward(small);
            TrainingAsserts.BitEqual(s_double[name](Seed).Forward(small), y, name + ": batch 2 after batch 3");
            Assert.Equal(2, model.StateBatch());
            Assert.Equal(2 * model.StateSize, model.GetState().Length);

            // The batch-3 state was replaced by the batch-2 one: batch 3 starts from zeros again.
            TrainingAsserts.BitEqual(s_double[name](Seed).Forward(data), model.Forward(data), name + ": batch 3 after batch 2");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void ResetState_forgets_the_carried_state(string name)
        {
            var data = s_double[name](Seed).MakeBatch(11, Batch, 2 * Half);
            var second = data.Slice(Half, Half);
            var model = s_double[name](Seed);
            model.Stateful = true;
            model.Forward(data.Slice(0, Half));
            Assert.Equal(Batch, model.StateBatch());
            model.Reset();
            Assert.Equal(0, model.StateBatch());
            Assert.Empty(model.GetState());
            TrainingAsserts.BitEqual(s_double[name](Seed).Forward(second), model.Forward(second), name + ": after ResetState");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void GetState_and_SetState_continue_a_run_in_another_model(string name)
        {
            var data = s_float[name](Seed).MakeBatch(12, Batch, 3 * Half);
            var original = s_float[name](Seed);
            original.Stateful = true;
            original.Forward(data.Slice(0, Half));
            var state = original.GetState();
            Assert.Equal(Batch * original.StateSize, state.Length);
            Assert.Contains(state, v => v != 0);

            var copy = s_float[name](Seed + 1);
            original.Model.Parameters.CopyTo(copy.Model.Parameters);
            copy.Stateful = true;
            copy.SetState(state, Batch);
            Assert.Equal(Batch, copy.StateBatch());
            TrainingAsserts.BitEqual(state, copy.GetState(), name + ": state read back");
            for (int k = 1; k < 3; k++)
            {
                var chunk = data.Slice(k * Half, Half);
                TrainingAsserts.BitEqual(original.Forward(chunk), copy.Forward(chunk), $"{name}: chunk {k} continued from SetState");
                TrainingAsserts.BitEqual(original.GetState(), copy.GetState(), $"{name}: state after chunk {k}");
            }

            // The state set is the state used: zeros give the fresh start, another state another output.
            var zeros = s_float[name](Seed);
            zeros.Stateful = true;
            zeros.SetState(new float[Batch * zeros.StateSize], Batch);
            var chunk1 = data.Slice(Half, Half);
            TrainingAsserts.BitEqual(s_float[name](Seed).Forward(chunk1), zeros.Forward(chunk1), name + ": from a zero state");
            var shifted = s_float[name](Seed);
            shifted.Stateful = true;
            shifted.SetState(Array.ConvertAll(state, v => v + 0.25f), Batch);
            Assert.True(TrainingAsserts.MaxDifference<float>(zeros.Forward(chunk1), shifted.Forward(chunk1)) > 1e-4, name + ": SetState made no difference");

            // batch 0 forgets.
            copy.SetState(Array.Empty<float>(), 0);
            Assert.Equal(0, copy.StateBatch());
        }

        [Fact]
        public void GetState_and_SetState_check_their_arguments()
        {
            var model = new StLstmGru(1);
            model.Stateful = true;
            model.Forward(new float[2 * 3 * StLstmGru.InputSize], 2, new float[2 * 3 * StLstmGru.OutputSize]);
            Assert.Equal(2, model.StateBatch);
            Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.GetState(new float[2 * StLstmGru.StateSize - 1])).ParamName);
            Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.GetState(new float[2 * StLstmGru.StateSize + 1])).ParamName);
            Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => model.SetState(new float[0], -1)).ParamName);
            Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.SetState(new float[3 * StLstmGru.StateSize - 1], 3)).ParamName);
            Assert.Equal(2, model.StateBatch);   // a rejected SetState changes nothing
            var twin = new StLstmGru.Float64(1);
            Assert.Equal("state", Assert.Throws<ArgumentException>(() => twin.SetState(new double[StLstmGru.StateSize + 1], 1)).ParamName);
        }

        [Fact]
        public void StateSize_counts_h_and_c_of_every_forward_direction_of_every_layer()
        {
            Assert.Equal(2 * 5, StLstm.StateSize);
            Assert.Equal(5, StGru.StateSize);
            Assert.Equal(5, StRnn.StateSize);
            Assert.Equal(2 * 2 * 4, StLstm2.StateSize);
            Assert.Equal(3 * 3, StGru3.StateSize);
            Assert.Equal(2 * 4 + 2 * 3, StLstmGru.StateSize);
            Assert.Equal(4 + 2 * 3, StRnnLstm.StateSize);
            Assert.Equal(2 * 3, StBiLstm.StateSize);   // the reverse direction carries nothing
            Assert.Equal(2 * 5, ((ILanguageModel)new StEmbedLstm()).StateSize);
        }

        // ── Truncated BPTT: gradients of the chunk's loss with the carried state held fixed ────────────────────────────────
        [Theory]
        [MemberData(nameof(Names))]
        public void Stateful_gradients_are_those_of_the_chunk_loss_with_the_carried_state_fixed(string name)
        {
            var probe = s_double[name](Seed);
            var data = probe.MakeBatch(13, Batch, 2 * Half);
            var second = data.Slice(Half, Half);
            probe.Stateful = true;
            probe.Forward(data.Slice(0, Half));
            var state = probe.GetState();
            Assert.Contains(state, v => Math.Abs(v) > 1e-3);

            FiniteDifferences.Check(probe, second, () => probe.SetState(state, Batch));

            // The carried state changes the gradients (else the check above would not test the carrying).
            probe.Model.ZeroGradients();
            probe.SetState(state, Batch);
            probe.Backward(second);
            var carried = probe.Model.Gradients.ToArray();
            probe.Model.ZeroGradients();
            probe.Reset();
            probe.Backward(second);
            Assert.True(TrainingAsserts.MaxDifference<double>(carried, probe.Model.Gradients.ToArray()) > 1e-6, name + ": the carried state does not change the gradients");
        }

        [Fact]
        public void The_check_catches_gradients_taken_from_a_zero_initial_state()
        {
            // The harness must be able to fail: gradients computed from zeros are not those of the loss from the carried state.
            var probe = s_double["StLstm"](Seed);
            var data = probe.MakeBatch(13, Batch, 2 * Half);
            var second = data.Slice(Half, Half);
            probe.Stateful = true;
            probe.Forward(data.Slice(0, Half));
            var state = probe.GetState();
            probe.Model.ZeroGradients();
            probe.Reset();
            probe.Backward(second);
            var fromZeros = probe.Model.Gradients.ToArray();
            var failures = FiniteDifferences.Compare(probe, second, fromZeros, () => probe.SetState(state, Batch));
            Assert.NotEmpty(failures);
        }

        [Theory]
        [InlineData("StLstm")]
        [InlineData("StGru")]
        [InlineData("StEmbedLstm")]
        [InlineData("StLstmGru")]
        [InlineData("StGruLast")]
        public void Stateful_gradients_match_finite_differences_over_three_chunks(string name)
        {
            var probe = s_double[name](Seed + 3);
            var data = probe.MakeBatch(14, Batch, 3 * Half);
            probe.Stateful = true;
            for (int k = 0; k < 3; k++)
            {
                var chunk = data.Slice(k * Half, Half);
                var state = probe.GetState();
                int batch = probe.StateBatch();
                FiniteDifferences.Check(probe, chunk, () => probe.SetState(state, batch), inputs: k == 2);
                probe.SetState(state, batch);
                probe.Forward(chunk);   // carry on to the next chunk
            }
        }

        // ── Lengths: the carried state is the state after each sequence's last valid step ──────────────────────────────
        [Theory]
        [InlineData("StLstm")]
        [InlineData("StGru")]
        [InlineData("StRnn")]
        [InlineData("StEmbedLstm")]
        [InlineData("StLstm2")]
        [InlineData("StLstmGru")]
        [InlineData("StGruLast")]
        public void With_lengths_the_carried_state_is_the_state_after_the_last_valid_step(string name)
        {
            var model = s_double[name](Seed);
            var data = model.MakeBatch(15, Batch, 2 * Half);
            int[] lengths = { Half, 2, 0 };
            var first = data.Slice(0, Half);
            var padded = new SeqBatch<double>
            {
                Batch = Batch, Steps = Half, InputWidth = first.InputWidth, Units = first.Units, Sequence = first.Sequence,
                Features = first.Features, Tokens = first.Tokens, FloatTargets = first.FloatTargets, ClassTargets = first.ClassTargets, Lengths = lengths,
            };
            var second = data.Slice(Half, Half);
            model.Stateful = true;
            model.Forward(padded);
            var y2 = model.Forward(second);

            for (int b = 0; b < Batch; b++)
            {
                // Sequence b alone: its valid steps of the first chunk, then the second chunk, in one pass.
                var alone = SeqBatch<double>.Concat(data, b, lengths[b], second);
                var single = s_double[name](Seed).Forward(alone);
                double[] expected = model.Sequence ? single.AsSpan(lengths[b] * model.Units, Half * model.Units).ToArray() : single;
                double[] actual = model.Sequence ? y2.AsSpan(b * Half * model.Units, Half * model.Units).ToArray() : y2.AsSpan(b * model.Units, model.Units).ToArray();
                TrainingAsserts.Close<double>(expected, actual, 1e-12, $"{name}: sequence {b} (length {lengths[b]} in the first chunk)");
            }
        }

        // ── Bidirectional: forward directions carry, reverse directions start from zeros ────────────────────────────────
        [Fact]
        public void A_bidirectional_module_carries_its_forward_direction_only()
        {
            const int input = 3, hidden = 4, steps = 2 * Half;
            var block = new RecurrentBlock<double>(CellType.Lstm, input, hidden, 1, 2, Merge.Concat, 0);
            var parameters = TestData.Uniform(new Random(3), block.ParameterCount, -0.5, 0.5);
            var x = TestData.Uniform(new Random(4), steps * Batch * input, -1, 1);   // time-major [steps·batch, input]
            var first = x.AsSpan(0, Half * Batch * input).ToArray();
            var second = x.AsSpan(Half * Batch * input).ToArray();

            var all = new double[steps * Batch * 2 * hidden];
            new RecurrentBlock<double>(CellType.Lstm, input, hidden, 1, 2, Merge.Concat, 0).Forward(parameters, x, steps, Batch, default, all);
            var fresh = new double[Half * Batch * 2 * hidden];
            new RecurrentBlock<double>(CellType.Lstm, input, hidden, 1, 2, Merge.Concat, 0).Forward(parameters, second, Half, Batch, default, fresh);

            var y1 = new double[Half * Batch * 2 * hidden];
            var y2 = new double[Half * Batch * 2 * hidden];
            block.Forward(parameters, first, Half, Batch, default, y1, carry: true);
            Assert.Equal(2 * hidden, block.StateSize);
            Assert.Equal(Batch, block.CarriedBatch);
            block.Forward(parameters, second, Half, Batch, default, y2, carry: true);

            for (int row = 0; row < Half * Batch; row++)
            {
                var forward = y2.AsSpan(row * 2 * hidden, hidden).ToArray();
                var reverse = y2.AsSpan(row * 2 * hidden + hidden, hidden).ToArray();
                TrainingAsserts.BitEqual(all.AsSpan((Half * Batch + row) * 2 * hidden, hidden), forward, $"forward direction, row {row}");
                TrainingAsserts.BitEqual(fresh.AsSpan(row * 2 * hidden + hidden, hidden), reverse, $"reverse direction, row {row}");
            }
            Assert.True(TrainingAsserts.MaxDifference<double>(fresh.AsSpan(0, hidden), y2.AsSpan(0, hidden)) > 1e-4, "the forward direction carried nothing");

            // The generated model: its state holds the forward direction only.
            var model = s_double["StBiLstm"](Seed);
            var data = model.MakeBatch(16, Batch, 2 * Half);
            model.Stateful = true;
            model.Forward(data.Slice(0, Half));
            Assert.Equal(Batch * 2 * 3, model.GetState().Length);
            var continued = model.Forward(data.Slice(Half, Half));
            Assert.True(TrainingAsserts.MaxDifference<double>(s_double["StBiLstm"](Seed).Forward(data.Slice(Half, Half)), continued) > 1e-5,
                "the bidirectional model carried nothing");
        }

        // ── The layout of the carried state: per layer, h [B, H] then c [B, H] for LSTM ────────────────────────────────
        [Theory]
        [InlineData(CellType.Lstm)]
        [InlineData(CellType.Gru)]
        [InlineData(CellType.RnnTanh)]
        public void The_carried_state_holds_h_then_c_of_each_layer_in_order(CellType cell)
        {
            const int input = 3, hidden = 4, layers = 2;
            bool lstm = cell == CellType.Lstm;
            var block = new RecurrentBlock<double>(cell, input, hidden, layers, 1, Merge.Concat, 0);
            var bottom = new RecurrentBlock<double>(cell, input, hidden, 1, 1, Merge.Concat, 0);
            var parameters = TestData.Uniform(new Random(5), block.ParameterCount, -0.6, 0.6);
            var x = TestData.Uniform(new Random(6), Half * Batch * input, -1, 1);
            var y = new double[Half * Batch * hidden];
            var h0 = new double[Half * Batch * hidden];
            block.Forward(parameters, x, Half, Batch, default, y, carry: true);
            bottom.Forward(parameters, x, Half, Batch, default, h0, carry: true);

            int per = lstm ? 2 * hidden : hidden;
            Assert.Equal(layers * per, block.StateSize);
            var state = new double[Batch * block.StateSize];
            block.GetCarry(state);
            var bottomState = new double[Batch * bottom.StateSize];
            bottom.GetCarry(bottomState);

            int last = (Half - 1) * Batch * hidden;   // time-major rows of the last step
            TrainingAsserts.BitEqual(h0.AsSpan(last, Batch * hidden), state.AsSpan(0, Batch * hidden), "layer 0: h");
            TrainingAsserts.BitEqual(bottomState, state.AsSpan(0, Batch * per), "layer 0: h (and c)");
            TrainingAsserts.BitEqual(y.AsSpan(last, Batch * hidden), state.AsSpan(Batch * per, Batch * hidden), "layer 1: h");
            if (lstm)
            {
                // c is not an output: check that what sits after h is what a continuation needs, by moving the state over.
                var other = new RecurrentBlock<double>(cell, input, hidden, layers, 1, Merge.Concat, 0);
                other.SetCarry(state, Batch);
                var x2 = TestData.Uniform(new Random(7), Half * Batch * input, -1, 1);
                var a = new double[y.Length];
                var b = new double[y.Length];
                block.Forward(parameters, x2, Half, Batch, default, a, carry: true);
                other.Forward(parameters, x2, Half, Batch, default, b, carry: true);
                TrainingAsserts.BitEqual(a, b, "continued from SetCarry");
                var swapped = (double[])state.Clone();
                for (int i = 0; i < Batch * hidden; i++) (swapped[i], swapped[Batch * hidden + i]) = (swapped[Batch * hidden + i], swapped[i]);
                var third = new RecurrentBlock<double>(cell, input, hidden, layers, 1, Merge.Concat, 0);
                third.SetCarry(swapped, Batch);
                var c = new double[y.Length];
                third.Forward(parameters, x2, Half, Batch, default, c, carry: true);
                Assert.True(TrainingAsserts.MaxDifference<double>(a, c) > 1e-6, "h and c swapped give the same output: the layout is not checked");
            }
        }

        [Fact]
        public void Streaming_Step_neither_uses_nor_changes_the_carried_state()
        {
            var model = new StLstmGru(Seed);
            var fresh = new StLstmGru(Seed);
            var probe = s_float["StLstmGru"](Seed);
            var data = probe.MakeBatch(18, Batch, Half);
            model.Stateful = true;
            model.Forward(data.Features, Batch, new float[Batch * Half * StLstmGru.OutputSize]);
            var state = new float[Batch * StLstmGru.StateSize];
            model.GetState(state);
            var x = new float[] { 0.5f, -0.25f, 0.75f };
            var y = new float[StLstmGru.OutputSize];
            var yFresh = new float[StLstmGru.OutputSize];
            for (int t = 0; t < 3; t++)
            {
                model.Step(x, y);
                fresh.Step(x, yFresh);
                TrainingAsserts.BitEqual(yFresh, y, $"Step {t} after a stateful Forward");
            }
            var after = new float[Batch * StLstmGru.StateSize];
            model.GetState(after);
            TrainingAsserts.BitEqual(state, after, "carried state after Step");
        }
    }
}
