using System;

namespace Rnn.Models.Tests
{
    /// <summary>
    /// Argument checks of the generated entry points: a wrong size throws ArgumentException (or
    /// ArgumentOutOfRangeException) whose ParamName is the parameter and whose message states the size expected.
    /// Sizes are picked so that the expected numbers are distinctive in the messages.
    /// </summary>
    public class ApiValidationTests
    {
        // GcLstm: InputSize 3, OutputSize 2. GcHeadSoftmax: InputSize 3, 4 classes. GcEmbedLstm: vocabulary 7, 7 classes.

        private static T Throws<T>(string param, Action action, params string[] mentions) where T : ArgumentException
        {
            var e = Assert.ThrowsAny<T>(action);
            Assert.Equal(param, e.ParamName);
            foreach (var m in mentions) Assert.Contains(m, e.Message, StringComparison.Ordinal);
            return e;
        }

        [Fact]
        public void Inputs_of_the_wrong_length_name_inputs_and_the_size_per_sequence()
        {
            var m = new GcLstm(1);
            var y = new float[2 * 5 * 2];
            // batch 2 × InputSize 3: a positive multiple of 6 is expected.
            Throws<ArgumentException>("inputs", () => m.Forward(new float[29], 2, y), "6", "29");
            Throws<ArgumentException>("inputs", () => m.ForwardLogits(new float[31], 2, y), "6", "31");
            Throws<ArgumentException>("inputs", () => m.Forward(ReadOnlySpan<float>.Empty, 2, y), "6");
            Throws<ArgumentException>("inputs", () => m.Backward(new float[29], 2, new float[20]), "6");
            var twin = new GcLstm.Float64(1);
            Throws<ArgumentException>("inputs", () => twin.Backward(new double[29], 2, new double[20]), "6");
        }

        [Fact]
        public void A_batch_that_is_not_positive_names_batch()
        {
            var m = new GcLstm(1);
            foreach (int batch in new[] { 0, -1 })
            {
                Throws<ArgumentException>("batch", () => m.Forward(new float[30], batch, new float[20]));
                Throws<ArgumentException>("batch", () => m.ForwardLogits(new float[30], batch, new float[20]));
                Throws<ArgumentException>("batch", () => m.Backward(new float[30], batch, new float[20]));
                var e = new GcEmbedLstm(1);
                Throws<ArgumentException>("batch", () => e.Forward(new int[10], batch, new float[70]));
                Throws<ArgumentException>("batch", () => e.Backward(new int[10], batch, new int[10]));
            }
        }

        [Fact]
        public void Outputs_of_the_wrong_length_name_outputs_and_the_expected_count()
        {
            var m = new GcLstm(1);
            var x = new float[2 * 5 * 3];   // batch 2, 5 steps
            Throws<ArgumentException>("outputs", () => m.Forward(x, 2, new float[19]), "20", "19");
            Throws<ArgumentException>("outputs", () => m.Forward(x, 2, new float[21]), "20", "21");
            Throws<ArgumentException>("outputs", () => m.ForwardLogits(x, 2, new float[10]), "20");

            var last = new GcHeadSoftmaxLast(1);   // [batch, 3]
            Throws<ArgumentException>("outputs", () => last.Forward(x, 2, new float[30]), "6", "30");

            var tokens = new GcEmbedLstm(1);       // [batch, steps, 7]
            Throws<ArgumentException>("outputs", () => tokens.Forward(new int[10], 2, new float[69]), "70", "69");
        }

        [Fact]
        public void Targets_of_the_wrong_length_name_targets_and_the_expected_count()
        {
            var x = new float[2 * 5 * 3];
            Throws<ArgumentException>("targets", () => new GcLstm(1).Backward(x, 2, new float[19]), "20", "19");
            Throws<ArgumentException>("targets", () => new GcHeadSoftmax(1).Backward(x, 2, new int[11]), "10", "11");     // class ids [batch, steps]
            Throws<ArgumentException>("targets", () => new GcHeadSoftmaxLast(1).Backward(x, 2, new int[10]), "2", "10");  // class ids [batch]
            Throws<ArgumentException>("targets", () => new GcHeadSigmoidLast(1).Backward(x, 2, new float[3]), "4", "3");  // [batch, 2]
            Throws<ArgumentException>("targets", () => new GcEmbedLstm(1).Backward(new int[10], 2, new int[9]), "10", "9");
        }

        [Fact]
        public void Lengths_of_the_wrong_count_name_lengths_and_the_batch()
        {
            var m = new GcLstm(1);
            var x = new float[3 * 5 * 3];   // batch 3
            var y = new float[3 * 5 * 2];
            Throws<ArgumentException>("lengths", () => m.Forward(x, 3, y, new[] { 5, 5 }), "3", "2");
            Throws<ArgumentException>("lengths", () => m.Forward(x, 3, y, new[] { 5, 5, 5, 5 }), "3", "4");
            Throws<ArgumentException>("lengths", () => m.Backward(x, 3, y, new[] { 5 }), "3");
            Throws<ArgumentException>("lengths", () => new GcEmbedLstm(1).Forward(new int[15], 3, new float[105], new[] { 1, 2 }), "3");
        }

