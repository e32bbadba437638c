using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;
using Rnn.Layers;

namespace Rnn.Seq2Seq
{
    /// <summary>
    /// A stacked unidirectional recurrent module driven one step at a time, as a decoder is: the input of step t is only
    /// known once step t − 1 has run (its own prediction, or attention over its state). Forward keeps every step's gates
    /// and states; backward runs step by step in reverse, top layer down, so that the caller can add gradients that only
    /// appear during the reverse sweep (Bahdanau's context feeds the next step's input). Weight gradients are summed
    /// over all steps with one GEMM each at the end. Parameters per layer as PyTorch: weight_ih, weight_hh, bias_ih, bias_hh.
    /// </summary>
    public sealed class DecoderStack<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly CellType _cell;
        private readonly int _input, _hidden, _layers, _width;
        private readonly int[] _offsets;       // per layer: weight_ih
        private readonly T[][] _x, _gates, _h, _c, _hh, _hn, _dGates, _dHidden;
        private readonly T[][] _dh, _dc;      // per layer: carried d h_{t}, d c_{t} [B, H]
        private T[] _dhPrev = Array.Empty<T>(), _dhDirect = Array.Empty<T>(), _dx = Array.Empty<T>();
        private int _batch, _capacitySteps, _steps;

        /// <summary>Creates the stack; its parameters start at <paramref name="parameterOffset"/>.</summary>
        public DecoderStack(CellType cell, int input, int hidden, int layers, int parameterOffset)
        {
            _cell = cell;
            _input = input;
            _hidden = hidden;
            _layers = layers;
            _width = cell.Gates() * hidden;
            _offsets = new int[layers];
            int offset = parameterOffset;
            for (int l = 0; l < layers; l++)
            {
                _offsets[l] = offset;
                offset += _width * (LayerInput(l) + hidden + 2);
            }
            ParameterCount = offset - parameterOffset;
            T[][] Jagged() { var a = new T[layers][]; for (int l = 0; l < layers; l++) a[l] = Array.Empty<T>(); return a; }
            _x = Jagged(); _gates = Jagged(); _h = Jagged(); _c = Jagged(); _hh = Jagged(); _hn = Jagged();
            _dGates = Jagged(); _dHidden = Jagged(); _dh = Jagged(); _dc = Jagged();
        }

        /// <summary>Parameters of the stack.</summary>
        public int ParameterCount { get; }

        /// <summary>Hidden units per layer.</summary>
        public int Hidden => _hidden;

        /// <summary>Stacked layers.</summary>
        public int Layers => _layers;

        private int LayerInput(int layer) => layer == 0 ? _input : _hidden;

        /// <summary>
        /// Starts a sequence of up to <paramref name="steps"/> steps for <paramref name="batch"/> rows from initial states
        /// h0 [layers][B, H] (packed as layer-major [L, B, H] in <paramref name="h0"/>); c0 = 0.
        /// </summary>
        public void Begin(int batch, int steps, ReadOnlySpan<T> h0)
        {
            _batch = batch;
            _steps = 0;
            _capacitySteps = steps;
            int h = _hidden, g = _width;
            for (int l = 0; l < _layers; l++)
            {
                Workspace.Ensure(ref _x[l], steps * batch * LayerInput(l));
                Workspace.Ensure(ref _gates[l], steps * batch * g);
                Workspace.Ensure(ref _h[l], (steps + 1) * batch * h);
                Workspace.Ensure(ref _hh[l], batch * g);
                if (_cell == CellType.Lstm) Workspace.Ensure(ref _c[l], (steps + 1) * batch * h);
                if (_cell == CellType.Gru) Workspace.Ensure(ref _hn[l], steps * batch * h);
                h0.Slice(l * batch * h, batch * h).CopyTo(_h[l]);
                if (_cell == CellType.Lstm) _c[l].AsSpan(0, batch * h).Clear();
            }
        }

        /// <summary>The top layer's h after step <paramref name="t"/> − 1 (t = 0: the initial state) [B, H].</summary>
        public ReadOnlySpan<T> TopState(int t) => _h[_layers - 1].AsSpan(t * _batch * _hidden, _batch * _hidden);

