using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;
using Rnn.Layers;

namespace Rnn.Seq2Seq
{
    /// <summary>
    /// An encoder–decoder with attention (docs/seq2seq.md): training with teacher forcing and BPTT through the decoder,
    /// the attention and the encoder; greedy and beam-search decoding with the attention map of every output step.
    /// Generated sequence-to-sequence models hold one of these with their sizes as constants.
    /// </summary>
    public sealed partial class Seq2SeqNetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Seq2SeqShape _shape;
        private readonly T[] _parameters, _gradients;
        private readonly RecurrentBlock<T>[] _encoder;
        private readonly DecoderStack<T> _decoder;
        private readonly Attention<T> _attention;
        private readonly int _de, _hd, _layers, _vocabulary, _et, _in0;

        private readonly T[][] _enc, _dEnc;
        private T[] _final = Array.Empty<T>(), _dFinal = Array.Empty<T>();
        private T[] _bridge = Array.Empty<T>(), _h0 = Array.Empty<T>(), _dBridge = Array.Empty<T>();
        private T[] _x0 = Array.Empty<T>(), _dx0 = Array.Empty<T>();
        private T[] _context = Array.Empty<T>(), _combined = Array.Empty<T>(), _tilde = Array.Empty<T>();
        private T[] _stepLogits = Array.Empty<T>(), _logits = Array.Empty<T>(), _dLogits = Array.Empty<T>(), _headScratch = Array.Empty<T>();
        private T[] _dTilde = Array.Empty<T>(), _dCombined = Array.Empty<T>(), _dc = Array.Empty<T>(), _dq = Array.Empty<T>(), _dqNext = Array.Empty<T>(), _dTop = Array.Empty<T>();
        private T[] _dH = Array.Empty<T>();
        private int[] _inputs = Array.Empty<int>();
        private int _batch, _sources, _steps;

        /// <summary>Creates the network with parameters initialised as PyTorch does, from <paramref name="seed"/>.</summary>
        public Seq2SeqNetwork(Seq2SeqShape shape, int seed = 0)
        {
            _shape = shape ?? throw new ArgumentNullException(nameof(shape));
            _parameters = new T[shape.ParameterCount];
            _gradients = new T[shape.ParameterCount];
            _de = shape.EncoderOutput;
            _hd = shape.DecoderHidden;
            _layers = shape.DecoderLayers;
            _vocabulary = shape.TargetVocabulary;
            _et = shape.TargetEmbedding;
            _in0 = shape.DecoderInput;
            _encoder = new RecurrentBlock<T>[shape.Encoder.Count];
            _enc = new T[_encoder.Length][];
            _dEnc = new T[_encoder.Length][];
            int input = shape.SourceEmbedding;
            for (int i = 0; i < _encoder.Length; i++)
            {
                var m = shape.Encoder[i];
                _encoder[i] = new RecurrentBlock<T>(m.Cell, input, m.Hidden, m.Layers, m.Bidirectional ? 2 : 1, m.Merge, shape.EncoderOffsets[i]);
                _enc[i] = Array.Empty<T>();
                _dEnc[i] = Array.Empty<T>();
                input = m.Output;
            }
            _decoder = new DecoderStack<T>(shape.DecoderCell, _in0, _hd, _layers, shape.DecoderOffset);
            _attention = new Attention<T>(shape.Score, _hd, _de, shape.AttentionUnits, shape.AttentionOffset);
            ResetParameters(seed);
        }

        /// <summary>The sizes and the parameter layout.</summary>
        public Seq2SeqShape Shape => _shape;

        /// <summary>Every parameter in one block, laid out as <see cref="Seq2SeqShape.Tensors"/> says.</summary>
        public Span<T> Parameters => _parameters;

        /// <summary>d loss / d parameter, accumulated by <see cref="Backward"/>.</summary>
        public Span<T> Gradients => _gradients;

