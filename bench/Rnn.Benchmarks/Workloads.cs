using System;
using System.Collections.Generic;
using Rnn.Kernels;

namespace Rnn.Benchmarks
{
    // The generated members each workload calls, as interfaces so that one workload class serves several models.
    // Every model below gets them through a partial declaration; the generated methods implement them as they are.

    /// <summary>A float-input model that streams one step at a time.</summary>
    public interface IStreamingModel
    {
        void Step(ReadOnlySpan<float> x, Span<float> y);

        void ResetState();
    }

    /// <summary>A token-input model (Embedding → … → softmax head).</summary>
    public interface ITokenModel
    {
        Span<float> Parameters { get; }

        Span<float> Gradients { get; }

        void ZeroGradients();

        void Forward(ReadOnlySpan<int> tokens, int batch, Span<float> outputs, ReadOnlySpan<int> lengths);

        float Backward(ReadOnlySpan<int> tokens, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths);
    }

    /// <summary>A float-input many-to-one classifier with a softmax head.</summary>
    public interface IClassifierModel
    {
        Span<float> Parameters { get; }

        Span<float> Gradients { get; }

        void ZeroGradients();

        float Backward(ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths);
    }

    public partial class W1 : IStreamingModel { }
    public partial class Gru32 : IStreamingModel { }
    public partial class Lstm128 : IStreamingModel { }
    public partial class Lstm64x2 : IStreamingModel { }
    public partial class W2 : ITokenModel { }
    public partial class W2H32 : ITokenModel { }
    public partial class W2H64 : ITokenModel { }
    public partial class W2H256 : ITokenModel { }
    public partial class W2H512 : ITokenModel { }
    public partial class W3 : IClassifierModel { }

    /// <summary>
    /// One timed unit of work. <see cref="Run"/> is one call; it covers <see cref="ItemsPerCall"/> items (samples for
    /// streaming, one block or one training step otherwise). Names match bench/pytorch/workloads.py row for row.
    /// </summary>
    public abstract class Workload
    {
        protected Workload(string name, string unit, int itemsPerCall, double flopsPerItem, int threads)
        {
            Name = name;
            Unit = unit;
            ItemsPerCall = itemsPerCall;
            FlopsPerItem = flopsPerItem;
            Threads = threads;
        }

        /// <summary>Row name, shared with the PyTorch script.</summary>
        public string Name { get; }

        /// <summary>What one item is: "sample", "block", "step".</summary>
        public string Unit { get; }

        /// <summary>Items per <see cref="Run"/> call (streaming: samples per call, each one Step).</summary>
        public int ItemsPerCall { get; }

        /// <summary>Nominal floating-point operations per item (matrix products only: 2 per multiply-add; training = 3 × forward).</summary>
        public double FlopsPerItem { get; }

        /// <summary><see cref="KernelOptions.MaxThreads"/> while timing.</summary>
        public int Threads { get; }

        /// <summary>Runs one call.</summary>
        public abstract void Run();
    }

    /// <summary>Streaming inference: <see cref="ItemsPerCall"/> Step calls over a fixed signal, the state carried from call to call.</summary>
    public sealed class StreamingWorkload : Workload
    {
        private readonly IStreamingModel _model;
        private readonly float[] _signal;
        private readonly float[] _y;
        private readonly int _inputSize;

        public StreamingWorkload(string name, IStreamingModel model, int inputSize, int outputSize, double flopsPerSample, int samples = 2048)
            : base(name, "sample", samples, flopsPerSample, threads: 1)
        {
            _model = model;
            _inputSize = inputSize;
            _signal = Data.Signal(samples * inputSize, seed: 11);
            _y = new float[outputSize];
        }

        public override void Run()
        {
            IStreamingModel model = _model;
            ReadOnlySpan<float> signal = _signal;
            Span<float> y = _y;
            int n = _inputSize;
            for (int t = 0; t < ItemsPerCall; t++)
            {
                model.Step(signal.Slice(t * n, n), y);
            }
        }

        /// <summary>The last output (keeps the work observable).</summary>
        public float Last => _y[0];
    }