        /// <summary>Reorders the rows of the states after the last step: row r takes row <paramref name="parents"/>[r] (beam search).</summary>
        public void Reorder(ReadOnlySpan<int> parents, Span<T> scratch)
        {
            int h = _hidden, b = _batch, t = _steps;
            for (int l = 0; l < _layers; l++)
            {
                Permute(_h[l].AsSpan(t * b * h, b * h), parents, scratch, h);
                if (_cell == CellType.Lstm) Permute(_c[l].AsSpan(t * b * h, b * h), parents, scratch, h);
            }
        }

        private static void Permute(Span<T> rows, ReadOnlySpan<int> parents, Span<T> scratch, int width)
        {
            rows.CopyTo(scratch);
            for (int r = 0; r < parents.Length; r++) scratch.Slice(parents[r] * width, width).CopyTo(rows.Slice(r * width, width));
        }

        /// <summary>Step t (the next one): x [B, input] → every layer; the top h is then <see cref="TopState"/>(t + 1).</summary>
        public void Step(ReadOnlySpan<T> parameters, ReadOnlySpan<T> x)
        {
            int t = _steps, batch = _batch, h = _hidden, g = _width;
            if (t >= _capacitySteps) throw new InvalidOperationException($"The decoder was begun for {_capacitySteps} steps.");
            ReadOnlySpan<T> input = x;
            for (int l = 0; l < _layers; l++)
            {
                int n = LayerInput(l), o = _offsets[l];
                var wih = parameters.Slice(o, g * n);
                var whh = parameters.Slice(o + g * n, g * h);
                var bih = parameters.Slice(o + g * n + g * h, g);
                var bhh = parameters.Slice(o + g * n + g * h + g, g);
                var xl = _x[l].AsSpan(t * batch * n, batch * n);
                input.Slice(0, batch * n).CopyTo(xl);
                var gates = _gates[l].AsSpan(t * batch * g, batch * g);
                Gemm.MatMulTransB(xl, wih, gates, batch, g, n, accumulate: false);
                Rows.AddBias(gates, bih, batch, g);
                if (_cell != CellType.Gru) Rows.AddBias(gates, bhh, batch, g);
                var hh = _hh[l].AsSpan(0, batch * g);
                Gemm.MatMulTransB(_h[l].AsSpan(t * batch * h, batch * h), whh, hh, batch, g, h, accumulate: false);
                if (_cell == CellType.Gru) Rows.AddBias(hh, bhh, batch, g);
                for (int b = 0; b < batch; b++)
                {
                    var gate = gates.Slice(b * g, g);
                    var hPrev = _h[l].AsSpan((t * batch + b) * h, h);
                    var hOut = _h[l].AsSpan(((t + 1) * batch + b) * h, h);
                    switch (_cell)
                    {
                        case CellType.Lstm:
                            TensorPrimitives.Add<T>(gate, hh.Slice(b * g, g), gate);
                            LstmCell.Forward(gate, _c[l].AsSpan((t * batch + b) * h, h), _c[l].AsSpan(((t + 1) * batch + b) * h, h), hOut, h);
                            break;
                        case CellType.Gru:
                            GruCell.Forward(gate, hh.Slice(b * g, g), hPrev, hOut, _hn[l].AsSpan((t * batch + b) * h, h), h);
                            break;
                        default:
                            TensorPrimitives.Add<T>(gate, hh.Slice(b * g, g), gate);
                            SimpleRnnCell.Forward(gate, hOut, _cell == CellType.RnnRelu, h);
                            break;
                    }
                }
                input = _h[l].AsSpan((t + 1) * batch * h, batch * h);
            }
            _steps = t + 1;
        }

        /// <summary>Prepares the reverse sweep over the steps run: clears the carried gradients.</summary>
        public void BeginBackward()
        {
            int batch = _batch, h = _hidden, n = _steps * batch;
            for (int l = 0; l < _layers; l++)
            {
                Workspace.Ensure(ref _dGates[l], n * _width);
                if (_cell == CellType.Gru) Workspace.Ensure(ref _dHidden[l], n * _width);
                Workspace.Ensure(ref _dh[l], batch * h);
                Workspace.Ensure(ref _dc[l], batch * h);
                _dh[l].AsSpan(0, batch * h).Clear();
                _dc[l].AsSpan(0, batch * h).Clear();
            }
            Workspace.Ensure(ref _dhPrev, batch * h);
            Workspace.Ensure(ref _dhDirect, batch * h);
            Workspace.Ensure(ref _dx, batch * Math.Max(_input, h));
        }

