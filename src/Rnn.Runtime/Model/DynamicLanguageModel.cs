using System;
using System.Collections.Generic;
using Rnn.Layers;

namespace Rnn
{
    /// <summary>
    /// A language model whose sizes are chosen at run time: token input (an embedding, or one-hot when
    /// <c>embedding</c> is 0) → one recurrent module (stacked, with dropout) → Dense(vocabulary, softmax) over every step.
    /// It is what the generator emits for
    /// <c>[RnnModel] [Embedding(V, E, Dropout = p)] [Lstm(H, Layers = L, Dropout = p)] [Dense(V, Activation.Softmax)]</c>
    /// — the same layers, tensor names, initialisation and dropout stream, so a generated model and this one built with
    /// the same sizes and seed train identically — for programs (such as samples/CharLm) that learn their vocabulary
    /// from data or take the sizes from the command line. Prefer the generated model when the sizes are known.
    /// </summary>
    public sealed class DynamicLanguageModel : ILanguageModel
    {
        private readonly int _vocabulary, _embedding, _inputSize, _hidden;
        private readonly float _embeddingDropout;
        private readonly int _embeddingOffset, _recurrentOffset, _denseOffset;
        private readonly float[] _parameters, _gradients;
        private readonly TensorInfo[] _tensors;
        private readonly RecurrentBlock<float> _block;

        private float[] _x = Array.Empty<float>(), _h = Array.Empty<float>(), _features = Array.Empty<float>(), _y = Array.Empty<float>();
        private float[] _dx = Array.Empty<float>(), _dh = Array.Empty<float>(), _dFeatures = Array.Empty<float>(), _dy = Array.Empty<float>();
        private float[] _headScratch = Array.Empty<float>(), _embeddingMask = Array.Empty<float>();
        private bool _embeddingMasked;
        private readonly float[] _stepOneHot, _stepLogits, _sampleProbabilities;
        private bool _primed;

        /// <summary>Creates the model with parameters initialised as PyTorch does, deterministically from <paramref name="seed"/>.</summary>
        /// <param name="cell">The recurrent cell.</param>
        /// <param name="vocabulary">Token ids 0 … vocabulary − 1; also the head's size.</param>
        /// <param name="embedding">Embedding dimension, or 0 for one-hot input.</param>
        /// <param name="hidden">Hidden units.</param>
        /// <param name="layers">Stacked layers.</param>
        /// <param name="dropout">Dropout on the embedded vectors and between stacked layers, while <see cref="Training"/>.</param>
        /// <param name="recurrentDropout">Keras-style dropout on h_{t−1}, one mask per sequence, while <see cref="Training"/>.</param>
        /// <param name="seed">Initialisation and dropout seed.</param>
        public DynamicLanguageModel(CellType cell, int vocabulary, int embedding, int hidden, int layers = 1,
            float dropout = 0f, float recurrentDropout = 0f, int seed = 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 1);
            ArgumentOutOfRangeException.ThrowIfNegative(embedding);
            ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
            if (!(dropout >= 0f && dropout < 1f)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "A dropout rate lies in [0, 1).");
            Cell = cell;
            Layers = layers;
            _vocabulary = vocabulary;
            _embedding = embedding;
            _inputSize = embedding > 0 ? embedding : vocabulary;
            _hidden = hidden;
            _embeddingDropout = embedding > 0 ? dropout : 0f;

            var table = new TensorTable();
            if (embedding > 0) table.Add("embedding.weight", vocabulary, embedding);
            _recurrentOffset = table.Offset;
            table.AddRecurrent("recurrent", cell, _inputSize, hidden, layers, 1);
            _denseOffset = table.Offset;
            table.Add("dense.weight", vocabulary, hidden);
            table.Add("dense.bias", vocabulary);
            _tensors = table.ToArray();
            _embeddingOffset = 0;
            _parameters = new float[table.Offset];
            _gradients = new float[table.Offset];
            _block = new RecurrentBlock<float>(cell, _inputSize, hidden, layers, 1, Merge.Concat, _recurrentOffset,
                layers > 1 ? dropout : 0f, recurrentDropout);
            StateSize = _block.StateSize;
            _stepOneHot = new float[embedding > 0 ? 0 : vocabulary];
            _stepLogits = new float[vocabulary];
            _sampleProbabilities = new float[vocabulary];
            ResetParameters(seed);
        }

        /// <summary>The recurrent cell.</summary>
        public CellType Cell { get; }

        /// <summary>Stacked recurrent layers.</summary>
        public int Layers { get; }

        /// <summary>Hidden units per layer.</summary>
        public int Hidden => _hidden;

        /// <summary>Embedding dimension, 0 for one-hot input.</summary>
        public int Embedding => _embedding;

        /// <inheritdoc/>
        public int Vocabulary => _vocabulary;

        /// <inheritdoc/>
        public int StateSize { get; }

