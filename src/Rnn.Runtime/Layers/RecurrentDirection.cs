using System;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Kernels;

namespace Rnn.Layers
{
    /// <summary>
    /// One direction of one layer of a recurrent module, run GEMM-shaped as cuDNN does: the input
    /// projection X·W_ihᵀ for every step is one GEMM before the recurrence; each step is one
    /// [B×H]·[H×gH] GEMM followed by one fused elementwise pass; backward accumulates the weight
    /// gradients with one GEMM per batch part over all steps.
    /// </summary>
    /// <remarks>
    /// Inputs and outputs are time-major: row t·B + b is step t of sequence b. Inside, the batch runs in one or two
    /// parts (<see cref="BatchParts"/>), and each part's rows form one block, step after step (see the fields). States
    /// live in T+1 slots of a part's rows: for the forward direction slot 0 is the initial state and slot t+1 the state
    /// after step t; for the reverse direction slot T is the initial state and slot t the state after step t. A step at
    /// or after a sequence's length carries the state unchanged and outputs 0, so the forward direction ends on the last
    /// valid step and the reverse direction starts there.
    /// </remarks>
    internal sealed class RecurrentDirection<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly CellType _cell;
        private readonly int _input, _hidden, _width;
        private readonly bool _reverse;
        private readonly int _wih, _whh, _bih, _bhh;
        private readonly float _recurrentDropout;

        // Rows of the per-row workspaces (gates, h, c and their gradients) lie part by part (BatchParts): the sequences
        // [b0, b1) of a part own one block of rows, step after step, row (t, b) = b0·span + t·(b1 − b0) + (b − b0), with
        // span = steps for the per-step rows and steps + 1 for the states h and c (StepRow, StateRow). Each batch chunk's
        // thread so works in a stretch of memory of its own: with the rows of both parts interleaved step by step (time-major),
        // two threads ran the recurrence 1.1–1.5× as fast as one on this machine, part by part 1.8–2×.
        // Inputs, outputs and their gradients stay time-major (row t·B + b) outside.
        private int _split;                      // the first sequence of part 1 (= batch when the batch is one part)
        private T[] _gates = Array.Empty<T>();   // [N, gH] input projection, then the gate activations
        private T[] _projection = Array.Empty<T>();  // Forward on vectors: X·W_ihᵀ + b, time-major as X; the chunks copy their rows
        private T[] _hn = Array.Empty<T>();      // GRU: [N, H] W_hn h + b_hn
        private T[] _h = Array.Empty<T>();       // [(T+1)·B, H]
        private T[] _c = Array.Empty<T>();       // LSTM: [(T+1)·B, H]
        private T[] _hh = Array.Empty<T>();      // GRU: [B, gH] W_hh h + b_hh (rows at SequenceOffset)
        private T[] _dGates = Array.Empty<T>();  // [N, gH] gradient of the input-side sums
        private TokenTable<T>? _tokenTable;      // first layer on token input: the input projection per token id
        private int[] _rowIds = Array.Empty<int>();  // the token id of every row (time-major) while a token Forward or Backward runs
        private bool _gatherRows;                // ForwardRows gathers each step's gate rows from the token table first
        private T[] _dHidden = Array.Empty<T>(); // GRU: [N, gH] gradient of the hidden-side sums
        // W_hh packed once per Forward (as W_hhᵀ for h·W_hhᵀ) and once per Backward (as W_hh for dH·W_hh) by each batch
        // chunk into its own copy (made on, and read from, its own core): every step's product then runs the GEMM
        // micro-kernel alone. Used when a chunk has at least PackedMinRows sequences.
        private const int PackedMinRows = 4;
        private readonly GemmPackedB<T>[] _whhPacked = { new(), new() };
        // Backward's per-sequence rows [B, H] (at SequenceOffset): dh, dc, dH·W_hh, and dh's direct part (GRU: dh⊙z).
        private T[] _dh = Array.Empty<T>(), _dc = Array.Empty<T>(), _dhPrev = Array.Empty<T>(), _dhDirect = Array.Empty<T>();
        // Per batch part (BatchParts): the part's share of the weight-gradient sums over the rows, made by the thread that ran
        // the part's backward sweep right after it, from rows still in its core's caches; the shares are added in part order.
        private readonly PartSums[] _partSums = { new(), new() };
        private int _sumVocabulary;  // while a token Backward runs: the vocabulary, and the parts also sum dG per token id
        // While a Backward on vectors runs (_sumInput): X, W_ih and dX (null for none; X is null too when it is empty); the
        // parts also make their shares of dW_ih and their rows of dX.
        private bool _sumInput;
        private unsafe T* _sumX, _sumWih, _sumDx;
        private int _steps, _batch;
        private int[] _lengths = Array.Empty<int>();
        private bool _full;  // every sequence valid at every step (no padding)

        // Keras' recurrent dropout: one mask per sequence on h_{t−1} where it meets W_hh, fixed over the steps.
        private T[] _recurrentMask = Array.Empty<T>();  // [B, H], 0 or 1/(1−rate)
        private T[] _hMasked = Array.Empty<T>();        // [N, H] row (t, b): h_{t−1} ⊙ mask, what W_hh read at step t
        private bool _masked;

        // Stateful training: the final state of the last Forward, the next Forward's initial state when the batch matches.
        private T[] _carryH = Array.Empty<T>(), _carryC = Array.Empty<T>();
        private int _carryBatch;