        /// <summary>Teacher-forcing ratio r of <see cref="Backward"/>: each step after the first reads the true previous token with probability r, else the model's own prediction. 1 by default.</summary>
        public float TeacherForcing { get; set; } = 1f;

        /// <summary>The generator of the teacher-forcing draws (seeded by the constructor).</summary>
        public RandomSource TeacherForcingRandom { get; private set; } = new RandomSource(0);

        /// <summary>Re-initialises every parameter as PyTorch's modules do, deterministically from <paramref name="seed"/>.</summary>
        public void ResetParameters(int seed)
        {
            var random = new RandomSource(unchecked((ulong)seed));
            TeacherForcingRandom = new RandomSource(unchecked((ulong)seed) ^ 0x7EAC4E5UL);
            var p = _parameters.AsSpan();
            var s = _shape;
            foreach (var tensor in s.Tensors)
            {
                var values = p.Slice(tensor.Offset, tensor.Length);
                string name = tensor.Name;
                if (name.EndsWith("embedding.weight", StringComparison.Ordinal)) Init.Normal(random, values);
                else Init.Uniform(random, values, FanIn(tensor));
            }
        }

        /// <summary>The fan-in PyTorch's default initialisation uses: hidden size for recurrent tensors, in_features for linear ones.</summary>
        private int FanIn(TensorInfo tensor)
        {
            if (tensor.Offset >= _shape.DecoderOffset && tensor.Offset < _shape.AttentionOffset) return _hd;
            for (int i = _shape.Encoder.Count - 1; i >= 0; i--)
                if (tensor.Offset >= _shape.EncoderOffsets[i] && tensor.Offset < _shape.BridgeOffset) return _shape.Encoder[i].Hidden;
            if (tensor.Name.EndsWith(".bias", StringComparison.Ordinal))
            {
                // A linear layer's bias: U(±1/√in_features) of its weight, the tensor just before it.
                foreach (var t in _shape.Tensors) if (t.Offset + t.Length == tensor.Offset) return t.Shape[1];
            }
            return tensor.Shape[tensor.Shape.Length - 1];
        }

        /// <summary>Sets every gradient to zero.</summary>
        public void ZeroGradients() => Array.Clear(_gradients);

        /// <summary>
        /// Teacher-forced forward, mean cross-entropy over the valid target positions, and backpropagation through the
        /// decoder, the attention and the encoder; adds into <see cref="Gradients"/> and returns the loss.
        /// </summary>
        /// <param name="source">Source token ids [batch, S], padded after each length.</param>
        /// <param name="sourceLengths">Source lengths [batch] (1 … S), or empty for all S.</param>
        /// <param name="target">Target token ids [batch, T] (normally ending with EndToken), padded after each length.</param>
        /// <param name="targetLengths">Target lengths [batch] (0 … T), or empty for all T.</param>
        /// <param name="batch">Sequences.</param>
        public T Backward(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> target, ReadOnlySpan<int> targetLengths, int batch)
        {
            T loss = ForwardLoss(source, sourceLengths, target, targetLengths, batch, TeacherForcing, TeacherForcingRandom);
            RunBackward(source, sourceLengths);
            return loss;
        }

        /// <summary>The same loss as <see cref="Backward"/> with full teacher forcing, without gradients.</summary>
        public T Evaluate(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> target, ReadOnlySpan<int> targetLengths, int batch) =>
            ForwardLoss(source, sourceLengths, target, targetLengths, batch, 1f, null);

        /// <summary>Logits [batch, T, TargetVocabulary] of the last Backward or Evaluate.</summary>
        public ReadOnlySpan<T> Logits => _logits.AsSpan(0, _batch * _steps * _vocabulary);

        /// <summary>The attention weights of the last Backward or Evaluate: step t of sequence b over the S source positions.</summary>
        public ReadOnlySpan<T> TrainingWeights(int t, int b) => _attention.Weights(t, b);

