using System;
using System.Numerics;

namespace Rnn.Layers
{
    /// <summary>
    /// A recurrent module as PyTorch's nn.RNN/LSTM/GRU: <c>layers</c> stacked layers of one or two
    /// directions. Layer k &gt; 0 reads [forward ‖ reverse] of layer k−1; the top layer's directions are
    /// merged as Keras' Bidirectional merge_mode says (concat, sum, mul, average).
    /// </summary>
    /// <remarks>Parameters are read from one flat block starting at the offset given, in PyTorch's state_dict order.</remarks>
    public sealed class RecurrentBlock<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly RecurrentDirection<T>[] _cells;   // [layer·D + d]
        private readonly int _input, _hidden, _layers, _directions;
        private readonly Merge _merge;
        private readonly float _dropout;
        private readonly T[][] _betweenMask;  // dropout masks on the outputs of layer l < L−1
        private bool _betweenMasked;
        private readonly T[][] _between;    // outputs of layer l < L−1, [N, D·H]
        private readonly T[][] _dBetween;   // their gradients
        private readonly T[][] _dTop;       // per direction: gradient of the top layer's outputs [N, H]
        private readonly T[][] _dFinal;     // per direction: gradient of the final state [B, H]
        private T[] _mergeScratch = Array.Empty<T>();
        private int _steps, _batch;
        // Token input: the ids time-major (row t·B + b); without tables, the token vectors [N, input] and their gradients.
        private int[] _ids = Array.Empty<int>();
        private T[] _tokenX = Array.Empty<T>(), _tokenDx = Array.Empty<T>();
        private bool _tokenForward;

        /// <summary>Creates the module; its parameters start at <paramref name="parameterOffset"/> in the model's block.</summary>
        /// <param name="dropout">PyTorch's dropout: on the outputs of every layer but the last, while training.</param>
        /// <param name="recurrentDropout">Keras' recurrent_dropout: on h_{t−1} where it meets W_hh, one mask per sequence, while training.</param>
        public RecurrentBlock(CellType cell, int input, int hidden, int layers, int directions, Merge merge, int parameterOffset,
            float dropout = 0f, float recurrentDropout = 0f)
        {
            if (!(dropout >= 0f && dropout < 1f)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "A dropout rate lies in [0, 1).");
            if (!(recurrentDropout >= 0f && recurrentDropout < 1f)) throw new ArgumentOutOfRangeException(nameof(recurrentDropout), recurrentDropout, "A dropout rate lies in [0, 1).");
            _dropout = dropout;
            if (directions is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(directions), directions, "directions must be 1 or 2");
            _input = input;
            _hidden = hidden;
            _layers = layers;
            _directions = directions;
            _merge = merge;
            _cells = new RecurrentDirection<T>[layers * directions];
            int offset = parameterOffset;
            for (int l = 0; l < layers; l++)
            {
                for (int d = 0; d < directions; d++)
                {
                    var c = new RecurrentDirection<T>(cell, l == 0 ? input : directions * hidden, hidden, d == 1, offset, recurrentDropout);
                    _cells[l * directions + d] = c;
                    offset += c.ParameterCount;
                }
            }
            ParameterCount = offset - parameterOffset;
            _between = new T[Math.Max(layers - 1, 0)][];
            _dBetween = new T[Math.Max(layers - 1, 0)][];
            _betweenMask = new T[Math.Max(layers - 1, 0)][];
            for (int l = 0; l < _between.Length; l++) { _between[l] = Array.Empty<T>(); _dBetween[l] = Array.Empty<T>(); _betweenMask[l] = Array.Empty<T>(); }
            _dTop = new T[directions][];
            _dFinal = new T[directions][];
            for (int d = 0; d < directions; d++) { _dTop[d] = Array.Empty<T>(); _dFinal[d] = Array.Empty<T>(); }
        }

        /// <summary>Number of parameters of the module.</summary>
        public int ParameterCount { get; }

        /// <summary>Features per step of the merged output.</summary>
        public int OutputSize => _directions == 2 && _merge == Merge.Concat ? 2 * _hidden : _hidden;

        private int Width => _directions * _hidden;

