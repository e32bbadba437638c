using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Layers;

namespace Rnn.Models.Tests
{
    // Models with dropout, and twins without it (same layout) for the inference-mode comparisons.
    [RnnModel]
    [Embedding(10, 4, Dropout = 0.3f)]
    [Lstm(5)]
    [Dense(10, Activation.Softmax)]
    public partial class DrEmbedLstm { }

    [RnnModel]
    [Embedding(10, 4)]
    [Lstm(5)]
    [Dense(10, Activation.Softmax)]
    public partial class DrEmbedLstmPlain { }

    [RnnModel(Input = 3)]
    [Lstm(4, Layers = 2, Dropout = 0.4f)]
    [Dense(2)]
    public partial class DrLstm2 { }

    [RnnModel(Input = 3)]
    [Lstm(4, Layers = 2)]
    [Dense(2)]
    public partial class DrLstm2Plain { }

    [RnnModel(Input = 3)]
    [Gru(4, Layers = 3, Dropout = 0.3f)]
    [Dense(2)]
    public partial class DrGru3 { }

    [RnnModel(Input = 3)]
    [SimpleRnn(4, Layers = 2, Dropout = 0.3f)]
    [Dense(2)]
    public partial class DrRnn2 { }

    [RnnModel(Input = 3)]
    [Lstm(4, RecurrentDropout = 0.3f)]
    [Dense(2)]
    public partial class DrLstmRec { }

    [RnnModel(Input = 3)]
    [Gru(4, RecurrentDropout = 0.3f)]
    [Dense(2)]
    public partial class DrGruRec { }

    [RnnModel(Input = 3)]
    [Gru(4)]
    [Dense(2)]
    public partial class DrGruRecPlain { }

    [RnnModel(Input = 3)]
    [SimpleRnn(4, RecurrentDropout = 0.3f)]
    [Dense(2)]
    public partial class DrRnnRec { }

    [RnnModel]
    [Embedding(9, 4, Dropout = 0.2f)]
    [Gru(4, Layers = 2, Dropout = 0.3f, RecurrentDropout = 0.25f)]
    [Dense(9, Activation.Softmax)]
    public partial class DrAll { }

    [RnnModel]
    [Embedding(9, 4)]
    [Gru(4, Layers = 2)]
    [Dense(9, Activation.Softmax)]
    public partial class DrAllPlain { }

    [RnnModel(Input = 3)]
    [Bidirectional]
    [Lstm(3, Layers = 2, Dropout = 0.3f, RecurrentDropout = 0.2f)]
    [Dense(2)]
    public partial class DrBiLstm { }

    [RnnModel(Input = 3)]
    [Lstm(4, RecurrentDropout = 0.2f)]
    [Gru(3, Layers = 2, Dropout = 0.3f)]
    [Dense(2)]
    public partial class DrTwoModules { }

    [RnnModel(Input = 3, Returns = Returns.Last)]
    [Gru(4, Layers = 2, Dropout = 0.3f, RecurrentDropout = 0.3f)]
    [Dense(2)]
    public partial class DrGruLast { }

    /// <summary>Every rate written, and 0: no dropout at all.</summary>
    [RnnModel]
    [Embedding(9, 4, Dropout = 0f)]
    [Lstm(4, Layers = 2, Dropout = 0f, RecurrentDropout = 0f)]
    [Dense(9, Activation.Softmax)]
    public partial class DrZeroRates { }

    /// <summary>
    /// Dropout: off unless <c>Training</c>; inverted (kept values scaled by 1/(1 − p)); embedding dropout on the embedded
    /// vectors, PyTorch's dropout between stacked layers, Keras' recurrent dropout (one [B, H] mask per Forward on h_{t−1}
    /// where it meets W_hh); masks drawn from <c>DropoutRandom</c>, so restoring its state replays them; gradients match
    /// finite differences of the loss with the masks held fixed.
    /// </summary>
    public class DropoutTests
    {
        private const int Batch = 3, Steps = 5, Seed = 23;