        [Fact]
        public void Lengths_out_of_range_name_lengths_and_the_steps()
        {
            var m = new GcLstm(1);
            var x = new float[3 * 5 * 3];   // batch 3, 5 steps
            var y = new float[3 * 5 * 2];
            Throws<ArgumentException>("lengths", () => m.Forward(x, 3, y, new[] { 5, 6, 1 }), "5", "6");
            Throws<ArgumentException>("lengths", () => m.Forward(x, 3, y, new[] { 5, -1, 1 }), "5", "-1");
            Throws<ArgumentException>("lengths", () => m.Backward(x, 3, y, new[] { 1, 1, 9 }), "5", "9");
            Throws<ArgumentException>("lengths", () => new GcHeadSoftmaxLast(1).Forward(x, 3, new float[9], new[] { 0, 6, 2 }), "5");
        }

        [Fact]
        public void A_token_out_of_range_names_tokens_and_the_vocabulary()
        {
            var e = new GcEmbedLstm(1);   // vocabulary 7
            var tokens = new int[2 * 5];
            tokens[7] = 7;
            Throws<ArgumentException>("tokens", () => e.Forward(tokens, 2, new float[70]), "6", "7");
            Throws<ArgumentException>("tokens", () => e.Backward(tokens, 2, new int[10]), "6");
            tokens[7] = -1;
            Throws<ArgumentException>("tokens", () => e.ForwardLogits(tokens, 2, new float[70]), "6", "-1");

            var o = new GcOneHotGru(1);   // vocabulary 6
            var ids = new int[2 * 5];
            ids[3] = 6;
            Throws<ArgumentException>("tokens", () => o.Forward(ids, 2, new float[60]), "5", "6");
            Throws<ArgumentException>("tokens", () => o.Backward(ids, 2, new int[10]), "5");
        }

        [Fact]
        public void Step_with_a_wrong_x_or_y_or_token_names_it_and_the_size()
        {
            var m = new GcLstm(1);
            Throws<ArgumentException>("x", () => m.Step(new float[2], new float[2]), "3", "2");
            Throws<ArgumentException>("x", () => m.Step(new float[4], new float[2]), "3", "4");
            Throws<ArgumentException>("y", () => m.Step(new float[3], new float[1]), "2", "1");
            Throws<ArgumentException>("y", () => m.Step(new float[3], new float[5]), "2", "5");
            Throws<ArgumentException>("x", () => new GcLstm.Float64(1).Step(new double[2], new double[2]), "3");

            var e = new GcEmbedLstm(1);
            Throws<ArgumentException>("token", () => e.Step(7, new float[7]), "6");
            Throws<ArgumentException>("token", () => e.Step(-1, new float[7]), "6");
            Throws<ArgumentException>("y", () => e.Step(1, new float[6]), "7", "6");
            Throws<ArgumentException>("token", () => new GcOneHotGru(1).Step(6, new float[6]), "5");
        }

        [Fact]
        public void A_class_target_out_of_range_names_targets_and_leaves_the_gradients_alone()
        {
            var m = new GcHeadSoftmax(1);   // 4 classes
            var x = TestData.ToFloat(TestData.Uniform(new Random(1), 2 * 5 * 3, -1, 1));
            var targets = new int[10];
            m.Backward(x, 2, targets);
            var gradients = m.Gradients.ToArray();
            targets[4] = 4;
            var e = Assert.ThrowsAny<ArgumentException>(() => m.Backward(x, 2, targets));
            Assert.Equal("targets", e.ParamName);
            targets[4] = -1;
            Assert.ThrowsAny<ArgumentException>(() => m.Backward(x, 2, targets));
            Assert.Equal(gradients, m.Gradients.ToArray());
        }

        [Fact]
        public void Class_targets_at_padding_are_ignored()
        {
            var m = new GcHeadSoftmax(1);
            var x = TestData.ToFloat(TestData.Uniform(new Random(2), 2 * 5 * 3, -1, 1));
            int[] lengths = { 5, 2 };
            var targets = new[] { 0, 1, 2, 3, 0, 1, 2, -100, 99, 7 };   // sequence 1 is padding from step 2 on
            float loss = m.Backward(x, 2, targets, lengths);
            var clean = (int[])targets.Clone();
            clean[7] = clean[8] = clean[9] = 0;
            m.ZeroGradients();
            Assert.Equal(m.Backward(x, 2, clean, lengths), loss);
        }

        [Fact]
        public void A_rejected_call_leaves_the_gradients_alone()
        {
            var m = new GcLstm(1);
            var x = TestData.ToFloat(TestData.Uniform(new Random(3), 2 * 5 * 3, -1, 1));
            var t = new float[20];
            m.Backward(x, 2, t);
            var gradients = m.Gradients.ToArray();
            Assert.ThrowsAny<ArgumentException>(() => m.Backward(x, 2, new float[19]));
            Assert.ThrowsAny<ArgumentException>(() => m.Backward(x, 2, t, new[] { 1, 6 }));
            Assert.Equal(gradients, m.Gradients.ToArray());
        }
    }
}