        private T ForwardLoss(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> target, ReadOnlySpan<int> targetLengths,
            int batch, float teacherForcing, RandomSource? random)
        {
            int sources = Guard.Steps(source.Length, batch, 1, nameof(source));
            int steps = Guard.Steps(target.Length, batch, 1, nameof(target));
            Guard.Lengths(sourceLengths, batch, sources);
            Guard.Lengths(targetLengths, batch, steps);
            for (int b = 0; b < sourceLengths.Length; b++)
                if (sourceLengths[b] < 1) throw new ArgumentException($"sourceLengths[{b}] is 0: every source needs at least one token.", nameof(sourceLengths));
            for (int i = 0; i < target.Length; i++) Guard.Token(target[i], _vocabulary, nameof(target));
            RunEncoder(source, sourceLengths, batch, sources);
            BeginDecoder(batch, steps, sourceLengths);
            Workspace.Ensure(ref _logits, batch * steps * _vocabulary);
            Workspace.Ensure(ref _inputs, steps * batch);
            for (int t = 0; t < steps; t++)
            {
                for (int b = 0; b < batch; b++)
                {
                    int token;
                    if (t == 0) token = _shape.StartToken;
                    else if (teacherForcing >= 1f || (random is not null && random.NextSingle() < teacherForcing)) token = target[b * steps + t - 1];
                    else token = ArgMax(_logits.AsSpan((b * steps + t - 1) * _vocabulary, _vocabulary));
                    _inputs[t * batch + b] = token;
                }
                DecoderStep(t, _inputs.AsSpan(t * batch, batch));
                for (int b = 0; b < batch; b++)
                    _stepLogits.AsSpan(b * _vocabulary, _vocabulary).CopyTo(_logits.AsSpan((b * steps + t) * _vocabulary, _vocabulary));
            }
            Workspace.Ensure(ref _dLogits, batch * steps * _vocabulary);
            Workspace.Ensure(ref _headScratch, batch * steps * _vocabulary);
            return Head.Loss<T>(Activation.Softmax, _logits, target, batch, steps, _vocabulary, targetLengths, _dLogits, _headScratch);
        }

        /// <summary>Embeds the source and runs the encoder: outputs H [S·B, D_e] in the last module's buffer, the final state f [B, D_e].</summary>
        private void RunEncoder(ReadOnlySpan<int> source, ReadOnlySpan<int> lengths, int batch, int sources)
        {
            _batch = batch;
            _sources = sources;
            int n = sources * batch, es = _shape.SourceEmbedding;
            Guard.Capacity(sources, batch, Math.Max(es, _de * 2));
            ReadOnlySpan<T> input = default;
            for (int i = 0; i < _encoder.Length; i++)
            {
                int width = _shape.Encoder[i].Output;
                Workspace.Ensure(ref _enc[i], n * width);
                // The first module reads the source tokens (rows of the source embedding, through per-token tables when that pays).
                if (i == 0) _encoder[i].Forward(_parameters, SourceTokens(source), sources, batch, lengths, _enc[i]);
                else _encoder[i].Forward(_parameters, input, sources, batch, lengths, _enc[i]);
                input = _enc[i].AsSpan(0, n * width);
            }
            Workspace.Ensure(ref _final, batch * _de);
            _encoder[^1].FinalState(_final);
        }

        private ReadOnlySpan<T> EncoderOutputs => _enc[^1].AsSpan(0, _sources * _batch * _de);

