using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;
using Rnn.Layers;

namespace Rnn.Seq2Seq
{
    /// <summary>
    /// Attention over the encoder outputs H (time-major [S·B, D_e], row s·B + b) for a batch of decoder queries q [B, H_d],
    /// one decoder step at a time: masked scores (positions at or after each source length get weight 0), softmax, and the
    /// context c = Σ_s α_s h_s. The key side (W_a H for general, W_k H + b_k for the additive scores) is projected once per
    /// sequence. Every step's weights α are kept for the backward pass and for the caller (attention maps).
    /// </summary>
    public sealed class Attention<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly AttentionScore _score;
        private readonly int _query, _key, _units;
        private readonly int _weight, _queryWeight, _keyWeight, _keyBias, _v;   // parameter offsets (−1: none)
        private T[] _keys = Array.Empty<T>();        // General: [S·B, H_d]; additive: [S·B, A]
        private T[] _dKeys = Array.Empty<T>();
        private T[] _queries = Array.Empty<T>();     // additive: every step's q [T·B, H_d] and W_q q [T·B, A]
        private T[] _projected = Array.Empty<T>();
        private T[] _dProjected = Array.Empty<T>();
        private T[] _alpha = Array.Empty<T>();       // [T, B, S]
        private T[] _scratch = Array.Empty<T>();
        private T[] _u = Array.Empty<T>(), _dPre = Array.Empty<T>();   // additive: tanh(W_q q + k_s) and its gradient, [A]
        private int[] _lengths = Array.Empty<int>();
        private int _sources, _batch, _capacity;

        /// <summary>Creates the attention; its parameters (if any) start at <paramref name="parameterOffset"/>.</summary>
        /// <param name="score">The score function.</param>
        /// <param name="query">H_d, the query's features.</param>
        /// <param name="key">D_e, the encoder output's features.</param>
        /// <param name="units">A, the additive scores' hidden units.</param>
        /// <param name="parameterOffset">Where the tensors start: general W_a [H_d, D_e]; additive W_q [A, H_d], W_k [A, D_e], b_k [A], v [1, A].</param>
        public Attention(AttentionScore score, int query, int key, int units, int parameterOffset)
        {
            _score = score;
            _query = query;
            _key = key;
            _units = units;
            _weight = _queryWeight = _keyWeight = _keyBias = _v = -1;
            int o = parameterOffset;
            switch (score)
            {
                case AttentionScore.Dot:
                    if (query != key) throw new ArgumentException($"Dot attention needs the query ({query}) and key ({key}) sizes equal.");
                    break;
                case AttentionScore.General:
                    _weight = o;
                    o += query * key;
                    break;
                default:
                    _queryWeight = o;
                    o += units * query;
                    _keyWeight = o;
                    o += units * key;
                    _keyBias = o;
                    o += units;
                    _v = o;
                    o += units;
                    break;
            }
            ParameterCount = o - parameterOffset;
        }

        /// <summary>Parameters of the attention.</summary>
        public int ParameterCount { get; }

        private bool Additive => _score is AttentionScore.Concat or AttentionScore.Bahdanau;

        /// <summary>Width of a projected key: H_d for general, A for additive, D_e (the keys themselves) for dot.</summary>
        private int KeyWidth => _score == AttentionScore.General ? _query : Additive ? _units : _key;

        /// <summary>Starts a batch: projects the keys of H [S·B, D_e] and remembers the source lengths; up to <paramref name="steps"/> decoder steps follow.</summary>
        public void Begin(ReadOnlySpan<T> parameters, ReadOnlySpan<T> h, int sources, int batch, ReadOnlySpan<int> lengths, int steps)
        {
            _sources = sources;
            _batch = batch;
            _capacity = steps;
            Workspace.Ensure(ref _lengths, batch);
            for (int b = 0; b < batch; b++) _lengths[b] = lengths.IsEmpty ? sources : lengths[b];
            int rows = sources * batch;
            Workspace.Ensure(ref _alpha, steps * batch * sources);
            Workspace.Ensure(ref _scratch, Math.Max(sources, Math.Max(_key, _units)));
            Workspace.Ensure(ref _u, _units);
            Workspace.Ensure(ref _dPre, _units);
            if (_score == AttentionScore.General)
            {
                Workspace.Ensure(ref _keys, rows * _query);
                Gemm.MatMulTransB(h.Slice(0, rows * _key), parameters.Slice(_weight, _query * _key), _keys, rows, _query, _key, accumulate: false);
            }
            else if (Additive)
            {
                Workspace.Ensure(ref _keys, rows * _units);
                Gemm.MatMulTransB(h.Slice(0, rows * _key), parameters.Slice(_keyWeight, _units * _key), _keys, rows, _units, _key, accumulate: false);
                Rows.AddBias<T>(_keys.AsSpan(0, rows * _units), parameters.Slice(_keyBias, _units), rows, _units);
                Workspace.Ensure(ref _queries, steps * batch * _query);
                Workspace.Ensure(ref _projected, steps * batch * _units);
            }
        }

