using System;
using System.Linq;
using Rnn.Tests;

namespace Rnn.Models.Tests
{
    [RnnModel]
    [Encoder] [Embedding(9, 4)] [Bidirectional] [Lstm(3)]
    [Decoder(StartToken = 1, EndToken = 2)] [Embedding(7, 3)] [Lstm(6)] [Attention(AttentionScore.Dot)] [Dense(7, Activation.Softmax)]
    public partial class S2sDot { }

    [RnnModel]
    [Encoder] [Embedding(9, 4)] [Gru(5, Layers = 2)]
    [Decoder] [Embedding(7, 3)] [Gru(4)] [Attention(AttentionScore.General)] [Dense(7, Activation.Softmax)]
    public partial class S2sGeneral { }

    [RnnModel]
    [Encoder] [Embedding(9, 4)] [Bidirectional(Merge = Merge.Sum)] [Gru(4)]
    [Decoder] [Embedding(7, 3)] [Lstm(5, Layers = 2)] [Attention(AttentionScore.Concat, Units = 3)] [Dense(7, Activation.Softmax)]
    public partial class S2sConcat { }

    [RnnModel]
    [Encoder] [Embedding(9, 4)] [Lstm(4)] [Bidirectional] [Gru(3)]
    [Decoder(StartToken = 0, EndToken = 6)] [Embedding(7, 3)] [Gru(5, Layers = 2)] [Attention(AttentionScore.Bahdanau)] [Dense(7, Activation.Softmax)]
    public partial class S2sBahdanau { }

    [RnnModel]
    [Encoder] [Embedding(9, 8)] [Bidirectional] [Gru(16)]
    [Decoder] [Embedding(7, 8)] [Gru(32)] [Attention(AttentionScore.General)] [Dense(7, Activation.Softmax)]
    public partial class S2sReverser { }

    [RnnModel]
    [Encoder] [Embedding(9, 8)] [Bidirectional] [Lstm(16)]
    [Decoder(StartToken = 0, EndToken = 6)] [Embedding(7, 8)] [Lstm(32)] [Attention(AttentionScore.Bahdanau)] [Dense(7, Activation.Softmax)]
    public partial class S2sBahdanauReverser { }

    /// <summary>Encoder–decoders: finite differences in double for every attention score, training, decoding, allocations.</summary>
    public class Seq2SeqTests
    {
        private const int Batch = 3, S = 5, T = 4;
        private static readonly int[] Source = { 3, 4, 5, 6, 7, 8, 3, 0, 0, 0, 5, 5, 8, 2, 0 };
        private static readonly int[] SourceLengths = { 5, 3, 4 };
        private static readonly int[] Target = { 3, 4, 5, 2, 6, 2, 0, 0, 5, 3, 2, 0 };
        private static readonly int[] TargetLengths = { 4, 2, 3 };

        public static TheoryData<string> Models => new() { "dot", "general", "concat", "bahdanau" };

        private static Rnn.IRnnModel<double> Twin(string name, int seed, out Func<double> loss, out Func<double> backward, out Action<float> teacherForcing, out Rnn.RandomSource random)
        {
            switch (name)
            {
                case "dot": { var m = new S2sDot.Float64(seed); Wire(m.Evaluate, m.Backward, out loss, out backward); teacherForcing = r => m.TeacherForcing = r; random = m.TeacherForcingRandom; return m; }
                case "general": { var m = new S2sGeneral.Float64(seed); Wire(m.Evaluate, m.Backward, out loss, out backward); teacherForcing = r => m.TeacherForcing = r; random = m.TeacherForcingRandom; return m; }
                case "concat": { var m = new S2sConcat.Float64(seed); Wire(m.Evaluate, m.Backward, out loss, out backward); teacherForcing = r => m.TeacherForcing = r; random = m.TeacherForcingRandom; return m; }
                default: { var m = new S2sBahdanau.Float64(seed); Wire(m.Evaluate, m.Backward, out loss, out backward); teacherForcing = r => m.TeacherForcing = r; random = m.TeacherForcingRandom; return m; }
            }
        }