    /// <summary>Block inference of W1: Forward over one [1, samples, 1] block.</summary>
    public sealed class W1BlockWorkload : Workload
    {
        private readonly W1 _model = new(seed: 1);
        private readonly float[] _x;
        private readonly float[] _y;

        public W1BlockWorkload(int samples = 2048)
            : base("block/W1 1x2048", "block", 1, samples * Flops.W1PerSample, threads: 1)
        {
            _x = Data.Signal(samples, seed: 12);
            _y = new float[samples];
        }

        public override void Run() => _model.Forward(_x, 1, _y);
    }

    /// <summary>Block inference of a char-LM: Forward on [batch, steps] tokens, softmax outputs.</summary>
    public sealed class TokenForwardWorkload : Workload
    {
        private readonly ITokenModel _model;
        private readonly int[] _tokens;
        private readonly float[] _outputs;
        private readonly int _batch;

        public TokenForwardWorkload(string name, ITokenModel model, int hidden, int batch = 32, int steps = 64, int threads = 1)
            : base(name, "block", 1, batch * steps * Flops.CharLmForwardPerToken(hidden), threads)
        {
            _model = model;
            _batch = batch;
            _tokens = Data.Tokens(batch * steps, Data.Vocabulary, seed: 13);
            _outputs = new float[batch * steps * Data.Vocabulary];
        }

        public override void Run() => _model.Forward(_tokens, _batch, _outputs, default);
    }

    /// <summary>
    /// W2's training step: ZeroGradients, Backward (forward + cross-entropy + BPTT) on [batch, steps] tokens with the
    /// next tokens as targets, ClipByNorm(5), Adam.
    /// </summary>
    public sealed class CharLmTrainingWorkload : Workload
    {
        private readonly ITokenModel _model;
        private readonly Adam _adam = new(learningRate: 1e-3f);
        private readonly int[] _tokens;
        private readonly int[] _targets;
        private readonly int _batch;

        public CharLmTrainingWorkload(string name, ITokenModel model, int hidden, int batch = 32, int steps = 64, int threads = 1)
            : base(name, "step", 1, 3 * batch * steps * Flops.CharLmForwardPerToken(hidden), threads)
        {
            _model = model;
            _batch = batch;
            int[] text = Data.Tokens(batch * (steps + 1), Data.Vocabulary, seed: 14);
            _tokens = new int[batch * steps];
            _targets = new int[batch * steps];
            for (int b = 0; b < batch; b++)
            {
                text.AsSpan(b * (steps + 1), steps).CopyTo(_tokens.AsSpan(b * steps));
                text.AsSpan(b * (steps + 1) + 1, steps).CopyTo(_targets.AsSpan(b * steps));
            }
        }

        public float Loss { get; private set; }

        public override void Run()
        {
            ITokenModel model = _model;
            model.ZeroGradients();
            Loss = model.Backward(_tokens, _batch, _targets, default);
            Rnn.Gradients.ClipByNorm(model.Gradients, 5f);
            _adam.Step(model.Parameters, model.Gradients);
        }
    }

    /// <summary>W3's training step: ZeroGradients, Backward (bidirectional GRU, last state, softmax CE), SGD.</summary>
    public sealed class ClassifierTrainingWorkload : Workload
    {
        private readonly IClassifierModel _model = new W3(seed: 1);
        private readonly Sgd _sgd = new(learningRate: 0.01f);
        private readonly float[] _inputs;
        private readonly int[] _targets;
        private readonly int _batch;

        public ClassifierTrainingWorkload(string name = "train/W3", int batch = 32, int steps = 100, int threads = 1)
            : base(name, "step", 1, 3 * (batch * steps * Flops.W3ForwardPerToken + batch * Flops.Dense(128, 2)), threads)
        {
            _batch = batch;
            _inputs = Data.Signal(batch * steps * 32, seed: 15);
            _targets = Data.Tokens(batch, 2, seed: 16);
        }

        public float Loss { get; private set; }

        public override void Run()
        {
            IClassifierModel model = _model;
            model.ZeroGradients();
            Loss = model.Backward(_inputs, _batch, _targets, default);
            _sgd.Step(model.Parameters, model.Gradients);
        }
    }