        /// <summary>The bridge h0 = tanh(W f + b) for every decoder layer, then the decoder and attention ready for <paramref name="steps"/> steps.</summary>
        private void BeginDecoder(int batch, int steps, ReadOnlySpan<int> sourceLengths)
        {
            _steps = steps;
            int width = _layers * _hd;
            Workspace.Ensure(ref _bridge, batch * width);
            Workspace.Ensure(ref _h0, batch * width);
            var bridge = _bridge.AsSpan(0, batch * width);
            Gemm.MatMulTransB(_final.AsSpan(0, batch * _de), _parameters.AsSpan(_shape.BridgeOffset, width * _de), bridge, batch, width, _de, accumulate: false);
            Rows.AddBias<T>(bridge, _parameters.AsSpan(_shape.BridgeOffset + width * _de, width), batch, width);
            TensorPrimitives.Tanh<T>(bridge, bridge);
            // [B, L·H] → layer-major [L, B, H].
            for (int b = 0; b < batch; b++)
                for (int l = 0; l < _layers; l++)
                    bridge.Slice(b * width + l * _hd, _hd).CopyTo(_h0.AsSpan((l * batch + b) * _hd, _hd));
            _decoder.Begin(batch, steps, _h0.AsSpan(0, batch * width));
            _attention.Begin(_parameters, EncoderOutputs, _sources, batch, sourceLengths, steps);
            Workspace.Ensure(ref _x0, batch * _in0);
            Workspace.Ensure(ref _context, steps * batch * _de);
            Workspace.Ensure(ref _combined, steps * batch * (_de + _hd));
            Workspace.Ensure(ref _tilde, steps * batch * _hd);
            Workspace.Ensure(ref _stepLogits, batch * _vocabulary);
        }

        /// <summary>Decoder step t from the input tokens [B]: leaves the step's logits in _stepLogits [B, V].</summary>
        private void DecoderStep(int t, ReadOnlySpan<int> tokens)
        {
            int batch = _batch, cw = _de + _hd;
            var p = _parameters.AsSpan();
            var x0 = _x0.AsSpan(0, batch * _in0);
            var context = _context.AsSpan(t * batch * _de, batch * _de);
            for (int b = 0; b < batch; b++)
            {
                Guard.Token(tokens[b], _vocabulary, "tokens");
                p.Slice(_shape.DecoderEmbeddingOffset + tokens[b] * _et, _et).CopyTo(x0.Slice(b * _in0, _et));
            }
            bool bahdanau = _shape.Score == AttentionScore.Bahdanau;
            if (bahdanau)
            {
                _attention.Forward(p, EncoderOutputs, t, _decoder.TopState(t), context);
                for (int b = 0; b < batch; b++) context.Slice(b * _de, _de).CopyTo(x0.Slice(b * _in0 + _et, _de));
            }
            _decoder.Step(p, x0);
            var q = _decoder.TopState(t + 1);
            if (!bahdanau) _attention.Forward(p, EncoderOutputs, t, q, context);
            // h̃ = tanh(W_c [c; q] + b_c); logits = W_o h̃ + b_o.
            var combined = _combined.AsSpan(t * batch * cw, batch * cw);
            for (int b = 0; b < batch; b++)
            {
                context.Slice(b * _de, _de).CopyTo(combined.Slice(b * cw, _de));
                q.Slice(b * _hd, _hd).CopyTo(combined.Slice(b * cw + _de, _hd));
            }
            var tilde = _tilde.AsSpan(t * batch * _hd, batch * _hd);
            Gemm.MatMulTransB(combined, p.Slice(_shape.CombineOffset, _hd * cw), tilde, batch, _hd, cw, accumulate: false);
            Rows.AddBias<T>(tilde, p.Slice(_shape.CombineOffset + _hd * cw, _hd), batch, _hd);
            TensorPrimitives.Tanh<T>(tilde, tilde);
            var logits = _stepLogits.AsSpan(0, batch * _vocabulary);
            Gemm.MatMulTransB(tilde, p.Slice(_shape.DenseOffset, _vocabulary * _hd), logits, batch, _vocabulary, _hd, accumulate: false);
            Rows.AddBias<T>(logits, p.Slice(_shape.DenseOffset + _vocabulary * _hd, _vocabulary), batch, _vocabulary);
        }