        /// <inheritdoc/>
        public int ParameterCount => _parameters.Length;

        /// <inheritdoc/>
        /// <remarks>Step reads a copy packed for streaming, refreshed after every read of this property.</remarks>
        public Span<float> Parameters
        {
            get
            {
                _parameterVersion++;
                return _parameters;
            }
        }

        private int _parameterVersion;

        /// <inheritdoc/>
        public Span<float> Gradients => _gradients;

        /// <inheritdoc/>
        public IReadOnlyList<TensorInfo> Tensors => _tensors;

        /// <inheritdoc/>
        public bool Training { get; set; }

        /// <inheritdoc/>
        public bool Stateful { get; set; }

        /// <inheritdoc/>
        public RandomSource DropoutRandom { get; private set; } = new RandomSource(0);

        private RandomSource? DropoutSource => Training ? DropoutRandom : null;

        /// <inheritdoc/>
        public int StateBatch => _block.CarriedBatch;

        /// <summary>Re-initialises every parameter as PyTorch does, and the dropout stream, from <paramref name="seed"/>.</summary>
        public void ResetParameters(int seed)
        {
            var random = new RandomSource(unchecked((ulong)seed));
            DropoutRandom = new RandomSource(unchecked((ulong)seed) ^ 0x5DEECE66DUL);
            _parameterVersion++;
            var p = _parameters.AsSpan();
            if (_embedding > 0) Init.Normal(random, p.Slice(_embeddingOffset, _vocabulary * _embedding));
            Init.Uniform(random, p.Slice(_recurrentOffset, _denseOffset - _recurrentOffset), fanIn: _hidden);
            Init.Uniform(random, p.Slice(_denseOffset, _vocabulary * (_hidden + 1)), fanIn: _hidden);
            ResetState();
        }

        /// <inheritdoc/>
        public void ZeroGradients() => Array.Clear(_gradients);

        /// <inheritdoc/>
        public void GetState(Span<float> state)
        {
            Guard.Size(state.Length, StateBatch * StateSize, nameof(state), "[StateBatch · StateSize]");
            _block.GetCarry(state);
        }