        /// <summary>
        /// Runs the module over x [steps·batch, input] (time-major) and writes the merged outputs [steps·batch, OutputSize], 0 at padding.
        /// With <paramref name="carry"/>, every forward direction starts from the state the previous carrying Forward ended
        /// with (when the batch is the same; zeros otherwise): stateful truncated BPTT. Reverse directions always start from zeros.
        /// With a <paramref name="random"/> source (training), dropout and recurrent dropout are drawn from it and applied.
        /// </summary>
        public void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> x, int steps, int batch, ReadOnlySpan<int> lengths, Span<T> output,
            bool carry = false, RandomSource? random = null)
        {
            _tokenForward = false;
            UsedTokenTable = false;
            Run(parameters, x, default, steps, batch, lengths, output, carry, random);
        }

        /// <summary>
        /// <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, ReadOnlySpan{int}, Span{T}, bool, RandomSource?)"/> on
        /// token ids, whose vectors (embedding rows or one-hot, <see cref="TokenBatch.Dim"/> = the module's input size) are what
        /// the first layer reads. With fewer token ids than rows (vocabulary &lt; steps·batch) every direction of the first
        /// layer projects each id once, P = E·W_ihᵀ + b, and gathers the rows of P (<see cref="UsedTokenTable"/>): the same
        /// outputs, bit for bit, as Forward on the token vectors. Otherwise it runs on the token vectors.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A token id lies outside 0 … vocabulary − 1.</exception>
        public void Forward(ReadOnlySpan<T> parameters, TokenBatch tokens, int steps, int batch, ReadOnlySpan<int> lengths, Span<T> output,
            bool carry = false, RandomSource? random = null)
        {
            if (tokens.Dim != _input)
                throw new ArgumentException($"The tokens' vectors have {tokens.Dim} features; this module reads {_input}.", nameof(tokens));
            int n = steps * batch;
            Guard.Size(tokens.Ids.Length, n, "tokens", "[batch, steps]");
            Workspace.Ensure(ref _ids, n);
            TokenInput.TimeMajor(tokens.Ids, tokens.Vocabulary, batch, steps, _ids);
            _tokenForward = true;
            UsedTokenTable = TokenTable<T>.Pays(tokens.Vocabulary, n);
            if (UsedTokenTable)
            {
                Run(parameters, default, tokens, steps, batch, lengths, output, carry, random);
                return;
            }
            Workspace.Ensure(ref _tokenX, n * _input);
            TokenInput.Vectors(parameters, tokens, batch, steps, _tokenX);
            Run(parameters, _tokenX.AsSpan(0, n * _input), tokens, steps, batch, lengths, output, carry, random);
        }

        /// <summary>
        /// Whether the last Forward read token ids through per-token tables (P = E·W_ihᵀ + b per direction of the first
        /// layer, rows gathered) instead of projecting every row's vector.
        /// </summary>
        public bool UsedTokenTable { get; private set; }

        private void Run(ReadOnlySpan<T> parameters, ReadOnlySpan<T> x, TokenBatch tokens, int steps, int batch, ReadOnlySpan<int> lengths,
            Span<T> output, bool carry, RandomSource? random)
        {
            Kernels.KernelChecks.Length(output.Length, (long)steps * batch * OutputSize, nameof(output));
            _betweenMasked = random is not null && _dropout > 0f;
            _steps = steps;
            _batch = batch;
            int n = steps * batch;
            ReadOnlySpan<T> layerInput = x;
            for (int l = 0; l < _layers; l++)
            {
                for (int d = 0; d < _directions; d++)
                {
                    if (l == 0 && UsedTokenTable) Cell(l, d).Forward(parameters, tokens, _ids, steps, batch, lengths, carry && d == 0, random);
                    else Cell(l, d).Forward(parameters, layerInput, steps, batch, lengths, carry && d == 0, random);
                }
                if (l < _layers - 1)
                {
                    Workspace.Ensure(ref _between[l], n * Width);
                    for (int d = 0; d < _directions; d++) Cell(l, d).CopyOutput(_between[l], Width, d * _hidden);
                    if (_betweenMasked)
                    {
                        Workspace.Ensure(ref _betweenMask[l], n * Width);
                        Dropout.Apply<T>(_between[l].AsSpan(0, n * Width), _betweenMask[l], _dropout, random!);
                    }
                    layerInput = _between[l].AsSpan(0, n * Width);
                }
            }
            MergeRows(output, n, final: false);
        }

        /// <summary>Writes the merged final states of the top layer [batch, OutputSize] (many-to-one).</summary>
        public void FinalState(Span<T> final) => MergeRows(final, _batch, final: true);

        private void MergeRows(Span<T> output, int rows, bool final)
        {
            int h = _hidden, top = _layers - 1;
            if (_directions == 1 || _merge == Merge.Concat)
            {
                for (int d = 0; d < _directions; d++)
                {
                    if (final) Cell(top, d).CopyFinalState(output, Width, d * h);
                    else Cell(top, d).CopyOutput(output, Width, d * h);
                }
                return;
            }
            // Sum, mul, average: both directions to a scratch [rows, 2H], then combine.
            Workspace.Ensure(ref _mergeScratch, rows * 2 * h);
            var scratch = _mergeScratch.AsSpan(0, rows * 2 * h);
            for (int d = 0; d < 2; d++)
            {
                if (final) Cell(top, d).CopyFinalState(scratch, 2 * h, d * h);
                else Cell(top, d).CopyOutput(scratch, 2 * h, d * h);
            }
            T half = T.One / (T.One + T.One);
            for (int r = 0; r < rows; r++)
            {
                var f = scratch.Slice(r * 2 * h, h);
                var b = scratch.Slice(r * 2 * h + h, h);
                var o = output.Slice(r * h, h);
                for (int k = 0; k < h; k++)
                {
                    o[k] = _merge switch
                    {
                        Merge.Sum => f[k] + b[k],
                        Merge.Mul => f[k] * b[k],
                        _ => (f[k] + b[k]) * half,
                    };
                }
            }
        }

        /// <summary>
        /// Backpropagation through time after Forward on the same x. dOutput: gradient of the merged
        /// outputs (empty for none); dFinal: gradient of the merged final states (empty for none). Adds into the
        /// gradients; writes dx [steps·batch, input] when it is not empty.
        /// </summary>
        public void Backward(ReadOnlySpan<T> parameters, Span<T> gradients, ReadOnlySpan<T> x,
            ReadOnlySpan<T> dOutput, ReadOnlySpan<T> dFinal, Span<T> dx) =>
            Run(parameters, gradients, x, default, table: false, dOutput, dFinal, dx);

        /// <summary>
        /// Backpropagation through time after Forward on the same <paramref name="tokens"/>: adds into the gradients, the
        /// embedding's among them. After a Forward through tables the gradients of W_ih and of the embedding come from the
        /// gate gradients summed per token id (dW_ih += Sᵀ·E, dE += S·W_ih); otherwise from the token vectors and their
        /// gradients. Both agree to rounding.
        /// </summary>
        public void Backward(ReadOnlySpan<T> parameters, Span<T> gradients, TokenBatch tokens, ReadOnlySpan<T> dOutput, ReadOnlySpan<T> dFinal)
        {
            if (!_tokenForward) throw new InvalidOperationException("Backward on tokens follows a Forward on tokens.");
            int n = _steps * _batch;
            if (UsedTokenTable)
            {
                Run(parameters, gradients, default, tokens, table: true, dOutput, dFinal, default);
                return;
            }
            Span<T> dx = default;
            if (!tokens.IsOneHot)
            {
                Workspace.Ensure(ref _tokenDx, n * _input);
                dx = _tokenDx.AsSpan(0, n * _input);
            }
            Run(parameters, gradients, _tokenX.AsSpan(0, n * _input), tokens, table: false, dOutput, dFinal, dx);
            if (!tokens.IsOneHot) TokenInput.EmbedBackward<T>(gradients, tokens.EmbeddingOffset, tokens.Dim, tokens.Ids, _batch, _steps, dx);
        }

        private void Run(ReadOnlySpan<T> parameters, Span<T> gradients, ReadOnlySpan<T> x, TokenBatch tokens, bool table,
            ReadOnlySpan<T> dOutput, ReadOnlySpan<T> dFinal, Span<T> dx)
        {
            int n = _steps * _batch, h = _hidden, top = _layers - 1;
            // One direction: the merged gradient is the direction's own, read where it is.
            if (_directions > 1) SplitGradient(dOutput, n, _dTop, final: false);
            SplitGradient(dFinal, _batch, _dFinal, final: true);
            for (int l = top; l >= 0; l--)
            {
                ReadOnlySpan<T> layerInput = l == 0 ? x : _between[l - 1].AsSpan(0, n * Width);
                Span<T> dInput;
                if (l == 0) dInput = dx;
                else
                {
                    Workspace.Ensure(ref _dBetween[l - 1], n * Width);
                    dInput = _dBetween[l - 1].AsSpan(0, n * Width);
                }
                if (!dInput.IsEmpty) dInput.Slice(0, n * (l == 0 ? _input : Width)).Clear();
                for (int d = 0; d < _directions; d++)
                {
                    ReadOnlySpan<T> dOut;
                    int stride, offset;
                    if (l == top)
                    {
                        dOut = dOutput.IsEmpty ? default : _directions == 1 ? dOutput.Slice(0, n * h) : _dTop[d].AsSpan(0, n * h);
                        (stride, offset) = (h, 0);
                    }
                    else
                    {
                        if (d == 0 && _betweenMasked) Dropout.Backward<T>(_dBetween[l].AsSpan(0, n * Width), _betweenMask[l]);
                        dOut = _dBetween[l].AsSpan(0, n * Width);
                        (stride, offset) = (Width, d * h);
                    }
                    ReadOnlySpan<T> dLast = l == top && !dFinal.IsEmpty ? _dFinal[d].AsSpan(0, _batch * h) : default;
                    if (l == 0 && table) Cell(l, d).Backward(parameters, gradients, tokens, _ids, dOut, stride, offset, dLast);
                    else Cell(l, d).Backward(parameters, gradients, layerInput, dOut, stride, offset, dLast, dInput);
                }
            }
        }

        /// <summary>From the gradient of merged rows to each direction's own gradient [rows, H].</summary>
        private void SplitGradient(ReadOnlySpan<T> merged, int rows, T[][] perDirection, bool final)
        {
            if (merged.IsEmpty) return;
            int h = _hidden, top = _layers - 1;
            T half = T.One / (T.One + T.One);
            Span<T> other = default;
            if (_merge == Merge.Mul && _directions == 2)
            {
                Workspace.Ensure(ref _mergeScratch, rows * 2 * h);
                other = _mergeScratch.AsSpan(0, rows * 2 * h);
                for (int d = 0; d < 2; d++)
                {
                    if (final) Cell(top, d).CopyFinalState(other, 2 * h, d * h);
                    else Cell(top, d).CopyOutput(other, 2 * h, d * h);
                }
            }
            for (int d = 0; d < _directions; d++)
            {
                Workspace.Ensure(ref perDirection[d], rows * h);
                var dst = perDirection[d].AsSpan(0, rows * h);
                for (int r = 0; r < rows; r++)
                {
                    for (int k = 0; k < h; k++)
                    {
                        dst[r * h + k] = _directions == 1 || _merge == Merge.Concat ? merged[r * Width + d * h + k]
                            : _merge == Merge.Sum ? merged[r * h + k]
                            : _merge == Merge.Average ? merged[r * h + k] * half
                            : merged[r * h + k] * other[r * 2 * h + (1 - d) * h + k];
                    }
                }
            }
        }

        /// <summary>
        /// Streaming inference: one step of one sequence through every layer (unidirectional modules only). Returns the
        /// top layer's new h [H]: its state, valid until the next call that changes the state (each layer reads the one below
        /// in place, nothing is copied). <paramref name="version"/> counts the model's parameter changes: a new value
        /// repacks the streaming weights.
        /// </summary>
        // Fully optimised from the first call: the streaming path reaches its steady state at once instead of after
        // tiered compilation has caught up (measured: W1 Step at 1.3 µs for the first second, 0.7 µs after).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public ReadOnlySpan<T> Step(ReadOnlySpan<T> parameters, int version, ReadOnlySpan<T> x)
        {
            if (_directions != 1)
                throw new NotSupportedException("A bidirectional layer needs the whole sequence: use Forward instead of Step.");
            ReadOnlySpan<T> h = x;
            for (int l = 0; l < _layers; l++) h = _cells[l].Step(parameters, version, h);
            return h;
        }

        /// <summary>Clears the streaming state and the carried state of every layer.</summary>
        public void ResetState()
        {
            foreach (var c in _cells)
            {
                c.ResetState();
                c.ClearCarry();
            }
        }

        /// <summary>Clears only the streaming state of every layer (what <see cref="Step"/> carries), not the carried training state.</summary>
        public void ResetStream()
        {
            foreach (var c in _cells) c.ResetState();
        }

        /// <summary>Floats of carried state per sequence: h (and c for LSTM) of every layer's forward direction.</summary>
        public int StateSize
        {
            get
            {
                int size = 0;
                for (int l = 0; l < _layers; l++) size += Cell(l, 0).StateSize;
                return size;
            }
        }

        /// <summary>The batch the carried state is for; 0 when there is none.</summary>
        public int CarriedBatch => Cell(0, 0).CarriedBatch;

        /// <summary>Copies the carried state into dst: per layer, h [B, H] then c [B, H] for LSTM.</summary>
        public void GetCarry(Span<T> dst)
        {
            int b = CarriedBatch, offset = 0;
            for (int l = 0; l < _layers; l++)
            {
                Cell(l, 0).GetCarry(dst.Slice(offset));
                offset += b * Cell(l, 0).StateSize;
            }
        }

        /// <summary>Sets the carried state from src laid out as <see cref="GetCarry"/> writes it, for <paramref name="batch"/> sequences (0: none).</summary>
        public void SetCarry(ReadOnlySpan<T> src, int batch)
        {
            int offset = 0;
            for (int l = 0; l < _layers; l++)
            {
                if (batch == 0) Cell(l, 0).ClearCarry();
                else Cell(l, 0).SetCarry(src.Slice(offset), batch);
                offset += batch * Cell(l, 0).StateSize;
            }
        }

        private RecurrentDirection<T> Cell(int layer, int direction) => _cells[layer * _directions + direction];
    }
}