    /// <summary>Nominal FLOP counts: 2 per multiply-add of the matrix products; activations, losses and optimizers not counted.</summary>
    public static class Flops
    {
        public static double Lstm(int input, int hidden) => 2.0 * 4 * hidden * (input + hidden);

        public static double Gru(int input, int hidden) => 2.0 * 3 * hidden * (input + hidden);

        public static double Dense(int input, int units) => 2.0 * input * units;

        public static double W1PerSample => Lstm(1, 32) + Dense(32, 1);

        public static double Gru32PerSample => Gru(1, 32) + Dense(32, 1);

        public static double Lstm128PerSample => Lstm(1, 128) + Dense(128, 1);

        public static double Lstm64x2PerSample => Lstm(8, 64) + Lstm(64, 64) + Dense(64, 8);

        public static double CharLmForwardPerToken(int hidden) => Lstm(128, hidden) + Dense(hidden, Data.Vocabulary);

        public static double W3ForwardPerToken => 2 * Gru(32, 64);
    }

    /// <summary>Deterministic inputs.</summary>
    public static class Data
    {
        public const int Vocabulary = 65;

        /// <summary>A guitar-like signal in [−1, 1]: a few decaying partials plus a little noise.</summary>
        public static float[] Signal(int length, int seed)
        {
            var random = new Random(seed);
            var x = new float[length];
            for (int i = 0; i < length; i++)
            {
                double t = i / 48000.0;
                x[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 110 * t) + 0.3 * Math.Sin(2 * Math.PI * 220.5 * t)
                    + 0.1 * (random.NextDouble() * 2 - 1));
            }

            return x;
        }

        public static int[] Tokens(int length, int vocabulary, int seed)
        {
            var random = new Random(seed);
            var t = new int[length];
            for (int i = 0; i < length; i++)
            {
                t[i] = random.Next(vocabulary);
            }

            return t;
        }
    }

    /// <summary>Every workload of issue 5, in table order.</summary>
    public static class WorkloadSet
    {
        public static readonly int[] ScalingHidden = { 32, 64, 128, 256, 512 };

        public static IEnumerable<Func<Workload>> All()
        {
            yield return () => new StreamingWorkload("stream/W1 LSTM32", new W1(seed: 1), 1, 1, Flops.W1PerSample);
            yield return () => new StreamingWorkload("stream/GRU32", new Gru32(seed: 1), 1, 1, Flops.Gru32PerSample);
            yield return () => new StreamingWorkload("stream/LSTM128", new Lstm128(seed: 1), 1, 1, Flops.Lstm128PerSample);
            yield return () => new StreamingWorkload("stream/LSTM64x2", new Lstm64x2(seed: 1), 8, 8, Flops.Lstm64x2PerSample);
            yield return () => new W1BlockWorkload();
            yield return () => new TokenForwardWorkload("block/W2 fwd 32x64", new W2(seed: 1), 128);
            yield return () => new CharLmTrainingWorkload("train/W2", new W2(seed: 1), 128);
            yield return () => new ClassifierTrainingWorkload();
            // The library's default, 2 kernel threads (PyTorch's side of these rows runs on 1 thread, its faster setting here).
            yield return () => new CharLmTrainingWorkload("train/W2 2t", new W2(seed: 1), 128, threads: 2);
            yield return () => new ClassifierTrainingWorkload("train/W3 2t", threads: 2);
            foreach (int threads in new[] { 1, 2 })
            {
                foreach (int hidden in ScalingHidden)
                {
                    int h = hidden, t = threads;
                    yield return () => new CharLmTrainingWorkload($"scale/W2 h{h} t{t}", CharLm(h), h, threads: t);
                }
            }
        }

        /// <summary>The char-LM with LSTM hidden size <paramref name="hidden"/> (128 is W2).</summary>
        public static ITokenModel CharLm(int hidden) => hidden switch
        {
            32 => new W2H32(seed: 1),
            64 => new W2H64(seed: 1),
            128 => new W2(seed: 1),
            256 => new W2H256(seed: 1),
            512 => new W2H512(seed: 1),
            _ => throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "no char-LM of that size is declared"),
        };
    }
}