        /// <summary>
        /// Backward through step t (call for t = steps − 1 down to 0): <paramref name="dTop"/> [B, H] is d loss / d (top h
        /// after step t) from outside the stack; writes d loss / d x_t [B, input] into <paramref name="dx"/>.
        /// </summary>
        public void BackwardStep(ReadOnlySpan<T> parameters, int t, ReadOnlySpan<T> dTop, Span<T> dx)
        {
            int batch = _batch, h = _hidden, g = _width;
            bool gru = _cell == CellType.Gru;
            for (int l = _layers - 1; l >= 0; l--)
            {
                int n = LayerInput(l), o = _offsets[l];
                var dh = _dh[l].AsSpan(0, batch * h);
                // d h_t: carried from step t + 1, plus the top's outside gradient or the layer above's input gradient.
                TensorPrimitives.Add<T>(dh, l == _layers - 1 ? dTop.Slice(0, batch * h) : _dx.AsSpan(0, batch * h), dh);
                var dGates = _dGates[l].AsSpan(t * batch * g, batch * g);
                var dHidden = gru ? _dHidden[l].AsSpan(t * batch * g, batch * g) : dGates;
                var gates = _gates[l].AsSpan(t * batch * g, batch * g);
                for (int b = 0; b < batch; b++)
                {
                    var dhRow = dh.Slice(b * h, h);
                    var dGate = dGates.Slice(b * g, g);
                    switch (_cell)
                    {
                        case CellType.Lstm:
                            LstmCell.Backward<T>(gates.Slice(b * g, g), _c[l].AsSpan((t * batch + b) * h, h), _c[l].AsSpan(((t + 1) * batch + b) * h, h),
                                dhRow, _dc[l].AsSpan(b * h, h), dGate, _dhDirect, h);
                            break;
                        case CellType.Gru:
                            GruCell.Backward<T>(gates.Slice(b * g, g), _hn[l].AsSpan((t * batch + b) * h, h), _h[l].AsSpan((t * batch + b) * h, h),
                                dhRow, dGate, dHidden.Slice(b * g, g), _dhDirect.AsSpan(b * h, h), h);
                            break;
                        default:
                            SimpleRnnCell.Backward<T>(gates.Slice(b * g, g), dhRow, dGate, _cell == CellType.RnnRelu, h);
                            break;
                    }
                }
                // d h_{t−1} = dH_t · W_hh (+ d h ⊙ z for GRU); d x_t = dG_t · W_ih.
                var whh = parameters.Slice(o + g * n, g * h);
                Gemm.MatMul(dHidden, whh, dh, batch, h, g, accumulate: false);
                if (gru) TensorPrimitives.Add<T>(dh, _dhDirect.AsSpan(0, batch * h), dh);
                var target = l == 0 ? dx : _dx.AsSpan(0, batch * n);
                Gemm.MatMul(dGates, parameters.Slice(o, g * n), target.Slice(0, batch * n), batch, n, g, accumulate: false);
            }
        }

        /// <summary>d loss / d h0 of layer <paramref name="layer"/> [B, H], after the reverse sweep reached step 0.</summary>
        public ReadOnlySpan<T> InitialStateGradient(int layer) => _dh[layer].AsSpan(0, _batch * _hidden);

        /// <summary>Adds the weight gradients of every step run: one GEMM per weight over all steps.</summary>
        public void AccumulateWeightGradients(Span<T> gradients)
        {
            int batch = _batch, h = _hidden, g = _width, rows = _steps * batch;
            for (int l = 0; l < _layers; l++)
            {
                int n = LayerInput(l), o = _offsets[l];
                var dGates = _dGates[l].AsSpan(0, rows * g);
                var dHidden = _cell == CellType.Gru ? _dHidden[l].AsSpan(0, rows * g) : dGates;
                Gemm.MatMulTransA(dGates, _x[l].AsSpan(0, rows * n), gradients.Slice(o, g * n), g, n, rows, accumulate: true);
                Gemm.MatMulTransA(dHidden, _h[l].AsSpan(0, rows * h), gradients.Slice(o + g * n, g * h), g, h, rows, accumulate: true);
                Rows.SumColumns<T>(dGates, gradients.Slice(o + g * n + g * h, g), rows, g);
                Rows.SumColumns<T>(dHidden, gradients.Slice(o + g * n + g * h + g, g), rows, g);
            }
        }
    }
}