        private delegate double LossFunction(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> target, ReadOnlySpan<int> targetLengths, int batch);

        private static void Wire(LossFunction evaluate, LossFunction backward, out Func<double> loss, out Func<double> back)
        {
            loss = () => evaluate(Source, SourceLengths, Target, TargetLengths, Batch);
            back = () => backward(Source, SourceLengths, Target, TargetLengths, Batch);
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void Gradients_match_finite_differences_in_double(string name)
        {
            var m = Twin(name, 7, out var loss, out var backward, out _, out _);
            m.ZeroGradients();
            backward();
            var analytic = m.Gradients.ToArray();
            var p = m.Parameters;
            int mismatches = 0;
            string first = "";
            for (int i = 0; i < p.Length; i++)
            {
                double keep = p[i];
                p[i] = keep + 1e-6;
                double up = loss();
                p[i] = keep - 1e-6;
                double down = loss();
                p[i] = keep;
                double numeric = (up - down) / 2e-6, a = analytic[i];
                if (Math.Abs(a - numeric) > 1e-8 && Math.Abs(a - numeric) / Math.Max(1e-8, Math.Abs(a) + Math.Abs(numeric)) > 1e-5)
                {
                    if (mismatches++ == 0) first = $"{Name(m, i)}: analytic {a}, numeric {numeric}";
                }
            }
            Assert.True(mismatches == 0, $"{mismatches} of {p.Length} gradients differ; first {first}");
            Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void With_teacher_forcing_below_one_gradients_match_finite_differences_with_the_draws_held_fixed(string name)
        {
            var m = Twin(name, 11, out _, out var backward, out var teacherForcing, out var random);
            teacherForcing(0.5f);
            var state = random.GetState();
            double Loss()
            {
                random.SetState(state);
                m.ZeroGradients();
                double value = backward();
                return value;
            }
            Loss();
            var analytic = m.Gradients.ToArray();
            var p = m.Parameters;
            for (int i = 0; i < p.Length; i += 3)
            {
                double keep = p[i];
                p[i] = keep + 1e-6;
                double up = Loss();
                p[i] = keep - 1e-6;
                double down = Loss();
                p[i] = keep;
                double numeric = (up - down) / 2e-6, a = analytic[i];
                Assert.True(Math.Abs(a - numeric) <= 1e-8 || Math.Abs(a - numeric) / Math.Max(1e-8, Math.Abs(a) + Math.Abs(numeric)) <= 1e-5,
                    $"{Name(m, i)}: analytic {a}, numeric {numeric}");
            }
        }

        private static string Name(Rnn.IRnnModel<double> m, int index)
        {
            var t = m.Tensors.Last(t => t.Offset <= index);
            return t.Name + "[" + (index - t.Offset) + "]";
        }

        [Fact]
        public void Dot_attention_weights_sum_to_one_over_the_valid_source_and_are_zero_at_padding()
        {
            var m = new S2sDot(3);
            int[] output = new int[6];
            int length = m.Translate(new[] { 3, 4, 5 }, output, 6);
            var weights = m.AttentionWeights;
            Assert.Equal(length * 3, weights.Length);
            for (int t = 0; t < length; t++) Assert.Equal(1f, weights.Slice(t * 3, 3).ToArray().Sum(), 5);
        }

        [Theory]
        [InlineData("bahdanau")]
        [InlineData("reverser")]
        public void Learns_to_reverse_short_sequences_and_decodes_them_greedily_and_with_beams(string name)
        {
            ISeq2SeqModel m = name == "bahdanau" ? new S2sBahdanauReverser(1) : new S2sReverser(1);
            // Sources of 2–6 tokens from 3…8; targets: the source reversed (mapped into the target vocabulary), then EndToken.
            var random = new RandomSource(5);
            int batch = 32, steps = 6;
            var source = new int[batch * steps];
            var sourceLengths = new int[batch];
            var target = new int[batch * (steps + 1)];
            var targetLengths = new int[batch];
            void Fill()
            {
                Array.Clear(source);
                Array.Clear(target);
                for (int b = 0; b < batch; b++)
                {
                    int n = 2 + random.NextInt(5);
                    sourceLengths[b] = n;
                    targetLengths[b] = n + 1;
                    for (int t = 0; t < n; t++) source[b * steps + t] = 3 + random.NextInt(4);
                    for (int t = 0; t < n; t++) target[b * (steps + 1) + t] = Map(source[b * steps + n - 1 - t], m);
                    target[b * (steps + 1) + n] = m.EndToken;
                }
            }
            var adam = new Adam(0.02f);
            float first = 0, last = 0;
            for (int step = 0; step < 400; step++)
            {
                Fill();
                m.ZeroGradients();
                float loss = m.Backward(source, sourceLengths, target, targetLengths, batch);
                Gradients.ClipByNorm(m.Gradients, 5);
                adam.Step(m.Parameters, m.Gradients);
                if (step == 0) first = loss;
                last = loss;
            }
            Assert.True(last < first * 0.2f, $"loss {first} → {last}");

            int correct = 0, beamCorrect = 0;
            var output = new int[12];
            for (int i = 0; i < 50; i++)
            {
                int n = 2 + random.NextInt(5);
                var s = new int[n];
                for (int t = 0; t < n; t++) s[t] = 3 + random.NextInt(4);
                var expected = s.Reverse().Select(x => Map(x, m)).ToArray();
                int length = m.Translate(s, output, 12);
                if (output.AsSpan(0, length).SequenceEqual(expected)) correct++;
                length = m.BeamSearch(s, output, 12, width: 3);
                if (output.AsSpan(0, length).SequenceEqual(expected)) beamCorrect++;
            }
            Assert.True(correct >= 45, $"greedy: {correct} of 50 reversed correctly");
            Assert.True(beamCorrect >= 45, $"beam: {beamCorrect} of 50 reversed correctly");
        }

        /// <summary>A source token 3…6 as a target token outside the model's start and end tokens.</summary>
        private static int Map(int token, ISeq2SeqModel m)
        {
            int t = token - 3;   // 0…3
            for (int id = 0; ; id++)
            {
                if (id == m.StartToken || id == m.EndToken) continue;
                if (t-- == 0) return id;
            }
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void Beam_search_of_width_one_is_greedy_decoding(string name)
        {
            ISeq2SeqModel m = name switch { "dot" => new S2sDot(4), "general" => new S2sGeneral(4), "concat" => new S2sConcat(4), _ => new S2sBahdanau(4) };
            var a = new int[8];
            var b = new int[8];
            int la = m.Translate(new[] { 3, 5, 7, 4 }, a, 8);
            var wa = m.AttentionWeights.ToArray();
            int lb = m.BeamSearch(new[] { 3, 5, 7, 4 }, b, 8, width: 1);
            Assert.Equal(a.AsSpan(0, la).ToArray(), b.AsSpan(0, lb).ToArray());
            Assert.Equal(wa, m.AttentionWeights.ToArray());
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void Decoding_allocates_nothing_per_token_after_warm_up(string name)
        {
            ISeq2SeqModel m = name switch { "dot" => new S2sDot(4), "general" => new S2sGeneral(4), "concat" => new S2sConcat(4), _ => new S2sBahdanau(4) };
            var output = new int[20];
            var source = new[] { 3, 5, 7, 4, 8 };
            SteadyState.AssertAllocatesNothing(() =>
            {
                m.Translate(source, output, 20);
                m.BeamSearch(source, output, 20, width: 4);
            }, callsPerRound: 10, what: name + " greedy and beam decoding");
        }
    }
}