        /// <summary>The weights of step t for row b over the S source positions (0 at padding).</summary>
        public ReadOnlySpan<T> Weights(int t, int b) => _alpha.AsSpan((t * _batch + b) * _sources, _sources);

        /// <summary>Step t: α_t = softmax(score(q_b, h_s)) over s &lt; length_b; writes the contexts c [B, D_e].</summary>
        public void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> h, int t, ReadOnlySpan<T> q, Span<T> context)
        {
            if (t >= _capacity) throw new InvalidOperationException($"Attention was begun for {_capacity} steps.");
            int batch = _batch, sources = _sources, kw = KeyWidth;
            Span<T> projected = default;
            if (Additive)
            {
                q.Slice(0, batch * _query).CopyTo(_queries.AsSpan(t * batch * _query));
                projected = _projected.AsSpan(t * batch * _units, batch * _units);
                Gemm.MatMulTransB(q.Slice(0, batch * _query), parameters.Slice(_queryWeight, _units * _query), projected, batch, _units, _query, accumulate: false);
            }
            var v = Additive ? parameters.Slice(_v, _units) : default;
            ReadOnlySpan<T> keys = _score == AttentionScore.Dot ? h : _keys;
            for (int b = 0; b < batch; b++)
            {
                var alpha = _alpha.AsSpan((t * batch + b) * sources, sources);
                int length = _lengths[b];
                T max = T.NegativeInfinity;
                for (int s = 0; s < length; s++)
                {
                    var k = keys.Slice((s * batch + b) * kw, kw);
                    T score = T.Zero;
                    if (Additive)
                    {
                        var u = _u.AsSpan(0, _units);
                        TensorPrimitives.Add<T>(projected.Slice(b * _units, _units), k, u);
                        Elementwise.Tanh<T>(u, u);
                        score = TensorPrimitives.Dot<T>(v, u);
                    }
                    else
                    {
                        score = TensorPrimitives.Dot<T>(q.Slice(b * _query, _query), k);
                    }
                    alpha[s] = score;
                    if (score > max) max = score;
                }
                T sum = T.Zero;
                for (int s = 0; s < length; s++)
                {
                    alpha[s] = T.Exp(alpha[s] - max);
                    sum += alpha[s];
                }
                for (int s = 0; s < length; s++) alpha[s] /= sum;
                alpha.Slice(length).Clear();
                var c = context.Slice(b * _key, _key);
                c.Clear();
                for (int s = 0; s < length; s++) TensorPrimitives.MultiplyAdd<T>(h.Slice((s * batch + b) * _key, _key), alpha[s], c, c);
            }
        }

        /// <summary>Prepares the reverse sweep: clears the key-side gradient.</summary>
        public void BeginBackward(int steps)
        {
            int rows = _sources * _batch;
            if (_score != AttentionScore.Dot)
            {
                Workspace.Ensure(ref _dKeys, rows * KeyWidth);
                _dKeys.AsSpan(0, rows * KeyWidth).Clear();
            }
            if (Additive)
            {
                Workspace.Ensure(ref _dProjected, steps * _batch * _units);
            }
        }

        /// <summary>
        /// Backward of step t from dc [B, D_e]: adds d loss / d H into <paramref name="dh"/> [S·B, D_e], d loss / d v into
        /// the gradients, and writes d loss / d q into <paramref name="dq"/> [B, H_d] (overwritten).
        /// </summary>
        public void Backward(ReadOnlySpan<T> parameters, Span<T> gradients, ReadOnlySpan<T> h, int t, ReadOnlySpan<T> q, ReadOnlySpan<T> dc, Span<T> dh, Span<T> dq)
        {
            int batch = _batch, sources = _sources, kw = KeyWidth;
            var dAlpha = _scratch.AsSpan(0, sources);
            var v = Additive ? parameters.Slice(_v, _units) : default;
            var dv = Additive ? gradients.Slice(_v, _units) : default;
            var projected = Additive ? _projected.AsSpan(t * batch * _units, batch * _units) : default;
            var dProjected = Additive ? _dProjected.AsSpan(t * batch * _units, batch * _units) : default;
            if (Additive) dProjected.Clear();
            dq.Slice(0, batch * _query).Clear();
            ReadOnlySpan<T> keys = _score == AttentionScore.Dot ? h : _keys;
            for (int b = 0; b < batch; b++)
            {
                var alpha = _alpha.AsSpan((t * batch + b) * sources, sources);
                var dcb = dc.Slice(b * _key, _key);
                int length = _lengths[b];
                // c = Σ α_s h_s: dα_s = dc · h_s, dh_s += α_s dc; then through the softmax.
                T dot = T.Zero;
                for (int s = 0; s < length; s++)
                {
                    var dhs = dh.Slice((s * batch + b) * _key, _key);
                    T a = alpha[s], d = TensorPrimitives.Dot<T>(dcb, h.Slice((s * batch + b) * _key, _key));
                    TensorPrimitives.MultiplyAdd<T>(dcb, a, dhs, dhs);
                    dAlpha[s] = d;
                    dot += a * d;
                }
                var dqb = dq.Slice(b * _query, _query);
                for (int s = 0; s < length; s++)
                {
                    T dScore = alpha[s] * (dAlpha[s] - dot);
                    var k = keys.Slice((s * batch + b) * kw, kw);
                    if (Additive)
                    {
                        // u = tanh(W_q q + k_s): d v += dScore·u; d pre = dScore · v ⊙ (1 − u²) into both projections.
                        var u = _u.AsSpan(0, _units);
                        var dPre = _dPre.AsSpan(0, _units);
                        TensorPrimitives.Add<T>(projected.Slice(b * _units, _units), k, u);
                        Elementwise.Tanh<T>(u, u);
                        TensorPrimitives.MultiplyAdd<T>(u, dScore, dv, dv);
                        TensorPrimitives.Multiply<T>(u, u, dPre);
                        TensorPrimitives.Subtract<T>(T.One, dPre, dPre);
                        TensorPrimitives.Multiply<T>(dPre, v, dPre);
                        TensorPrimitives.Multiply<T>(dPre, dScore, dPre);
                        var dpq = dProjected.Slice(b * _units, _units);
                        TensorPrimitives.Add<T>(dpq, dPre, dpq);
                        var dk = _dKeys.AsSpan((s * batch + b) * kw, kw);
                        TensorPrimitives.Add<T>(dk, dPre, dk);
                    }
                    else
                    {
                        var qb = q.Slice(b * _query, _query);
                        var dk = _score == AttentionScore.Dot ? dh.Slice((s * batch + b) * _key, _key) : _dKeys.AsSpan((s * batch + b) * kw, kw);
                        TensorPrimitives.MultiplyAdd<T>(k, dScore, dqb, dqb);
                        TensorPrimitives.MultiplyAdd<T>(qb, dScore, dk, dk);
                    }
                }
            }
            if (Additive)
                Gemm.MatMul(dProjected, parameters.Slice(_queryWeight, _units * _query), dq, batch, _query, _units, accumulate: true);
        }

        /// <summary>
        /// After the reverse sweep over <paramref name="steps"/> steps: the parameter gradients, and the key side's
        /// gradient into <paramref name="dh"/> [S·B, D_e].
        /// </summary>
        public void EndBackward(ReadOnlySpan<T> parameters, Span<T> gradients, ReadOnlySpan<T> h, int steps, Span<T> dh)
        {
            int rows = _sources * _batch;
            if (_score == AttentionScore.General)
            {
                Gemm.MatMulTransA(_dKeys.AsSpan(0, rows * _query), h.Slice(0, rows * _key), gradients.Slice(_weight, _query * _key), _query, _key, rows, accumulate: true);
                Gemm.MatMul(_dKeys.AsSpan(0, rows * _query), parameters.Slice(_weight, _query * _key), dh.Slice(0, rows * _key), rows, _key, _query, accumulate: true);
            }
            else if (Additive)
            {
                int n = steps * _batch;
                var dKeys = _dKeys.AsSpan(0, rows * _units);
                Gemm.MatMulTransA(dKeys, h.Slice(0, rows * _key), gradients.Slice(_keyWeight, _units * _key), _units, _key, rows, accumulate: true);
                Rows.SumColumns<T>(dKeys, gradients.Slice(_keyBias, _units), rows, _units);
                Gemm.MatMul(dKeys, parameters.Slice(_keyWeight, _units * _key), dh.Slice(0, rows * _key), rows, _key, _units, accumulate: true);
                Gemm.MatMulTransA(_dProjected.AsSpan(0, n * _units), _queries.AsSpan(0, n * _query), gradients.Slice(_queryWeight, _units * _query), _units, _query, n, accumulate: true);
            }
        }
    }
}