        /// <inheritdoc/>
        public void SetState(ReadOnlySpan<float> state, int batch)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(batch);
            Guard.Size(state.Length, batch * StateSize, nameof(state), "[batch · StateSize]");
            _block.SetCarry(state, batch);
        }

        /// <inheritdoc/>
        public void Forward(ReadOnlySpan<int> tokens, int batch, Span<float> outputs, ReadOnlySpan<int> lengths = default)
        {
            int steps = Begin(tokens, batch, lengths);
            Guard.Size(outputs.Length, batch * steps * _vocabulary, nameof(outputs), "[batch, steps, Vocabulary]");
            RunForward(tokens, steps, batch, lengths);
            Head.Outputs<float>(Activation.Softmax, _y, outputs, batch, steps, _vocabulary, lengths);
        }

        /// <inheritdoc/>
        public float Evaluate(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths = default) =>
            ForwardLoss(tokens, batch, targets, lengths, out _);

        /// <inheritdoc/>
        public float Backward(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths = default)
        {
            float loss = ForwardLoss(tokens, batch, targets, lengths, out int steps);
            int n = steps * batch, h = _hidden;
            DenseLayer.Backward<float>(_parameters, _gradients, _denseOffset, h, _vocabulary, Activation.Linear, _features, _y, _dy, n, EnsureSpan(ref _dFeatures, n * h));
            Layout.ToTimeMajor<float>(_dFeatures, batch, steps, h, EnsureSpan(ref _dh, n * h));
            if (_embeddingMasked)
            {
                // The block read the embedded vectors after dropout: back through them, the mask, then E's rows.
                var dx = EnsureSpan(ref _dx, n * _inputSize);
                _block.Backward(_parameters, _gradients, _x.AsSpan(0, n * _inputSize), _dh.AsSpan(0, n * h), default, dx);
                Dropout.Backward<float>(dx, _embeddingMask);
                TokenInput.EmbedBackward<float>(_gradients, _embeddingOffset, _embedding, tokens, batch, steps, dx);
            }
            else _block.Backward(_parameters, _gradients, Tokens(tokens), _dh.AsSpan(0, n * h), default);
            return loss;
        }

        private float ForwardLoss(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, out int steps)
        {
            steps = Begin(tokens, batch, lengths);
            Guard.Size(targets.Length, batch * steps, nameof(targets), "[batch, steps]");
            int rows = RunForward(tokens, steps, batch, lengths);
            Workspace.Ensure(ref _dy, rows * _vocabulary);
            Workspace.Ensure(ref _headScratch, rows * _vocabulary);
            return Head.Loss<float>(Activation.Softmax, _y, targets, batch, steps, _vocabulary, lengths, _dy, _headScratch);
        }

        private int Begin(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> lengths)
        {
            int steps = Guard.Steps(tokens.Length, batch, 1, nameof(tokens));
            Guard.Lengths(lengths, batch, steps);
            Guard.Capacity(steps, batch, widestRow: Math.Max(CellWidth, Math.Max(_inputSize, _vocabulary)));
            int n = steps * batch;
            _embeddingMasked = Training && _embeddingDropout > 0f;
            if (_embeddingMasked)
            {
                // x_t = E[token_t] with dropout: the block reads these vectors, not the tokens.
                Workspace.Ensure(ref _x, n * _inputSize);
                TokenInput.Embed<float>(_parameters, _embeddingOffset, _vocabulary, _embedding, tokens, batch, steps, _x);
                Workspace.Ensure(ref _embeddingMask, n * _embedding);
                Dropout.Apply<float>(_x.AsSpan(0, n * _embedding), _embeddingMask, _embeddingDropout, DropoutRandom);
            }
            return steps;
        }

        /// <summary>
        /// The tokens as the block reads them: rows of the embedding E, or one-hot vectors. While there are fewer token ids
        /// than steps · batch rows, its first layer makes the table P = E·W_ihᵀ + b (one-hot: W_ihᵀ + b), the input projection
        /// of every id, and gathers a row of it per step instead of multiplying every step's vector by W_ih.
        /// </summary>
        private TokenBatch Tokens(ReadOnlySpan<int> tokens) =>
            _embedding > 0 ? TokenBatch.Embedded(tokens, _vocabulary, _embedding, _embeddingOffset) : TokenBatch.OneHot(tokens, _vocabulary);

        private int CellWidth => Cell.Gates() * _hidden;

        private int RunForward(ReadOnlySpan<int> tokens, int steps, int batch, ReadOnlySpan<int> lengths)
        {
            int n = steps * batch, h = _hidden;
            var output = EnsureSpan(ref _h, n * h);
            if (_embeddingMasked) _block.Forward(_parameters, _x.AsSpan(0, n * _inputSize), steps, batch, lengths, output, carry: Stateful, random: DropoutSource);
            else _block.Forward(_parameters, Tokens(tokens), steps, batch, lengths, output, carry: Stateful, random: DropoutSource);
            Layout.ToBatchFirst<float>(_h, batch, steps, h, EnsureSpan(ref _features, n * h));
            DenseLayer.Forward<float>(_parameters, _denseOffset, h, _vocabulary, Activation.Linear, _features, n, EnsureSpan(ref _y, n * _vocabulary));
            return n;
        }

        /// <inheritdoc/>
        public void Step(int token, Span<float> y)
        {
            Guard.Token(token, _vocabulary, nameof(token));
            Guard.Size(y.Length, _vocabulary, nameof(y), "[Vocabulary]");
            ReadOnlySpan<float> x;
            if (_embedding > 0) x = _parameters.AsSpan(_embeddingOffset + token * _embedding, _embedding);
            else
            {
                Array.Clear(_stepOneHot);
                _stepOneHot[token] = 1;
                x = _stepOneHot;
            }
            var h = _block.Step(_parameters, _parameterVersion, x);
            DenseLayer.Forward<float>(_parameters, _denseOffset, _hidden, _vocabulary, Activation.Linear, h, 1, _stepLogits);
            Head.Outputs<float>(Activation.Softmax, _stepLogits, y, 1, 1, _vocabulary, default);
        }

        /// <inheritdoc/>
        public void ResetState()
        {
            _block.ResetState();
            _primed = false;
        }

        /// <inheritdoc/>
        public void Prime(ReadOnlySpan<int> prompt)
        {
            if (prompt.IsEmpty) throw new ArgumentException("prompt must hold at least one token: the first token is what the model continues from.", nameof(prompt));
            foreach (int token in prompt) Guard.Token(token, _vocabulary, nameof(prompt));
            _block.ResetStream();
            foreach (int token in prompt) Step(token, _sampleProbabilities);
            _primed = true;
        }

        /// <inheritdoc/>
        public int Sample(Sampler sampler)
        {
            ArgumentNullException.ThrowIfNull(sampler);
            if (!_primed) throw new InvalidOperationException("Call Prime with a prompt before Sample.");
            int next = sampler.Sample(_stepLogits);
            Step(next, _sampleProbabilities);
            return next;
        }

        /// <inheritdoc/>
        public void SaveSafetensors(string path) => ModelFiles.Save<float>(path, _parameters, _tensors);

        /// <inheritdoc/>
        public void LoadSafetensors(string path)
        {
            ModelFiles.Load<float>(SafetensorsFile.Read(path), _parameters, _tensors);
            _parameterVersion++;
        }

        private static Span<float> EnsureSpan(ref float[] buffer, int length)
        {
            Workspace.Ensure(ref buffer, length);
            return buffer.AsSpan(0, length);
        }
    }
}