        // Streaming state (batch 1): [h | c | scratch] in one 64-byte aligned buffer (c for LSTM, the fused step's new h in
        // scratch), and the weights packed for it: group-packed for the fused step, else [W_ih | W_hh] transposed to [input + H, gH] rows.
        private readonly T[] _stepGates, _stepHh, _stepHn, _stepInput;
        private readonly AlignedBuffer<T> _packed = new(), _state = new();
        private T[] _packedBias = Array.Empty<T>(), _packedBiasHh = Array.Empty<T>();
        private int _packedVersion = -1, _packedFor = -1;  // the parameter version and the StreamingCells.Width packed for
        private bool _packedFused;

        public RecurrentDirection(CellType cell, int input, int hidden, bool reverse, int parameterOffset, float recurrentDropout = 0f)
        {
            _recurrentDropout = recurrentDropout;
            _cell = cell;
            _input = input;
            _hidden = hidden;
            _width = cell.Gates() * hidden;
            _reverse = reverse;
            _wih = parameterOffset;
            _whh = _wih + _width * input;
            _bih = _whh + _width * hidden;
            _bhh = _bih + _width;
            _state.Ensure(3 * hidden);
            _state.Span.Clear();
            _stepGates = new T[_width];
            _stepHh = new T[_width];
            _stepHn = new T[cell == CellType.Gru ? hidden : 0];
            _stepInput = new T[input + hidden];
        }

        /// <summary>Parameters of this direction: weight_ih, weight_hh, bias_ih, bias_hh.</summary>
        public int ParameterCount => _width * (_input + _hidden + 2);

        private bool Valid(int t, int b) => t < _lengths[b];

        /// <summary>The first row of step <paramref name="t"/>'s block of the part that begins at sequence <paramref name="b0"/> and has <paramref name="rows"/> sequences.</summary>
        private int StepRow(int t, int b0, int rows) => b0 * _steps + t * rows;

        /// <summary>The first row of state <paramref name="tau"/> (0 … steps) of the part that begins at <paramref name="b0"/> and has <paramref name="rows"/> sequences.</summary>
        private int StateRow(int tau, int b0, int rows) => b0 * (_steps + 1) + tau * rows;

        /// <summary>The sequences [b0, b1) of batch part <paramref name="part"/>.</summary>
        private (int B0, int B1) Part(int part) => part == 0 ? (0, _split) : (_split, _batch);

        private int Parts => _split == _batch ? 1 : 2;

        /// <summary>Whether the per-step W_hh products run over packed W_hh: the smaller part (the first) has enough rows.</summary>
        private bool UsePacked => _split >= PackedMinRows;

        // Per-sequence rows that a sweep writes at every step (dh, dc, dh_prev, the direct part of dh; GRU's W_hh h + b_hh)
        // have SequenceGap elements after each of two parts' rows, so the two chunks' threads never write next to each other
        // (with the halves adjacent, the backward sweep ran 10–20 % slower on two threads than on one).
        private const int SequenceGap = 4096;

        /// <summary>Where sequence <paramref name="b"/>'s row of <paramref name="width"/> elements starts in a per-sequence workspace.</summary>
        private int SequenceOffset(int b, int width) => b * width + (b < _split ? 0 : SequenceGap);

        /// <summary>The length of a per-sequence workspace of rows of <paramref name="width"/> elements.</summary>
        private int SequenceLength(int width) => _batch * width + (Parts == 2 ? 2 * SequenceGap : 0);

        /// <summary>Floats of carried state per sequence: h, and c for LSTM.</summary>
        public int StateSize => _cell == CellType.Lstm ? 2 * _hidden : _hidden;

        /// <summary>The batch the carried state is for; 0 when there is none.</summary>
        public int CarriedBatch => _carryBatch;

        /// <summary>Forgets the carried state: the next stateful Forward starts from zeros.</summary>
        public void ClearCarry() => _carryBatch = 0;

        /// <summary>Copies the carried state, h [B, H] then c [B, H] for LSTM, into dst.</summary>
        public void GetCarry(Span<T> dst)
        {
            int size = _carryBatch * _hidden;
            _carryH.AsSpan(0, size).CopyTo(dst);
            if (_cell == CellType.Lstm) _carryC.AsSpan(0, size).CopyTo(dst.Slice(size));
        }

        /// <summary>Sets the carried state from src laid out as <see cref="GetCarry"/> writes it.</summary>
        public void SetCarry(ReadOnlySpan<T> src, int batch)
        {
            int size = batch * _hidden;
            Workspace.Ensure(ref _carryH, size);
            src.Slice(0, size).CopyTo(_carryH);
            if (_cell == CellType.Lstm)
            {
                Workspace.Ensure(ref _carryC, size);
                src.Slice(size, size).CopyTo(_carryC);
            }
            _carryBatch = batch;
        }