        internal static readonly Dictionary<string, Func<int, TrainProbe<float>>> s_float = new()
        {
            ["DrEmbedLstm"] = s => { var m = new DrEmbedLstm(s); return TrainProbe<float>.OfTokens("DrEmbedLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrEmbedLstm.StateSize, DrEmbedLstm.Vocabulary, DrEmbedLstm.OutputSize, DrEmbedLstm.ReturnsSequence); },
            ["DrLstm2"] = s => { var m = new DrLstm2(s); return TrainProbe<float>.OfFeatures("DrLstm2", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrLstm2.StateSize, DrLstm2.InputSize, DrLstm2.OutputSize, DrLstm2.ReturnsSequence); },
            ["DrGru3"] = s => { var m = new DrGru3(s); return TrainProbe<float>.OfFeatures("DrGru3", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGru3.StateSize, DrGru3.InputSize, DrGru3.OutputSize, DrGru3.ReturnsSequence); },
            ["DrRnn2"] = s => { var m = new DrRnn2(s); return TrainProbe<float>.OfFeatures("DrRnn2", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrRnn2.StateSize, DrRnn2.InputSize, DrRnn2.OutputSize, DrRnn2.ReturnsSequence); },
            ["DrLstmRec"] = s => { var m = new DrLstmRec(s); return TrainProbe<float>.OfFeatures("DrLstmRec", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrLstmRec.StateSize, DrLstmRec.InputSize, DrLstmRec.OutputSize, DrLstmRec.ReturnsSequence); },
            ["DrGruRec"] = s => { var m = new DrGruRec(s); return TrainProbe<float>.OfFeatures("DrGruRec", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGruRec.StateSize, DrGruRec.InputSize, DrGruRec.OutputSize, DrGruRec.ReturnsSequence); },
            ["DrRnnRec"] = s => { var m = new DrRnnRec(s); return TrainProbe<float>.OfFeatures("DrRnnRec", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrRnnRec.StateSize, DrRnnRec.InputSize, DrRnnRec.OutputSize, DrRnnRec.ReturnsSequence); },
            ["DrAll"] = s => { var m = new DrAll(s); return TrainProbe<float>.OfTokens("DrAll", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrAll.StateSize, DrAll.Vocabulary, DrAll.OutputSize, DrAll.ReturnsSequence); },
            ["DrBiLstm"] = s => { var m = new DrBiLstm(s); return TrainProbe<float>.OfFeatures("DrBiLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrBiLstm.StateSize, DrBiLstm.InputSize, DrBiLstm.OutputSize, DrBiLstm.ReturnsSequence); },
            ["DrTwoModules"] = s => { var m = new DrTwoModules(s); return TrainProbe<float>.OfFeatures("DrTwoModules", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrTwoModules.StateSize, DrTwoModules.InputSize, DrTwoModules.OutputSize, DrTwoModules.ReturnsSequence); },
            ["DrGruLast"] = s => { var m = new DrGruLast(s); return TrainProbe<float>.OfFeatures("DrGruLast", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGruLast.StateSize, DrGruLast.InputSize, DrGruLast.OutputSize, DrGruLast.ReturnsSequence); },
            ["DrEmbedLstmPlain"] = s => { var m = new DrEmbedLstmPlain(s); return TrainProbe<float>.OfTokens("DrEmbedLstmPlain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrEmbedLstmPlain.StateSize, DrEmbedLstmPlain.Vocabulary, DrEmbedLstmPlain.OutputSize, DrEmbedLstmPlain.ReturnsSequence); },
            ["DrLstm2Plain"] = s => { var m = new DrLstm2Plain(s); return TrainProbe<float>.OfFeatures("DrLstm2Plain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrLstm2Plain.StateSize, DrLstm2Plain.InputSize, DrLstm2Plain.OutputSize, DrLstm2Plain.ReturnsSequence); },
            ["DrGruRecPlain"] = s => { var m = new DrGruRecPlain(s); return TrainProbe<float>.OfFeatures("DrGruRecPlain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGruRecPlain.StateSize, DrGruRecPlain.InputSize, DrGruRecPlain.OutputSize, DrGruRecPlain.ReturnsSequence); },
            ["DrAllPlain"] = s => { var m = new DrAllPlain(s); return TrainProbe<float>.OfTokens("DrAllPlain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrAllPlain.StateSize, DrAllPlain.Vocabulary, DrAllPlain.OutputSize, DrAllPlain.ReturnsSequence); },
        };

        internal static readonly Dictionary<string, Func<int, TrainProbe<double>>> s_double = new()
        {
            ["DrEmbedLstm"] = s => { var m = new DrEmbedLstm.Float64(s); return TrainProbe<double>.OfTokens("DrEmbedLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrEmbedLstm.StateSize, DrEmbedLstm.Vocabulary, DrEmbedLstm.OutputSize, DrEmbedLstm.ReturnsSequence); },
            ["DrLstm2"] = s => { var m = new DrLstm2.Float64(s); return TrainProbe<double>.OfFeatures("DrLstm2", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrLstm2.StateSize, DrLstm2.InputSize, DrLstm2.OutputSize, DrLstm2.ReturnsSequence); },
            ["DrGru3"] = s => { var m = new DrGru3.Float64(s); return TrainProbe<double>.OfFeatures("DrGru3", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGru3.StateSize, DrGru3.InputSize, DrGru3.OutputSize, DrGru3.ReturnsSequence); },
            ["DrRnn2"] = s => { var m = new DrRnn2.Float64(s); return TrainProbe<double>.OfFeatures("DrRnn2", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrRnn2.StateSize, DrRnn2.InputSize, DrRnn2.OutputSize, DrRnn2.ReturnsSequence); },
            ["DrLstmRec"] = s => { var m = new DrLstmRec.Float64(s); return TrainProbe<double>.OfFeatures("DrLstmRec", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrLstmRec.StateSize, DrLstmRec.InputSize, DrLstmRec.OutputSize, DrLstmRec.ReturnsSequence); },
            ["DrGruRec"] = s => { var m = new DrGruRec.Float64(s); return TrainProbe<double>.OfFeatures("DrGruRec", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGruRec.StateSize, DrGruRec.InputSize, DrGruRec.OutputSize, DrGruRec.ReturnsSequence); },
            ["DrRnnRec"] = s => { var m = new DrRnnRec.Float64(s); return TrainProbe<double>.OfFeatures("DrRnnRec", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrRnnRec.StateSize, DrRnnRec.InputSize, DrRnnRec.OutputSize, DrRnnRec.ReturnsSequence); },
            ["DrAll"] = s => { var m = new DrAll.Float64(s); return TrainProbe<double>.OfTokens("DrAll", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrAll.StateSize, DrAll.Vocabulary, DrAll.OutputSize, DrAll.ReturnsSequence); },
            ["DrBiLstm"] = s => { var m = new DrBiLstm.Float64(s); return TrainProbe<double>.OfFeatures("DrBiLstm", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrBiLstm.StateSize, DrBiLstm.InputSize, DrBiLstm.OutputSize, DrBiLstm.ReturnsSequence); },
            ["DrTwoModules"] = s => { var m = new DrTwoModules.Float64(s); return TrainProbe<double>.OfFeatures("DrTwoModules", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrTwoModules.StateSize, DrTwoModules.InputSize, DrTwoModules.OutputSize, DrTwoModules.ReturnsSequence); },
            ["DrGruLast"] = s => { var m = new DrGruLast.Float64(s); return TrainProbe<double>.OfFeatures("DrGruLast", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGruLast.StateSize, DrGruLast.InputSize, DrGruLast.OutputSize, DrGruLast.ReturnsSequence); },
            ["DrEmbedLstmPlain"] = s => { var m = new DrEmbedLstmPlain.Float64(s); return TrainProbe<double>.OfTokens("DrEmbedLstmPlain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrEmbedLstmPlain.StateSize, DrEmbedLstmPlain.Vocabulary, DrEmbedLstmPlain.OutputSize, DrEmbedLstmPlain.ReturnsSequence); },
            ["DrLstm2Plain"] = s => { var m = new DrLstm2Plain.Float64(s); return TrainProbe<double>.OfFeatures("DrLstm2Plain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrLstm2Plain.StateSize, DrLstm2Plain.InputSize, DrLstm2Plain.OutputSize, DrLstm2Plain.ReturnsSequence); },
            ["DrGruRecPlain"] = s => { var m = new DrGruRecPlain.Float64(s); return TrainProbe<double>.OfFeatures("DrGruRecPlain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, () => m.InputGradients.ToArray(), m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrGruRecPlain.StateSize, DrGruRecPlain.InputSize, DrGruRecPlain.OutputSize, DrGruRecPlain.ReturnsSequence); },
            ["DrAllPlain"] = s => { var m = new DrAllPlain.Float64(s); return TrainProbe<double>.OfTokens("DrAllPlain", m, m.Forward, m.ForwardLogits, m.Backward, m.Evaluate, m.GetState, m.SetState, m.ResetState, v => m.Stateful = v, v => m.Training = v, () => m.DropoutRandom, () => m.StateBatch, DrAllPlain.StateSize, DrAllPlain.Vocabulary, DrAllPlain.OutputSize, DrAllPlain.ReturnsSequence); },
        };

        /// <summary>Values each model draws from DropoutRandom per training Forward on [Batch, Steps].</summary>
        private static readonly Dictionary<string, int> s_draws = new()
        {
            ["DrEmbedLstm"] = Batch * Steps * 4,                                     // embedded vectors
            ["DrLstm2"] = Batch * Steps * 4,                                         // outputs of layer 0
            ["DrGru3"] = 2 * Batch * Steps * 4,                                      // outputs of layers 0 and 1
            ["DrRnn2"] = Batch * Steps * 4,
            ["DrLstmRec"] = Batch * 4,                                               // one [B, H] mask, not one per step
            ["DrGruRec"] = Batch * 4,
            ["DrRnnRec"] = Batch * 4,
            ["DrAll"] = Batch * Steps * 4 + 2 * Batch * 4 + Batch * Steps * 4,      // embedding, 2 recurrent masks, between
            ["DrBiLstm"] = 2 * 2 * Batch * 3 + Batch * Steps * 2 * 3,               // 2 layers × 2 directions, between [N, 2H]
            ["DrTwoModules"] = Batch * 4 + Batch * Steps * 3,
            ["DrGruLast"] = 2 * Batch * 4 + Batch * Steps * 4,
        };

        public static TheoryData<string> Names()
        {
            var data = new TheoryData<string>();
            foreach (var name in s_draws.Keys) data.Add(name);
            return data;
        }

        public static TheoryData<string, string> Pairs() => new()
        {
            { "DrEmbedLstm", "DrEmbedLstmPlain" },
            { "DrLstm2", "DrLstm2Plain" },
            { "DrGruRec", "DrGruRecPlain" },
            { "DrAll", "DrAllPlain" },
        };

        private static RandomSource Clone(RandomSource random)
        {
            var copy = new RandomSource(1);
            copy.SetState(random.GetState());
            return copy;
        }

        // ── Inference: Training off changes nothing ─────────────────────────────────────────────────────────────────────
        [Theory]
        [MemberData(nameof(Pairs))]
        public void With_Training_off_a_model_with_dropout_computes_what_the_same_model_without_dropout_computes(string name, string plain)
        {
            foreach (bool stateful in new[] { false, true })
            {
                var dropout = s_float[name](Seed);
                var reference = s_float[plain](Seed + 100);
                dropout.Model.Parameters.CopyTo(reference.Model.Parameters);
                dropout.Stateful = stateful;
                reference.Stateful = stateful;
                var randomBefore = dropout.DropoutRandom().GetState();
                for (int call = 0; call < 2; call++)
                {
                    var data = dropout.MakeBatch(30 + call, Batch, Steps);
                    TrainingAsserts.BitEqual(reference.Forward(data), dropout.Forward(data), $"{name}: Forward (stateful {stateful}, call {call})");
                    TrainingAsserts.BitEqual(reference.Logits(data), dropout.Logits(data), $"{name}: ForwardLogits");
                    Assert.Equal(reference.Evaluate(data), dropout.Evaluate(data));
                    reference.Model.ZeroGradients();
                    dropout.Model.ZeroGradients();
                    Assert.Equal(reference.Backward(data), dropout.Backward(data));
                    TrainingAsserts.BitEqual(reference.Model.Gradients, dropout.Model.Gradients, $"{name}: gradients");
                }
                Assert.Equal(randomBefore, dropout.DropoutRandom().GetState());   // nothing drawn
            }
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void With_Training_on_the_outputs_differ_from_the_model_without_dropout(string name, string plain)
        {
            var dropout = s_float[name](Seed);
            var reference = s_float[plain](Seed + 100);
            dropout.Model.Parameters.CopyTo(reference.Model.Parameters);
            var data = dropout.MakeBatch(32, Batch, Steps);
            dropout.Training = true;
            double difference = TrainingAsserts.MaxDifference<float>(reference.Forward(data), dropout.Forward(data));
            Assert.True(difference > 1e-3, $"{name}: with Training on the outputs differ by only {difference} from the model without dropout");
            dropout.Training = false;
            TrainingAsserts.BitEqual(reference.Forward(data), dropout.Forward(data), $"{name}: Training switched off again");
        }

        // ── The dropout stream: deterministic, replayable, exactly as many draws as mask values ──────────────────────────
        [Theory]
        [MemberData(nameof(Names))]
        public void Training_outputs_are_deterministic_per_DropoutRandom_state(string name)
        {
            var model = s_float[name](Seed);
            var data = model.MakeBatch(33, Batch, Steps);
            model.Training = true;
            var state = model.DropoutRandom().GetState();
            var first = model.Forward(data);
            var second = model.Forward(data);
            Assert.True(TrainingAsserts.MaxDifference<float>(first, second) > 1e-4, $"{name}: two training Forwards drew the same masks");
            model.DropoutRandom().SetState(state);
            TrainingAsserts.BitEqual(first, model.Forward(data), name + ": replayed from the saved DropoutRandom state");
            TrainingAsserts.BitEqual(second, model.Forward(data), name + ": and the call after it");

            // Another instance with the same seed draws the same masks; another seed other masks.
            var same = s_float[name](Seed);
            same.Training = true;
            TrainingAsserts.BitEqual(first, same.Forward(data), name + ": same seed");
            var other = s_float[name](Seed + 1);
            model.Model.Parameters.CopyTo(other.Model.Parameters);
            other.Training = true;
            Assert.True(TrainingAsserts.MaxDifference<float>(first, other.Forward(data)) > 1e-4, $"{name}: another seed drew the same masks");

            // ResetParameters(seed) restarts the stream too.
            var reset = s_float[name](Seed + 5);
            reset.Training = true;
            reset.Forward(data);
            ((dynamic)reset.Model).ResetParameters(Seed);
            TrainingAsserts.BitEqual(first, reset.Forward(data), name + ": after ResetParameters(seed)");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void The_float_model_and_its_Float64_twin_draw_the_same_masks(string name)
        {
            var single = s_float[name](Seed);
            var twin = s_double[name](Seed);
            for (int i = 0; i < single.Model.ParameterCount; i++) twin.Model.Parameters[i] = single.Model.Parameters[i];
            var data = single.MakeBatch(34, Batch, Steps);
            var data64 = twin.MakeBatch(34, Batch, Steps);
            single.Training = true;
            twin.Training = true;
            var a = single.Forward(data);
            var b = twin.Forward(data64);
            double worst = 0;
            for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
            Assert.True(worst < 1e-4, $"{name}: float and double training outputs differ by {worst}: not the same masks");
            Assert.Equal(single.DropoutRandom().GetState(), twin.DropoutRandom().GetState());
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void A_training_Forward_draws_one_value_per_mask_entry(string name)
        {
            var model = s_double[name](Seed);
            var data = model.MakeBatch(35, Batch, Steps);
            var expected = Clone(model.DropoutRandom());
            model.Forward(data);   // Training off: nothing drawn
            Assert.Equal(expected.GetState(), model.DropoutRandom().GetState());

            model.Training = true;
            model.Forward(data);
            for (int i = 0; i < s_draws[name]; i++) expected.NextUInt64();
            Assert.Equal(expected.GetState(), model.DropoutRandom().GetState());

            model.Model.ZeroGradients();
            model.Backward(data);   // forward draws, backward reuses the masks
            for (int i = 0; i < s_draws[name]; i++) expected.NextUInt64();
            Assert.Equal(expected.GetState(), model.DropoutRandom().GetState());
        }

        [Fact]
        public void Training_a_model_without_dropout_draws_nothing_and_changes_nothing()
        {
            var model = s_float["DrGruRecPlain"](Seed);
            var data = model.MakeBatch(36, Batch, Steps);
            var expected = model.Forward(data);
            var state = model.DropoutRandom().GetState();
            model.Training = true;
            TrainingAsserts.BitEqual(expected, model.Forward(data), "Training on without dropout");
            Assert.Equal(state, model.DropoutRandom().GetState());

            var zero = new DrZeroRates(4);
            var zeroTokens = TestData.Ints(new Random(2), Batch * Steps, 9);
            var zeroOff = new float[zeroTokens.Length * 9];
            var zeroOn = new float[zeroOff.Length];
            zero.Forward(zeroTokens, Batch, zeroOff);
            var zeroState = zero.DropoutRandom.GetState();
            zero.Training = true;
            zero.Forward(zeroTokens, Batch, zeroOn);
            zero.Backward(zeroTokens, Batch, zeroTokens);
            TrainingAsserts.BitEqual(zeroOff, zeroOn, "rates written as 0");
            Assert.Equal(zeroState, zero.DropoutRandom.GetState());

            var dynamic = new DynamicLanguageModel(CellType.Gru, 9, 4, 5, layers: 2, dropout: 0f, recurrentDropout: 0f, seed: 3);
            var tokens = TestData.Ints(new Random(1), Batch * Steps, 9);
            var off = new float[tokens.Length * 9];
            var on = new float[tokens.Length * 9];
            dynamic.Forward(tokens, Batch, off);
            var dynamicState = dynamic.DropoutRandom.GetState();
            dynamic.Training = true;
            dynamic.Forward(tokens, Batch, on);
            TrainingAsserts.BitEqual(off, on, "DynamicLanguageModel with rate 0");
            Assert.Equal(dynamicState, dynamic.DropoutRandom.GetState());
        }

        [Fact]
        public void Streaming_Step_never_drops()
        {
            var model = new DrAll(Seed);
            var reference = new DrAll(Seed);
            model.Training = true;
            var state = model.DropoutRandom.GetState();
            var y = new float[DrAll.OutputSize];
            var yRef = new float[DrAll.OutputSize];
            foreach (int token in new[] { 1, 4, 8, 0 })
            {
                model.Step(token, y);
                reference.Step(token, yRef);
                TrainingAsserts.BitEqual(yRef, y, $"Step({token}) with Training on");
            }
            Assert.Equal(state, model.DropoutRandom.GetState());
        }

        // ── What is dropped, computed here independently ─────────────────────────────────────────────────────────────────
        [Fact]
        public void Embedding_dropout_multiplies_each_embedded_vector_by_its_mask()
        {
            // Batch 1, every token once: dropping on the embedded vectors is then the same as scaling the table's rows.
            int[] tokens = { 3, 7, 1, 9, 0, 5 };
            int[] targets = { 7, 1, 9, 0, 5, 2 };
            const int dim = 4;
            var model = new DrEmbedLstm(Seed);
            var plain = new DrEmbedLstmPlain(Seed);
            model.Parameters.CopyTo(plain.Parameters);
            var mask = new float[tokens.Length * dim];
            Dropout.Fill<float>(mask, 0.3f, Clone(model.DropoutRandom));
            Assert.Contains(mask, v => v == 0);
            for (int t = 0; t < tokens.Length; t++)
                for (int k = 0; k < dim; k++) plain.Parameters[tokens[t] * dim + k] *= mask[t * dim + k];

            model.Training = true;
            var y = new float[tokens.Length * DrEmbedLstm.OutputSize];
            var yPlain = new float[y.Length];
            var state = model.DropoutRandom.GetState();
            model.Forward(tokens, 1, y);
            plain.Forward(tokens, 1, yPlain);
            TrainingAsserts.BitEqual(yPlain, y, "outputs");

            // Gradients: the same, except that the embedding rows get the plain model's gradient times the mask.
            model.DropoutRandom.SetState(state);
            model.ZeroGradients();
            plain.ZeroGradients();
            Assert.Equal(plain.Backward(tokens, 1, targets), model.Backward(tokens, 1, targets));
            var expected = plain.Gradients.ToArray();
            for (int t = 0; t < tokens.Length; t++)
                for (int k = 0; k < dim; k++) expected[tokens[t] * dim + k] *= mask[t * dim + k];
            Assert.Equal(expected, model.Gradients.ToArray());   // exact values (a dropped row's 0 may be +0 or −0)
            Assert.Contains(expected, g => g != 0);
        }

        [Theory]
        [InlineData(CellType.Lstm, 1)]
        [InlineData(CellType.Gru, 1)]
        [InlineData(CellType.RnnTanh, 1)]
        [InlineData(CellType.Lstm, 2)]
        [InlineData(CellType.Gru, 2)]
        public void Dropout_between_layers_masks_the_outputs_of_the_lower_layer(CellType cell, int directions)
        {
            // PyTorch's num_layers = 2, dropout = p is layer 0, dropout on its outputs, layer 1.
            const int input = 3, hidden = 4, steps = 5, batch = 2;
            const float rate = 0.4f;
            var stacked = new RecurrentBlock<double>(cell, input, hidden, 2, directions, Merge.Concat, 0, dropout: rate);
            var lower = new RecurrentBlock<double>(cell, input, hidden, 1, directions, Merge.Concat, 0);
            var upper = new RecurrentBlock<double>(cell, directions * hidden, hidden, 1, directions, Merge.Concat, lower.ParameterCount);
            Assert.Equal(stacked.ParameterCount, lower.ParameterCount + upper.ParameterCount);
            var parameters = TestData.Uniform(new Random(8), stacked.ParameterCount, -0.6, 0.6);
            var x = TestData.Uniform(new Random(9), steps * batch * input, -1, 1);
            int width = directions * hidden, n = steps * batch;

            var random = new RandomSource(77);
            var mask = new double[n * width];
            Dropout.Fill<double>(mask, rate, Clone(random));
            var between = new double[n * width];
            lower.Forward(parameters, x, steps, batch, default, between);
            for (int i = 0; i < between.Length; i++) between[i] *= mask[i];
            var expected = new double[n * width];
            upper.Forward(parameters, between, steps, batch, default, expected);

            var actual = new double[n * width];
            stacked.Forward(parameters, x, steps, batch, default, actual, random: random);
            TrainingAsserts.BitEqual(expected, actual, $"{cell}, {directions} direction(s)");

            var inference = new double[n * width];
            stacked.Forward(parameters, x, steps, batch, default, inference);
            Assert.True(TrainingAsserts.MaxDifference<double>(inference, actual) > 1e-3, "no dropout happened");
        }

        /// <summary>One layer, one direction, written out from the equations: h_{t−1} ⊙ m meets W_hh; GRU's z ⊙ h_{t−1} keeps h whole.</summary>
        private static double[] ReferenceLayer(CellType cell, double[] p, int offset, int input, int hidden, double[] x, int steps, int batch, double[]? mask)
        {
            int gates = cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 }, g = gates * hidden;
            int wih = offset, whh = wih + g * input, bih = whh + g * hidden, bhh = bih + g;
            var h = new double[batch * hidden];
            var c = new double[batch * hidden];
            var output = new double[steps * batch * hidden];
            static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
            for (int t = 0; t < steps; t++)
            {
                var next = new double[batch * hidden];
                for (int b = 0; b < batch; b++)
                {
                    var gi = new double[g];
                    var gh = new double[g];
                    for (int r = 0; r < g; r++)
                    {
                        double si = p[bih + r], sh = p[bhh + r];
                        for (int k = 0; k < input; k++) si += p[wih + r * input + k] * x[(t * batch + b) * input + k];
                        for (int k = 0; k < hidden; k++) sh += p[whh + r * hidden + k] * h[b * hidden + k] * (mask is null ? 1 : mask[b * hidden + k]);
                        gi[r] = si;
                        gh[r] = sh;
                    }
                    for (int k = 0; k < hidden; k++)
                    {
                        double hPrev = h[b * hidden + k], value;
                        switch (cell)
                        {
                            case CellType.Lstm:
                            {
                                double i = Sigmoid(gi[k] + gh[k]), f = Sigmoid(gi[hidden + k] + gh[hidden + k]);
                                double gg = Math.Tanh(gi[2 * hidden + k] + gh[2 * hidden + k]), o = Sigmoid(gi[3 * hidden + k] + gh[3 * hidden + k]);
                                c[b * hidden + k] = f * c[b * hidden + k] + i * gg;
                                value = o * Math.Tanh(c[b * hidden + k]);
                                break;
                            }
                            case CellType.Gru:
                            {
                                double r = Sigmoid(gi[k] + gh[k]), z = Sigmoid(gi[hidden + k] + gh[hidden + k]);
                                double nn = Math.Tanh(gi[2 * hidden + k] + r * gh[2 * hidden + k]);
                                value = (1 - z) * nn + z * hPrev;
                                break;
                            }
                            default:
                                value = Math.Tanh(gi[k] + gh[k]);
                                break;
                        }
                        next[b * hidden + k] = value;
                        output[(t * batch + b) * hidden + k] = value;
                    }
                }
                h = next;
            }
            return output;
        }

        [Theory]
        [InlineData(CellType.Lstm)]
        [InlineData(CellType.Gru)]
        [InlineData(CellType.RnnTanh)]
        public void Recurrent_dropout_masks_the_previous_state_where_it_meets_W_hh_with_one_mask_per_sequence(CellType cell)
        {
            const int input = 3, hidden = 4, steps = 6, batch = 2;
            const float rate = 0.35f;
            var block = new RecurrentBlock<double>(cell, input, hidden, 1, 1, Merge.Concat, 0, recurrentDropout: rate);
            var parameters = TestData.Uniform(new Random(10), block.ParameterCount, -0.7, 0.7);
            var x = TestData.Uniform(new Random(11), steps * batch * input, -1, 1);
            var random = new RandomSource(78);
            var mask = new double[batch * hidden];
            Dropout.Fill<double>(mask, rate, Clone(random));
            Assert.Contains(mask, v => v == 0);

            var actual = new double[steps * batch * hidden];
            block.Forward(parameters, x, steps, batch, default, actual, random: random);
            TrainingAsserts.Close<double>(ReferenceLayer(cell, parameters, 0, input, hidden, x, steps, batch, mask), actual, 1e-12, $"{cell} with recurrent dropout");

            var inference = new double[actual.Length];
            block.Forward(parameters, x, steps, batch, default, inference);
            TrainingAsserts.Close<double>(ReferenceLayer(cell, parameters, 0, input, hidden, x, steps, batch, null), inference, 1e-12, $"{cell} without");
        }

        [Theory]
        [InlineData(CellType.Lstm)]
        [InlineData(CellType.Gru)]
        public void Two_layers_with_both_dropouts_draw_layer_0_mask_then_between_mask_then_layer_1_mask(CellType cell)
        {
            const int input = 3, hidden = 4, steps = 5, batch = 2;
            const float rate = 0.3f, recurrentRate = 0.4f;
            var block = new RecurrentBlock<double>(cell, input, hidden, 2, 1, Merge.Concat, 0, dropout: rate, recurrentDropout: recurrentRate);
            var parameters = TestData.Uniform(new Random(12), block.ParameterCount, -0.7, 0.7);
            var x = TestData.Uniform(new Random(13), steps * batch * input, -1, 1);
            var random = new RandomSource(79);
            var stream = Clone(random);
            var m0 = new double[batch * hidden];
            var between = new double[steps * batch * hidden];
            var m1 = new double[batch * hidden];
            Dropout.Fill<double>(m0, recurrentRate, stream);
            Dropout.Fill<double>(between, rate, stream);
            Dropout.Fill<double>(m1, recurrentRate, stream);

            var layer0 = ReferenceLayer(cell, parameters, 0, input, hidden, x, steps, batch, m0);
            for (int i = 0; i < layer0.Length; i++) layer0[i] *= between[i];
            int offset = cell.Equals(CellType.Lstm) ? 4 * hidden * (input + hidden + 2) : 3 * hidden * (input + hidden + 2);
            var expected = ReferenceLayer(cell, parameters, offset, hidden, hidden, layer0, steps, batch, m1);

            var actual = new double[steps * batch * hidden];
            block.Forward(parameters, x, steps, batch, default, actual, random: random);
            TrainingAsserts.Close<double>(expected, actual, 1e-12, $"{cell}: 2 layers, dropout and recurrent dropout");
            Assert.Equal(stream.GetState(), random.GetState());
        }

        // ── Gradients with the masks held fixed ──────────────────────────────────────────────────────────────────────────
        [Theory]
        [MemberData(nameof(Names))]
        public void Training_gradients_match_finite_differences_with_the_masks_held_fixed(string name)
        {
            var probe = s_double[name](Seed);
            var data = probe.MakeBatch(40, Batch, Steps);
            probe.Training = true;
            var random = probe.DropoutRandom();
            var state = random.GetState();
            FiniteDifferences.Check(probe, data, () => random.SetState(state));

            // The masks matter: the gradients differ from those without dropout.
            probe.Model.ZeroGradients();
            random.SetState(state);
            probe.Backward(data);
            var withDropout = probe.Model.Gradients.ToArray();
            probe.Training = false;
            probe.Model.ZeroGradients();
            probe.Backward(data);
            Assert.True(TrainingAsserts.MaxDifference<double>(withDropout, probe.Model.Gradients.ToArray()) > 1e-6, name + ": dropout does not change the gradients");
        }

        [Theory]
        [InlineData("DrAll")]
        [InlineData("DrLstm2")]
        [InlineData("DrLstmRec")]
        [InlineData("DrBiLstm")]
        [InlineData("DrGruLast")]
        public void Training_gradients_match_finite_differences_with_lengths(string name)
        {
            var probe = s_double[name](Seed + 1);
            var data = probe.MakeBatch(41, Batch, Steps, lengths: new[] { Steps, 2, 0 });
            probe.Training = true;
            var random = probe.DropoutRandom();
            var state = random.GetState();
            FiniteDifferences.Check(probe, data, () => random.SetState(state));
        }

        [Theory]
        [InlineData("DrAll")]
        [InlineData("DrTwoModules")]
        [InlineData("DrRnnRec")]
        public void Training_gradients_match_finite_differences_when_stateful(string name)
        {
            var probe = s_double[name](Seed + 2);
            var data = probe.MakeBatch(42, Batch, 2 * Steps);
            probe.Training = true;
            probe.Stateful = true;
            probe.Forward(data.Slice(0, Steps));
            var carried = probe.GetState();
            var random = probe.DropoutRandom();
            var state = random.GetState();
            FiniteDifferences.Check(probe, data.Slice(Steps, Steps), () => { random.SetState(state); probe.SetState(carried, Batch); });
        }

        [Fact]
        public void The_check_catches_gradients_taken_with_other_masks()
        {
            var probe = s_double["DrAll"](Seed);
            var data = probe.MakeBatch(40, Batch, Steps);
            probe.Training = true;
            var random = probe.DropoutRandom();
            var state = random.GetState();
            probe.Model.ZeroGradients();
            probe.Backward(data);   // draws the masks of state …
            var other = probe.Model.Gradients.ToArray();
            probe.Model.ZeroGradients();
            probe.Backward(data);   // … and these the next ones
            var failures = FiniteDifferences.Compare(probe, data, probe.Model.Gradients.ToArray(), () => random.SetState(state));
            Assert.NotEmpty(failures);
            Assert.Empty(FiniteDifferences.Compare(probe, data, other, () => random.SetState(state)));
        }

        // ── Dropout.Fill, Apply and Backward ─────────────────────────────────────────────────────────────────────────────
        [Theory]
        [InlineData(0.1f)]
        [InlineData(0.25f)]
        [InlineData(0.5f)]
        [InlineData(0.9f)]
        public void Fill_drops_a_fraction_near_the_rate_and_scales_the_rest_by_one_over_one_minus_the_rate(float rate)
        {
            const int n = 200_000;
            var mask = new float[n];
            Dropout.Fill<float>(mask, rate, new RandomSource(1234));
            float scale = 1f / (1f - rate);
            int dropped = 0, droppedPairs = 0;
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                if (mask[i] == 0)
                {
                    dropped++;
                    if (i > 0 && mask[i - 1] == 0) droppedPairs++;
                }
                else Assert.True(mask[i] == scale, $"mask[{i}] = {mask[i]:R}, neither 0 nor 1/(1 − {rate}) = {scale:R}");
                sum += mask[i];
            }
            double sd = Math.Sqrt(n * rate * (1 - rate));
            Assert.True(Math.Abs(dropped - n * rate) < 5 * sd, $"rate {rate}: {dropped} of {n} dropped, expected {n * rate} ± {5 * sd:F0}");
            // Independent draws: consecutive drops as often as rate².
            double pairs = (n - 1) * (double)rate * rate, pairSd = Math.Sqrt(pairs * (1 + 3 * rate));
            Assert.True(Math.Abs(droppedPairs - pairs) < 5 * pairSd, $"rate {rate}: {droppedPairs} consecutive drops, expected {pairs:F0} ± {5 * pairSd:F0}");
            // Inverted dropout keeps the mean: E[mask] = 1.
            double meanSd = scale * sd / n;
            Assert.True(Math.Abs(sum / n - 1) < 5 * meanSd, $"rate {rate}: mean of the mask {sum / n}, expected 1 ± {5 * meanSd}");

            // Double masks from the same stream drop the same values, and scale by 1/(1 − p) in double.
            var mask64 = new double[n];
            Dropout.Fill<double>(mask64, rate, new RandomSource(1234));
            double scale64 = 1.0 / (1.0 - rate);
            for (int i = 0; i < n; i++) Assert.True(mask64[i] == (mask[i] == 0 ? 0 : scale64), $"double mask[{i}] = {mask64[i]:R}");
        }

        [Fact]
        public void Fill_draws_one_value_per_entry_in_order()
        {
            var random = new RandomSource(5);
            var whole = new float[1000];
            Dropout.Fill<float>(whole, 0.3f, random);
            var split = new RandomSource(5);
            var first = new float[400];
            var rest = new float[600];
            Dropout.Fill<float>(first, 0.3f, split);
            Dropout.Fill<float>(rest, 0.3f, split);
            TrainingAsserts.BitEqual(whole, first.Concat(rest).ToArray(), "two fills");
            var counted = new RandomSource(5);
            for (int i = 0; i < 1000; i++) counted.NextUInt64();
            Assert.Equal(counted.GetState(), random.GetState());
        }

        [Fact]
        public void A_rate_of_zero_keeps_everything_unscaled()
        {
            var mask = new float[10_000];
            Dropout.Fill<float>(mask, 0f, new RandomSource(6));
            Assert.All(mask, v => Assert.Equal(1f, v));
            var values = TestData.ToFloat(TestData.Uniform(new Random(1), 100, -2, 2));
            var kept = (float[])values.Clone();
            Dropout.Apply<float>(kept, new float[100], 0f, new RandomSource(7));
            TrainingAsserts.BitEqual(values, kept, "Apply at rate 0");
        }

        [Fact]
        public void Apply_multiplies_by_the_mask_it_draws_and_Backward_by_the_same_mask()
        {
            var values = TestData.ToFloat(TestData.Uniform(new Random(2), 64, -2, 2));
            var expectedMask = new float[64];
            Dropout.Fill<float>(expectedMask, 0.5f, new RandomSource(8));
            var applied = (float[])values.Clone();
            var mask = new float[80];   // longer than the values: only the first 64 are drawn
            Dropout.Apply<float>(applied, mask, 0.5f, new RandomSource(8));
            TrainingAsserts.BitEqual(expectedMask, mask.AsSpan(0, 64), "mask");
            Assert.All(mask.AsSpan(64).ToArray(), v => Assert.Equal(0f, v));
            for (int i = 0; i < 64; i++) Assert.Equal(values[i] * expectedMask[i], applied[i]);
            Assert.Contains(applied, v => v == 0);

            var gradient = TestData.ToFloat(TestData.Uniform(new Random(3), 64, -1, 1));
            var backward = (float[])gradient.Clone();
            Dropout.Backward<float>(backward, mask);
            for (int i = 0; i < 64; i++) Assert.Equal(gradient[i] * expectedMask[i], backward[i]);
        }

        [Theory]
        [InlineData(-0.1f)]
        [InlineData(1f)]
        [InlineData(1.5f)]
        [InlineData(float.PositiveInfinity)]
        public void Rates_outside_zero_to_one_are_rejected(float rate)
        {
            Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Fill<float>(new float[4], rate, new RandomSource(1))).ParamName);
            Assert.Equal("dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentBlock<float>(CellType.Lstm, 2, 3, 2, 1, Merge.Concat, 0, dropout: rate)).ParamName);
            Assert.Equal("recurrentDropout", Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentBlock<float>(CellType.Lstm, 2, 3, 2, 1, Merge.Concat, 0, recurrentDropout: rate)).ParamName);
            Assert.Equal("dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 5, 3, 4, 2, dropout: rate)).ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 5, 3, 4, 2, recurrentDropout: rate));
        }

        [Fact]
        public void A_NaN_rate_is_rejected()
        {
            // NaN passes `rate is < 0f or >= 1f`: the mask would be all NaN (1/(1 − NaN)) and training would silently diverge.
            Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Fill<float>(new float[4], float.NaN, new RandomSource(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentBlock<float>(CellType.Lstm, 2, 3, 2, 1, Merge.Concat, 0, dropout: float.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentBlock<float>(CellType.Lstm, 2, 3, 2, 1, Merge.Concat, 0, recurrentDropout: float.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLanguageModel(CellType.Lstm, 5, 3, 4, 2, dropout: float.NaN));
        }
    }
}