        private void RunBackward(ReadOnlySpan<int> source, ReadOnlySpan<int> sourceLengths)
        {
            int batch = _batch, steps = _steps, sources = _sources, cw = _de + _hd, v = _vocabulary;
            var p = _parameters.AsSpan();
            var g = _gradients.AsSpan();
            bool bahdanau = _shape.Score == AttentionScore.Bahdanau;
            int rows = sources * batch;
            Workspace.Ensure(ref _dH, rows * _de);
            var dH = _dH.AsSpan(0, rows * _de);
            dH.Clear();
            Workspace.Ensure(ref _dTilde, batch * _hd);
            Workspace.Ensure(ref _dCombined, batch * cw);
            Workspace.Ensure(ref _dc, batch * _de);
            Workspace.Ensure(ref _dq, batch * _hd);
            Workspace.Ensure(ref _dqNext, batch * _hd);
            Workspace.Ensure(ref _dTop, batch * _hd);
            Workspace.Ensure(ref _dx0, batch * _in0);
            var dLog = _stepLogits.AsSpan(0, batch * v);
            var dTilde = _dTilde.AsSpan(0, batch * _hd);
            var dCombined = _dCombined.AsSpan(0, batch * cw);
            var dc = _dc.AsSpan(0, batch * _de);
            var dq = _dq.AsSpan(0, batch * _hd);
            var dqNext = _dqNext.AsSpan(0, batch * _hd);
            var dTop = _dTop.AsSpan(0, batch * _hd);
            var dx0 = _dx0.AsSpan(0, batch * _in0);
            dqNext.Clear();
            _decoder.BeginBackward();
            _attention.BeginBackward(steps);
            var wo = p.Slice(_shape.DenseOffset, v * _hd);
            var wc = p.Slice(_shape.CombineOffset, _hd * cw);
            for (int t = steps - 1; t >= 0; t--)
            {
                for (int b = 0; b < batch; b++) _dLogits.AsSpan((b * steps + t) * v, v).CopyTo(dLog.Slice(b * v, v));
                var tilde = _tilde.AsSpan(t * batch * _hd, batch * _hd);
                var combined = _combined.AsSpan(t * batch * cw, batch * cw);
                // logits = W_o h̃ + b_o
                Gemm.MatMulTransA(dLog, tilde, g.Slice(_shape.DenseOffset, v * _hd), v, _hd, batch, accumulate: true);
                Rows.SumColumns<T>(dLog, g.Slice(_shape.DenseOffset + v * _hd, v), batch, v);
                Gemm.MatMul(dLog, wo, dTilde, batch, _hd, v, accumulate: false);
                // h̃ = tanh(W_c [c; q] + b_c)
                for (int i = 0; i < dTilde.Length; i++) dTilde[i] *= T.One - tilde[i] * tilde[i];
                Gemm.MatMulTransA(dTilde, combined, g.Slice(_shape.CombineOffset, _hd * cw), _hd, cw, batch, accumulate: true);
                Rows.SumColumns<T>(dTilde, g.Slice(_shape.CombineOffset + _hd * cw, _hd), batch, _hd);
                Gemm.MatMul(dTilde, wc, dCombined, batch, cw, _hd, accumulate: false);
                for (int b = 0; b < batch; b++)
                {
                    dCombined.Slice(b * cw, _de).CopyTo(dc.Slice(b * _de, _de));
                    dCombined.Slice(b * cw + _de, _hd).CopyTo(dTop.Slice(b * _hd, _hd));
                }
                if (!bahdanau)
                {
                    _attention.Backward(p, g, EncoderOutputs, t, _decoder.TopState(t + 1), dc, dH, dq);
                    TensorPrimitives.Add<T>(dTop, dq, dTop);
                    _decoder.BackwardStep(p, t, dTop, dx0);
                }
                else
                {
                    // The attention of step t + 1 read this step's state as its query.
                    TensorPrimitives.Add<T>(dTop, dqNext, dTop);
                    _decoder.BackwardStep(p, t, dTop, dx0);
                    for (int b = 0; b < batch; b++)
                    {
                        var dcb = dc.Slice(b * _de, _de);
                        TensorPrimitives.Add<T>(dcb, dx0.Slice(b * _in0 + _et, _de), dcb);
                    }
                    _attention.Backward(p, g, EncoderOutputs, t, _decoder.TopState(t), dc, dH, dqNext);
                }
                for (int b = 0; b < batch; b++)
                {
                    var row = g.Slice(_shape.DecoderEmbeddingOffset + _inputs[t * batch + b] * _et, _et);
                    TensorPrimitives.Add<T>(row, dx0.Slice(b * _in0, _et), row);
                }
            }
            _decoder.AccumulateWeightGradients(g);
            _attention.EndBackward(p, g, EncoderOutputs, steps, dH);

            // Bridge: h0 = tanh(Z); d Z = d h0 ⊙ (1 − h0²), with d h0 from the recurrence (and the first attention query).
            int width = _layers * _hd;
            Workspace.Ensure(ref _dBridge, batch * width);
            var dBridge = _dBridge.AsSpan(0, batch * width);
            for (int l = 0; l < _layers; l++)
            {
                var dh0 = _decoder.InitialStateGradient(l);
                for (int b = 0; b < batch; b++)
                {
                    var dst = dBridge.Slice(b * width + l * _hd, _hd);
                    dh0.Slice(b * _hd, _hd).CopyTo(dst);
                    if (bahdanau && l == _layers - 1) TensorPrimitives.Add<T>(dst, dqNext.Slice(b * _hd, _hd), dst);
                    var h0 = _bridge.AsSpan(b * width + l * _hd, _hd);
                    for (int k = 0; k < _hd; k++) dst[k] *= T.One - h0[k] * h0[k];
                }
            }
            Gemm.MatMulTransA(dBridge, _final.AsSpan(0, batch * _de), g.Slice(_shape.BridgeOffset, width * _de), width, _de, batch, accumulate: true);
            Rows.SumColumns<T>(dBridge, g.Slice(_shape.BridgeOffset + width * _de, width), batch, width);
            Workspace.Ensure(ref _dFinal, batch * _de);
            Gemm.MatMul(dBridge, p.Slice(_shape.BridgeOffset, width * _de), _dFinal.AsSpan(0, batch * _de), batch, _de, width, accumulate: false);

            // Encoder: d H from the attention, d f from the bridge.
            int n = sources * batch;
            for (int i = _encoder.Length - 1; i >= 0; i--)
            {
                ReadOnlySpan<T> dOutput = i == _encoder.Length - 1 ? dH : _dEnc[i].AsSpan(0, n * _shape.Encoder[i].Output);
                ReadOnlySpan<T> dFinal = i == _encoder.Length - 1 ? _dFinal.AsSpan(0, batch * _de) : default;
                if (i == 0)
                {
                    _encoder[i].Backward(p, g, SourceTokens(source), dOutput, dFinal);  // adds the source embedding's gradient too
                    break;
                }
                int inWidth = _shape.Encoder[i - 1].Output;
                Workspace.Ensure(ref _dEnc[i - 1], n * inWidth);
                _encoder[i].Backward(p, g, _enc[i - 1].AsSpan(0, n * inWidth), dOutput, dFinal, _dEnc[i - 1].AsSpan(0, n * inWidth));
            }
        }

        /// <summary>The source tokens as the first encoder module reads them: rows of the source embedding (at offset 0).</summary>
        private TokenBatch SourceTokens(ReadOnlySpan<int> source) =>
            TokenBatch.Embedded(source, _shape.SourceVocabulary, _shape.SourceEmbedding, 0);

        private static int ArgMax(ReadOnlySpan<T> values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
            return best;
        }
    }
}