        /// <summary>
        /// Runs the direction over x [steps·batch, input] (time-major). With <paramref name="carry"/> the initial state is
        /// the final state of the previous carrying Forward when its batch was the same (zeros otherwise), and this
        /// Forward's final state is kept for the next; gradients do not flow into the carried state (truncated BPTT).
        /// With a <paramref name="random"/> source, recurrent dropout is drawn and applied (training).
        /// </summary>
        public void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> x, int steps, int batch, ReadOnlySpan<int> lengths,
            bool carry = false, RandomSource? random = null)
        {
            Begin(steps, batch, lengths);
            int n = steps * batch, g = _width;
            // Input projection for all steps at once: G = X·W_ihᵀ + b_ih (+ b_hh, except GRU's which stays apart for r⊙(W_hn h + b_hn)),
            // time-major as X; each chunk copies its rows into its gate block step by step (ForwardRows).
            Workspace.Ensure(ref _projection, n * g);
            var projection = _projection.AsSpan(0, n * g);
            Gemm.MatMulTransB(x, parameters.Slice(_wih, g * _input), projection, n, g, _input, accumulate: false);
            Rows.AddBias(projection, parameters.Slice(_bih, g), n, g);
            if (_cell != CellType.Gru) Rows.AddBias(projection, parameters.Slice(_bhh, g), n, g);
            Recur(parameters, carry, random);
        }

        /// <summary>
        /// <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, ReadOnlySpan{int}, bool, RandomSource?)"/> on token
        /// input, <paramref name="ids"/> [steps·batch] time-major and checked: the input projection of every id once
        /// (<see cref="TokenTable{T}"/>), then its rows gathered; the gates are bit-identical to the projection of the token vectors.
        /// </summary>
        public void Forward(ReadOnlySpan<T> parameters, TokenBatch tokens, ReadOnlySpan<int> ids, int steps, int batch, ReadOnlySpan<int> lengths,
            bool carry = false, RandomSource? random = null)
        {
            if (tokens.Dim != _input) throw new ArgumentException($"The tokens' vectors have {tokens.Dim} features; this layer reads {_input}.", nameof(tokens));
            Begin(steps, batch, lengths);
            int n = steps * batch, g = _width;
            _tokenTable ??= new TokenTable<T>();
            _tokenTable.Project(parameters, tokens, parameters.Slice(_wih, g * _input), parameters.Slice(_bih, g),
                _cell != CellType.Gru ? parameters.Slice(_bhh, g) : default, g, n);
            // The rows are gathered step by step inside the recurrence (ForwardRows): on the kernel threads, each chunk its
            // own rows, right before the step's W_hh product adds to them.
            Workspace.Ensure(ref _rowIds, n);
            ids.Slice(0, n).CopyTo(_rowIds);
            _gatherRows = true;
            try
            {
                Recur(parameters, carry, random);
            }
            finally
            {
                _gatherRows = false;
            }
        }

        /// <summary>Sizes the workspaces for a Forward and takes the lengths.</summary>
        private void Begin(int steps, int batch, ReadOnlySpan<int> lengths)
        {
            int n = steps * batch, h = _hidden, g = _width;
            _steps = steps;
            _batch = batch;
            _split = BatchParts.Count(batch) == 1 ? batch : BatchParts.Range(0, 2, batch).B1;
            Workspace.Ensure(ref _lengths, batch);
            _full = true;
            for (int b = 0; b < batch; b++)
            {
                _lengths[b] = lengths.IsEmpty ? steps : lengths[b];
                _full &= _lengths[b] >= steps;
            }
            Workspace.Ensure(ref _gates, n * g);
            Workspace.Ensure(ref _h, (n + batch) * h);
            if (_cell == CellType.Lstm) Workspace.Ensure(ref _c, (n + batch) * h);
            if (_cell == CellType.Gru)
            {
                Workspace.Ensure(ref _hn, n * h);
                Workspace.Ensure(ref _hh, SequenceLength(g));
            }
        }

        /// <summary>The recurrence of a Forward whose input projection is in the gates: initial state, masks, every step.</summary>
        private void Recur(ReadOnlySpan<T> parameters, bool carry, RandomSource? random)
        {
            int steps = _steps, batch = _batch, n = steps * batch, h = _hidden, g = _width;
            var whh = parameters.Slice(_whh, g * h);
            var bhh = parameters.Slice(_bhh, g);

            int initial = _reverse ? steps : 0;
            for (int part = 0; part < Parts; part++)
            {
                var (b0, b1) = Part(part);
                int rows = b1 - b0, first = StateRow(initial, b0, rows);
                var h0 = _h.AsSpan(first * h, rows * h);
                var c0 = _cell == CellType.Lstm ? _c.AsSpan(first * h, rows * h) : default;
                if (carry && _carryBatch == batch)
                {
                    _carryH.AsSpan(b0 * h, rows * h).CopyTo(h0);
                    if (!c0.IsEmpty) _carryC.AsSpan(b0 * h, rows * h).CopyTo(c0);
                }
                else
                {
                    h0.Clear();
                    c0.Clear();
                }
            }

            _masked = random is not null && _recurrentDropout > 0f;
            if (_masked)
            {
                Workspace.Ensure(ref _recurrentMask, batch * h);
                Workspace.Ensure(ref _hMasked, n * h);
                Dropout.Fill<T>(_recurrentMask.AsSpan(0, batch * h), _recurrentDropout, random!);
            }

            BatchChunks.Run(this, forward: true, whh, bhh, default, 0, 0);
            if (carry) KeepFinalState();
        }

        /// <summary>The recurrence of a Forward for the sequences [b0, b1) of one part: every step's W_hh GEMM and cell update.</summary>
        private void ForwardRows(ReadOnlySpan<T> whh, ReadOnlySpan<T> bhh, int b0, int b1)
        {
            int steps = _steps, batch = _batch, h = _hidden, g = _width, rows = b1 - b0;
            var packed = _whhPacked[b0 < _split ? 0 : 1];
            if (UsePacked) Gemm.PackBTransposed(whh, g, h, packed);
            var gates = _gates.AsSpan(0, steps * batch * g);
            for (int s = 0; s < steps; s++)
            {
                int t = _reverse ? steps - 1 - s : s;
                int row = StepRow(t, b0, rows), prev = StateRow(_reverse ? t + 1 : t, b0, rows), cur = StateRow(_reverse ? t : t + 1, b0, rows);
                // The step's block of gate rows: the input projection of its rows (time-major t·B + b outside).
                var block = gates.Slice(row * g, rows * g);
                if (_gatherRows) _tokenTable!.Gather(_rowIds.AsSpan(t * batch + b0, rows), block, g);
                else _projection.AsSpan((t * batch + b0) * g, rows * g).CopyTo(block);
                ReadOnlySpan<T> hIn = _h.AsSpan(prev * h, rows * h);
                if (_masked)
                {
                    var hm = _hMasked.AsSpan(row * h, rows * h);
                    TensorPrimitives.Multiply<T>(hIn, _recurrentMask.AsSpan(b0 * h, rows * h), hm);
                    hIn = hm;
                }
                if (_cell == CellType.Gru)
                {
                    var hh = _hh.AsSpan(SequenceOffset(b0, g), rows * g);
                    HhProduct(whh, packed, hIn, hh, rows, accumulate: false);
                    Rows.AddBias(hh, bhh, rows, g);
                }
                else
                {
                    // The block is contiguous: W_hh h adds straight into it (the GEMM adds its finished sum to C, the same
                    // float addition as a separate pass would make).
                    HhProduct(whh, packed, hIn, block, rows, accumulate: true);
                }
                for (int i = 0; i < rows; i++)
                {
                    int b = b0 + i;
                    var hPrev = _h.AsSpan((prev + i) * h, h);
                    var hOut = _h.AsSpan((cur + i) * h, h);
                    if (!Valid(t, b))
                    {
                        hPrev.CopyTo(hOut);
                        if (_cell == CellType.Lstm) _c.AsSpan((prev + i) * h, h).CopyTo(_c.AsSpan((cur + i) * h, h));
                        continue;
                    }
                    var gate = gates.Slice((row + i) * g, g);
                    switch (_cell)
                    {
                        case CellType.Lstm:
                            LstmCell.Forward(gate, _c.AsSpan((prev + i) * h, h), _c.AsSpan((cur + i) * h, h), hOut, h);
                            break;
                        case CellType.Gru:
                            GruCell.Forward(gate, _hh.AsSpan(SequenceOffset(b, g), g), hPrev, hOut, _hn.AsSpan((row + i) * h, h), h);
                            break;
                        default:
                            SimpleRnnCell.Forward(gate, hOut, _cell == CellType.RnnRelu, h);
                            break;
                    }
                }
            }
        }

        /// <summary>The reverse sweep of a Backward for the sequences [b0, b1) of one part: cell backward and dh_prev = dH_t·W_hh per step.</summary>
        private void BackwardRows(ReadOnlySpan<T> whh, ReadOnlySpan<T> dOut, int dOutStride, int dOutOffset, int b0, int b1)
        {
            int steps = _steps, batch = _batch, n = steps * batch, h = _hidden, g = _width, rows = b1 - b0;
            var packed = _whhPacked[b0 < _split ? 0 : 1];
            if (UsePacked) Gemm.PackB(whh, h, g, packed);
            bool gru = _cell == CellType.Gru;
            var dGates = _dGates.AsSpan(0, n * g);
            var dHidden = gru ? _dHidden.AsSpan(0, n * g) : dGates;
            var dh = _dh.AsSpan(0, SequenceLength(h));
            var dc = _dc.AsSpan(0, SequenceLength(h));
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = _reverse ? steps - 1 - s : s;
                int row = StepRow(t, b0, rows), prev = StateRow(_reverse ? t + 1 : t, b0, rows), cur = StateRow(_reverse ? t : t + 1, b0, rows);
                for (int i = 0; i < rows; i++)
                {
                    int b = b0 + i, r = row + i;
                    var dGate = dGates.Slice(r * g, g);
                    if (!Valid(t, b))
                    {
                        dGate.Clear();
                        if (gru) dHidden.Slice(r * g, g).Clear();
                        continue;
                    }
                    var dhRow = dh.Slice(SequenceOffset(b, h), h);
                    if (!dOut.IsEmpty) Add(dhRow, dOut.Slice((t * batch + b) * dOutStride + dOutOffset, h));
                    var gate = _gates.AsSpan(r * g, g);
                    switch (_cell)
                    {
                        case CellType.Lstm:
                            LstmCell.Backward<T>(gate, _c.AsSpan((prev + i) * h, h), _c.AsSpan((cur + i) * h, h), dhRow,
                                dc.Slice(SequenceOffset(b, h), h), dGate, _dhDirect.AsSpan(SequenceOffset(b, h), h), h);
                            break;
                        case CellType.Gru:
                            GruCell.Backward<T>(gate, _hn.AsSpan(r * h, h), _h.AsSpan((prev + i) * h, h), dhRow, dGate,
                                dHidden.Slice(r * g, g), _dhDirect.AsSpan(SequenceOffset(b, h), h), h);
                            break;
                        default:
                            SimpleRnnCell.Backward<T>(gate, dhRow, dGate, _cell == CellType.RnnRelu, h);
                            break;
                    }
                }
                // dh_prev = dH_t · W_hh (+ dh⊙z for GRU); padded sequences carry dh unchanged.
                if (_full && !_masked)
                {
                    // Every sequence is valid at every step: the product goes straight into dh (GRU: dh⊙z is there first
                    // and the GEMM adds its finished sum to it, the same addition as below).
                    var dhRows = dh.Slice(SequenceOffset(b0, h), rows * h);
                    if (gru) _dhDirect.AsSpan(SequenceOffset(b0, h), rows * h).CopyTo(dhRows);
                    DhProduct(whh, packed, dHidden.Slice(row * g, rows * g), dhRows, rows, accumulate: gru);
                    continue;
                }
                var dhPrev = _dhPrev.AsSpan(SequenceOffset(b0, h), rows * h);
                DhProduct(whh, packed, dHidden.Slice(row * g, rows * g), dhPrev, rows, accumulate: false);
                for (int b = b0; b < b1; b++)
                {
                    if (!Valid(t, b)) continue;
                    var dst = dh.Slice(SequenceOffset(b, h), h);
                    var src = _dhPrev.AsSpan(SequenceOffset(b, h), h);
                    if (_masked) TensorPrimitives.Multiply<T>(src, _recurrentMask.AsSpan(b * h, h), dst);
                    else src.CopyTo(dst);
                    if (gru) Add(dst, _dhDirect.AsSpan(SequenceOffset(b, h), h));
                }
            }
        }

        /// <summary>h [rows, H] · W_hhᵀ into dst [rows, gH] (added to it when <paramref name="accumulate"/>).</summary>
        private void HhProduct(ReadOnlySpan<T> whh, GemmPackedB<T> packed, ReadOnlySpan<T> h, Span<T> dst, int rows, bool accumulate)
        {
            if (UsePacked) Gemm.MatMulPacked(h, packed, dst, rows, accumulate);
            else Gemm.MatMulTransB(h, whh, dst, rows, _width, _hidden, accumulate);
        }

        /// <summary>dH_t [rows, gH] · W_hh [gH, H] into dst (added to it when <paramref name="accumulate"/>).</summary>
        private void DhProduct(ReadOnlySpan<T> whh, GemmPackedB<T> packed, ReadOnlySpan<T> dHidden, Span<T> dst, int rows, bool accumulate)
        {
            if (UsePacked) Gemm.MatMulPacked(dHidden, packed, dst, rows, accumulate);
            else Gemm.MatMul(dHidden, whh, dst, rows, _hidden, _width, accumulate);
        }

        /// <summary>
        /// Runs the recurrence (forward or backward) over the batch in fixed chunks of sequences, the chunks in parallel
        /// on the kernel threads. The chunks depend only on the batch size, never on the thread count, and every chunk
        /// is computed whole by one thread with the same code, so results are bit-identical for any thread count.
        /// </summary>
        private sealed unsafe class BatchChunks : KernelJob
        {
            [ThreadStatic] private static BatchChunks? t_job;
            private RecurrentDirection<T> _owner = null!;
            private bool _forward;
            private T* _whh, _bhh, _dOut;
            private int _whhLength, _bhhLength, _dOutLength, _dOutStride, _dOutOffset;

            /// <summary>Runs the owner's parts (<see cref="Parts"/>; one runs here, outside any job, so its GEMMs may still fork).</summary>
            public static void Run(RecurrentDirection<T> owner, bool forward, ReadOnlySpan<T> whh, ReadOnlySpan<T> bhh,
                ReadOnlySpan<T> dOut, int dOutStride, int dOutOffset)
            {
                fixed (T* w = whh, bias = bhh, d = dOut)
                {
                    var job = t_job ??= new BatchChunks();
                    job._owner = owner;
                    job._forward = forward;
                    job._whh = w;
                    job._whhLength = whh.Length;
                    job._bhh = bias;
                    job._bhhLength = bhh.Length;
                    job._dOut = d;
                    job._dOutLength = dOut.Length;
                    job._dOutStride = dOutStride;
                    job._dOutOffset = dOutOffset;
                    try
                    {
                        KernelParallel.RunParts(job, owner.Parts);
                    }
                    finally
                    {
                        job._owner = null!;
                        job._whh = job._bhh = job._dOut = null;
                    }
                }
            }

            public override void RunPart(int part)
            {
                var (b0, b1) = _owner.Part(part);
                var whh = new ReadOnlySpan<T>(_whh, _whhLength);
                if (_forward) _owner.ForwardRows(whh, new ReadOnlySpan<T>(_bhh, _bhhLength), b0, b1);
                else
                {
                    _owner.BackwardRows(whh, new ReadOnlySpan<T>(_dOut, _dOutLength), _dOutStride, _dOutOffset, b0, b1);
                    _owner.SumRows(part, b0, b1);
                }
            }
        }

        private void KeepFinalState()
        {
            int size = _batch * _hidden;
            Workspace.Ensure(ref _carryH, size);
            CopyFinalState(_h, _carryH, _hidden, 0);
            if (_cell == CellType.Lstm)
            {
                Workspace.Ensure(ref _carryC, size);
                CopyFinalState(_c, _carryC, _hidden, 0);
            }
            _carryBatch = _batch;
        }

        /// <summary>
        /// Writes the final state [B, H] into dst rows (stride, offset): h after the last valid step (forward) or after
        /// step 0 (reverse).
        /// </summary>
        public void CopyFinalState(Span<T> dst, int stride, int offset) => CopyFinalState(_h, dst, stride, offset);

        /// <summary>The final rows of a state (h or c) into dst rows b·stride + offset.</summary>
        private void CopyFinalState(ReadOnlySpan<T> state, Span<T> dst, int stride, int offset)
        {
            int h = _hidden, final = _reverse ? 0 : _steps;
            for (int part = 0; part < Parts; part++)
            {
                var (b0, b1) = Part(part);
                int first = StateRow(final, b0, b1 - b0);
                for (int b = b0; b < b1; b++) state.Slice((first + b - b0) * h, h).CopyTo(dst.Slice(b * stride + offset, h));
            }
        }

        /// <summary>Writes the outputs h_t into dst rows (stride, offset), 0 at padding.</summary>
        public unsafe void CopyOutput(Span<T> dst, int stride, int offset)
        {
            int h = _hidden, batch = _batch, parts = Parts;
            long rows = (long)_steps * batch;
            if (rows > 0) KernelChecks.Length(dst.Length, (rows - 1) * stride + offset + h, nameof(dst));
            if (parts == 1 || rows * h < OutputJob.ParallelMin)
            {
                for (int part = 0; part < parts; part++)
                {
                    var (b0, b1) = Part(part);
                    CopyOutputRows(dst, stride, offset, b0, b1);
                }
                return;
            }
            // In the batch chunks' halves, each on the thread whose chunk wrote the rows.
            fixed (T* d = dst)
            {
                var job = OutputJob.Instance ??= new OutputJob();
                job.Dst = d;
                (job.Owner, job.Length, job.Stride, job.Offset, job.Parts) = (this, dst.Length, stride, offset, parts);
                try
                {
                    KernelParallel.RunParts(job, parts);
                }
                finally
                {
                    job.Owner = null!;
                    job.Dst = null;
                }
            }
        }

        /// <summary>The output rows of the sequences [b0, b1) of one part: h_t, 0 at padding.</summary>
        private void CopyOutputRows(Span<T> dst, int stride, int offset, int b0, int b1)
        {
            int h = _hidden, batch = _batch, rows = b1 - b0;
            for (int t = 0; t < _steps; t++)
            {
                int cur = StateRow(_reverse ? t : t + 1, b0, rows);
                for (int b = b0; b < b1; b++)
                {
                    var target = dst.Slice((t * batch + b) * stride + offset, h);
                    if (Valid(t, b)) _h.AsSpan((cur + b - b0) * h, h).CopyTo(target);
                    else target.Clear();
                }
            }
        }

        private sealed unsafe class OutputJob : KernelJob
        {
            public const int ParallelMin = 1 << 15;
            [ThreadStatic] public static OutputJob? Instance;
            public RecurrentDirection<T> Owner = null!;
            public T* Dst;
            public int Length, Stride, Offset, Parts;

            public override void RunPart(int part)
            {
                var (b0, b1) = Owner.Part(part);
                Owner.CopyOutputRows(new Span<T>(Dst, Length), Stride, Offset, b0, b1);
            }
        }

        /// <summary>
        /// Backpropagation through time. dOut holds d loss / d output rows (stride, offset; empty for none),
        /// dFinal d loss / d final state [B, H] (empty for none). Adds into the parameter gradients and into dx
        /// [steps·batch, input] when dx is not empty.
        /// </summary>
        public unsafe void Backward(ReadOnlySpan<T> parameters, Span<T> gradients, ReadOnlySpan<T> x,
            ReadOnlySpan<T> dOut, int dOutStride, int dOutOffset, ReadOnlySpan<T> dFinal, Span<T> dx)
        {
            int n = _steps * _batch, g = _width, input = _input;
            KernelChecks.Length(x.Length, (long)n * input, nameof(x));
            if (!dx.IsEmpty) KernelChecks.Length(dx.Length, (long)n * input, nameof(dx));
            fixed (T* xp = x, wp = parameters.Slice(_wih, g * input), dxp = dx)
            {
                _sumInput = true;
                _sumX = xp;
                _sumWih = wp;
                _sumDx = dx.IsEmpty ? null : dxp;
                try
                {
                    BackwardThroughTime(parameters, gradients, dOut, dOutStride, dOutOffset, dFinal);
                }
                finally
                {
                    _sumInput = false;
                    _sumX = _sumWih = _sumDx = null;
                }
            }
            var gWih = gradients.Slice(_wih, g * input);
            for (int part = 0; part < Parts; part++) TensorPrimitives.Add<T>(gWih, _partSums[part].Wih.AsSpan(0, g * input), gWih);
        }

        /// <summary>
        /// Backward after the token <see cref="Forward(ReadOnlySpan{T}, TokenBatch, ReadOnlySpan{int}, int, int, ReadOnlySpan{int}, bool, RandomSource?)"/>
        /// on the same tokens: the gradients of W_ih and of the embedding come from the gate gradients summed per token id.
        /// </summary>
        public void Backward(ReadOnlySpan<T> parameters, Span<T> gradients, TokenBatch tokens, ReadOnlySpan<int> ids,
            ReadOnlySpan<T> dOut, int dOutStride, int dOutOffset, ReadOnlySpan<T> dFinal)
        {
            if (_tokenTable is null) throw new InvalidOperationException("Backward on tokens follows a Forward on tokens.");
            int n = _steps * _batch, g = _width, v = tokens.Vocabulary;
            Workspace.Ensure(ref _rowIds, n);
            ids.Slice(0, n).CopyTo(_rowIds);
            _sumVocabulary = v;
            try
            {
                BackwardThroughTime(parameters, gradients, dOut, dOutStride, dOutOffset, dFinal);
            }
            finally
            {
                _sumVocabulary = 0;
            }
            // S = the parts' per-id sums, added in part order; then dW_ih and dE from S.
            var sums = _partSums[0].TokenSums.AsSpan(0, v * g);
            for (int part = 1; part < Parts; part++) TensorPrimitives.Add<T>(sums, _partSums[part].TokenSums.AsSpan(0, v * g), sums);
            TokenTable<T>.Backward(parameters, gradients, tokens, sums, g, _wih);
        }

        /// <summary>The reverse sweep and the gradients of W_hh and both biases; leaves the gate gradients in _dGates.</summary>
        private void BackwardThroughTime(ReadOnlySpan<T> parameters, Span<T> gradients,
            ReadOnlySpan<T> dOut, int dOutStride, int dOutOffset, ReadOnlySpan<T> dFinal)
        {
            int steps = _steps, batch = _batch, n = steps * batch, h = _hidden, g = _width;
            bool gru = _cell == CellType.Gru;
            Workspace.Ensure(ref _dGates, n * g);
            if (gru) Workspace.Ensure(ref _dHidden, n * g);
            Workspace.Ensure(ref _dh, SequenceLength(h));
            Workspace.Ensure(ref _dc, SequenceLength(h));
            Workspace.Ensure(ref _dhPrev, SequenceLength(h));
            Workspace.Ensure(ref _dhDirect, SequenceLength(h));
            var dGates = _dGates.AsSpan(0, n * g);
            var dHidden = gru ? _dHidden.AsSpan(0, n * g) : dGates;
            var dh = _dh.AsSpan(0, SequenceLength(h));
            var dc = _dc.AsSpan(0, SequenceLength(h));
            dh.Clear();
            if (!dFinal.IsEmpty) for (int b = 0; b < batch; b++) dFinal.Slice(b * h, h).CopyTo(dh.Slice(SequenceOffset(b, h), h));
            dc.Clear();

            var whh = parameters.Slice(_whh, g * h);
            BatchChunks.Run(this, forward: false, whh, default, dOut, dOutStride, dOutOffset);

            // The parts' shares of dW_hh and of both bias gradients (W_ih's: by the caller, from X or per token id).
            var gWhh = gradients.Slice(_whh, g * h);
            var gBih = gradients.Slice(_bih, g);
            var gBhh = gradients.Slice(_bhh, g);
            for (int part = 0; part < Parts; part++)
            {
                var share = _partSums[part];
                TensorPrimitives.Add<T>(gWhh, share.Whh.AsSpan(0, g * h), gWhh);
                TensorPrimitives.Add<T>(gBih, share.Bih.AsSpan(0, g), gBih);
                TensorPrimitives.Add<T>(gBhh, (gru ? share.Bhh : share.Bih).AsSpan(0, g), gBhh);
            }
        }

        /// <summary>
        /// The share of sequences [b0, b1) (part <paramref name="part"/>) of the sums over all rows that the weight gradients
        /// need: Σ dHᵀ·h_prev (dW_hh), Σ dG (b_ih), Σ dH (b_hh; for LSTM and the simple RNN dH = dG) and, on token input,
        /// Σ dG per token id; on vector input also its share of dW_ih and its rows of dX (<see cref="InputRows"/>). The part's
        /// rows are one block (step after step), so dW_hh is one GEMM over steps·rows. Every share is written, zero when
        /// there are no rows.
        /// </summary>
        private unsafe void SumRows(int part, int b0, int b1)
        {
            int steps = _steps, batch = _batch, rows = b1 - b0, k = steps * rows, h = _hidden, g = _width;
            bool gru = _cell == CellType.Gru;
            var share = _partSums[part];
            Workspace.Ensure(ref share.Whh, g * h);
            Workspace.Ensure(ref share.Bih, g);
            Workspace.Ensure(ref share.Bhh, g);
            // The part's rows are one block, step after step: dG, dH and the h_prev W_hh read (h_t for the forward
            // direction, h_{t+1} for the reverse one, or their masked copies).
            int first = StepRow(0, b0, rows);
            var dGates = _dGates.AsSpan(first * g, k * g);
            var dHidden = gru ? _dHidden.AsSpan(first * g, k * g) : dGates;
            var hPrev = _masked ? _hMasked.AsSpan(first * h, k * h) : _h.AsSpan(StateRow(_reverse ? 1 : 0, b0, rows) * h, k * h);
            var bih = share.Bih.AsSpan(0, g);
            var bhh = share.Bhh.AsSpan(0, g);
            bih.Clear();
            bhh.Clear();
            Rows.SumColumns<T>(dGates, bih, k, g);
            if (gru) Rows.SumColumns<T>(dHidden, bhh, k, g);
            if (_sumVocabulary > 0)
            {
                Workspace.Ensure(ref share.TokenSums, _sumVocabulary * g);
                var tokenSums = share.TokenSums.AsSpan(0, _sumVocabulary * g);
                tokenSums.Clear();
                for (int t = 0; t < steps; t++)
                    TokenTable<T>.AddToSums(_rowIds.AsSpan(t * batch + b0, rows), dGates.Slice(t * rows * g, rows * g), g, tokenSums);
            }
            Gemm.MatMulTransA(dHidden, hPrev, share.Whh.AsSpan(0, g * h), g, h, k, accumulate: false);
            if (_sumInput) InputRows(share, b0, rows, dGates);
        }

        /// <summary>
        /// On vector input, a part's share of dW_ih = dGᵀ·X over its rows (X's rows of the part copied together first) and
        /// its rows of dX += dG·W_ih.
        /// </summary>
        private unsafe void InputRows(PartSums share, int b0, int rows, ReadOnlySpan<T> dGates)
        {
            int steps = _steps, batch = _batch, k = steps * rows, g = _width, input = _input;
            Workspace.Ensure(ref share.InputRows, k * input);
            Workspace.Ensure(ref share.Wih, g * input);
            var xRows = share.InputRows.AsSpan(0, k * input);
            for (int t = 0; t < steps; t++) new ReadOnlySpan<T>(_sumX + (t * batch + b0) * input, rows * input).CopyTo(xRows.Slice(t * rows * input));
            Gemm.MatMulTransA(dGates, xRows, share.Wih.AsSpan(0, g * input), g, input, k, accumulate: false);
            if (_sumDx == null || k == 0) return;
            // dX's rows of the part: the product for all of them (into the same scratch), then added step by step.
            Gemm.MatMul(dGates, new ReadOnlySpan<T>(_sumWih, g * input), xRows, k, input, g, accumulate: false);
            for (int t = 0; t < steps; t++)
            {
                var target = new Span<T>(_sumDx + (t * batch + b0) * input, rows * input);
                TensorPrimitives.Add<T>(target, xRows.Slice(t * rows * input, rows * input), target);
            }
        }

        /// <summary>One batch part's share of the weight-gradient sums (<see cref="SumRows"/>) and its workspaces.</summary>
        private sealed class PartSums
        {
            public T[] Whh = Array.Empty<T>();         // Σ dHᵀ·h_prev [gH, H]
            public T[] Bih = Array.Empty<T>();         // Σ dG [gH]
            public T[] Bhh = Array.Empty<T>();         // GRU: Σ dH [gH]
            public T[] TokenSums = Array.Empty<T>();   // token input: Σ dG per token id [V, gH]
            public T[] InputRows = Array.Empty<T>();   // vector input: the part's rows of X, then of its dX [steps·rows, input]
            public T[] Wih = Array.Empty<T>();         // vector input: Σ dGᵀ·X [gH, input]
        }

        /// <summary>
        /// Streaming: one step for one sequence, the state carried from call to call. Returns h' [H] (the state itself, valid
        /// until the next Step or ResetState). The weights are
        /// read from a copy packed for batch 1, repacked from <paramref name="parameters"/> whenever
        /// <paramref name="version"/> differs from the last call's (the model counts its parameter changes).
        /// </summary>
        // Fully optimised from the first call: the streaming path reaches its steady state at once instead of after
        // tiered compilation has caught up (measured: W1 Step at 1.3 µs for the first second, 0.7 µs after).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public ReadOnlySpan<T> Step(ReadOnlySpan<T> parameters, int version, ReadOnlySpan<T> x)
        {
            int h = _hidden, g = _width, n = _input;
            if (version != _packedVersion || StreamingCells.Width != _packedFor) Pack(parameters, version);
            var stateH = _state.Span.Slice(0, h);
            if (_packedFused)
            {
                // One pass per group of units over the group-packed [W_ih | W_hh]: gate sums and the cell update in registers,
                // x and h read where they are, the new h written to the state.
                var state = Floats(_state.Span);
                if (_cell == CellType.Lstm) StreamingCells.Lstm(Floats((ReadOnlySpan<T>)_packed.Span), Floats(x), n, h, state.Slice(h, h), state.Slice(0, h), state.Slice(2 * h, h));
                else StreamingCells.Gru(Floats((ReadOnlySpan<T>)_packed.Span), Floats(x), n, h, state.Slice(0, h), state.Slice(2 * h, h));
                return stateH;
            }
            if (_cell == CellType.Gru)
            {
                // r and z take W_ih x + W_hh h; n needs W_hn h + b_hn apart: two sums.
                StreamingGates.Sums<T>(_packed.Span, n, g, _packedBias, x, _stepGates);
                StreamingGates.Sums<T>(_packed.Span.Slice(n * g), h, g, _packedBiasHh, stateH, _stepHh);
                GruCell.Forward(_stepGates, _stepHh, stateH, stateH, _stepHn, h);
            }
            else
            {
                // v = [x; h]: one sum over it with b_ih + b_hh.
                x.Slice(0, n).CopyTo(_stepInput);
                stateH.CopyTo(_stepInput.AsSpan(n));
                StreamingGates.Sums<T>(_packed.Span, n + h, g, _packedBias, _stepInput, _stepGates);
                if (_cell == CellType.Lstm) LstmCell.Forward(_stepGates, _state.Span.Slice(h, h), _state.Span.Slice(h, h), stateH, h);
                else SimpleRnnCell.Forward(_stepGates, stateH, _cell == CellType.RnnRelu, h);
            }
            return stateH;
        }

        /// <summary>
        /// Packs the weights for <see cref="Step"/>: group by group for the fused float LSTM/GRU step when it applies
        /// (<see cref="StreamingCells"/>), otherwise W_ih and W_hh column by column into [input + H, gH] rows, and the biases.
        /// </summary>
        private void Pack(ReadOnlySpan<T> parameters, int version)
        {
            int h = _hidden, g = _width, n = _input;
            _packedVersion = version;
            _packedFor = StreamingCells.Width;
            _packedFused = typeof(T) == typeof(float) && _cell is CellType.Lstm or CellType.Gru && StreamingCells.Applies(h);
            if (_packedFused)
            {
                var p = Floats(parameters);
                bool lstm = _cell == CellType.Lstm;
                _packed.Ensure(lstm ? StreamingCells.LstmSize(n, h) : StreamingCells.GruSize(n, h));
                if (lstm) StreamingCells.PackLstm(p.Slice(_wih, g * n), p.Slice(_whh, g * h), p.Slice(_bih, g), p.Slice(_bhh, g), n, h, Floats(_packed.Span));
                else StreamingCells.PackGru(p.Slice(_wih, g * n), p.Slice(_whh, g * h), p.Slice(_bih, g), p.Slice(_bhh, g), n, h, Floats(_packed.Span));
                return;
            }
            _packed.Ensure((n + h) * g);
            var packed = _packed.Span;
            Workspace.Ensure(ref _packedBias, g);
            var wih = parameters.Slice(_wih, g * n);
            var whh = parameters.Slice(_whh, g * h);
            for (int j = 0; j < g; j++)
            {
                for (int k = 0; k < n; k++) packed[k * g + j] = wih[j * n + k];
                for (int k = 0; k < h; k++) packed[(n + k) * g + j] = whh[j * h + k];
            }
            var bih = parameters.Slice(_bih, g);
            var bhh = parameters.Slice(_bhh, g);
            if (_cell == CellType.Gru)
            {
                Workspace.Ensure(ref _packedBiasHh, g);
                bih.CopyTo(_packedBias);
                bhh.CopyTo(_packedBiasHh);
            }
            else
            {
                TensorPrimitives.Add<T>(bih, bhh, _packedBias);
            }
        }

        /// <summary>Clears the streaming state.</summary>
        public void ResetState()
        {
            _state.Span.Clear();
        }

        private static Span<float> Floats(Span<T> values) => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);

        private static ReadOnlySpan<float> Floats(ReadOnlySpan<T> values) => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);

        private static void Add(Span<T> dst, ReadOnlySpan<T> src) => TensorPrimitives.Add<T>(dst, src.Slice(0, dst.Length), dst);
    }
}
