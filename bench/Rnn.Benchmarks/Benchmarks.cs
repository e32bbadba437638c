using BenchmarkDotNet.Attributes;
using Rnn.Kernels;

namespace Rnn.Benchmarks
{
    /// <summary>Streaming inference, one sample per Step; each invocation streams 2048 samples, so times are per sample.</summary>
    [MemoryDiagnoser]
    public class StreamingBenchmarks
    {
        private const int Samples = 2048;
        private StreamingWorkload _w1 = null!, _gru32 = null!, _lstm128 = null!, _lstm64x2 = null!;

        [GlobalSetup]
        public void Setup()
        {
            KernelOptions.MaxThreads = 1;
            _w1 = new StreamingWorkload("stream/W1 LSTM32", new W1(seed: 1), 1, 1, Flops.W1PerSample, Samples);
            _gru32 = new StreamingWorkload("stream/GRU32", new Gru32(seed: 1), 1, 1, Flops.Gru32PerSample, Samples);
            _lstm128 = new StreamingWorkload("stream/LSTM128", new Lstm128(seed: 1), 1, 1, Flops.Lstm128PerSample, Samples);
            _lstm64x2 = new StreamingWorkload("stream/LSTM64x2", new Lstm64x2(seed: 1), 8, 8, Flops.Lstm64x2PerSample, Samples);
        }

        [Benchmark(OperationsPerInvoke = Samples, Baseline = true)]
        public float W1Lstm32()
        {
            _w1.Run();
            return _w1.Last;
        }

        [Benchmark(OperationsPerInvoke = Samples)]
        public float Gru32()
        {
            _gru32.Run();
            return _gru32.Last;
        }

        [Benchmark(OperationsPerInvoke = Samples)]
        public float Lstm128()
        {
            _lstm128.Run();
            return _lstm128.Last;
        }

        [Benchmark(OperationsPerInvoke = Samples)]
        public float Lstm64x2()
        {
            _lstm64x2.Run();
            return _lstm64x2.Last;
        }
    }

    /// <summary>Block inference: W1 over a 2048-sample block (batch 1), W2's Forward on 32 × 64 tokens.</summary>
    [MemoryDiagnoser]
    public class BlockBenchmarks
    {
        private W1BlockWorkload _w1 = null!;
        private TokenForwardWorkload _w2 = null!;

        [GlobalSetup]
        public void Setup()
        {
            KernelOptions.MaxThreads = 1;
            _w1 = new W1BlockWorkload();
            _w2 = new TokenForwardWorkload("block/W2 fwd 32x64", new W2(seed: 1), 128);
        }

        [Benchmark]
        public void W1Block2048() => _w1.Run();

        [Benchmark]
        public void W2Forward32x64() => _w2.Run();
    }

    /// <summary>Training steps: W2 (char-LM, Adam, clip 5) and W3 (bidirectional GRU classifier, SGD), on 1 and 2 threads (2 is the default).</summary>
    [MemoryDiagnoser]
    public class TrainingBenchmarks
    {
        private CharLmTrainingWorkload _w2 = null!;
        private ClassifierTrainingWorkload _w3 = null!;

        [Params(1, 2)]
        public int Threads { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            KernelOptions.MaxThreads = Threads;
            _w2 = new CharLmTrainingWorkload("train/W2", new W2(seed: 1), 128, threads: Threads);
            _w3 = new ClassifierTrainingWorkload(threads: Threads);
        }

        [Benchmark]
        public void W2TrainStep() => _w2.Run();

        [Benchmark]
        public void W3TrainStep() => _w3.Run();
    }

    /// <summary>W2's training step at LSTM hidden 32 … 512 on 1 and 2 threads (<see cref="KernelOptions.MaxThreads"/>).</summary>
    [MemoryDiagnoser]
    public class ScalingBenchmarks
    {
        private CharLmTrainingWorkload _step = null!;

        [Params(32, 64, 128, 256, 512)]
        public int Hidden { get; set; }

        [Params(1, 2)]
        public int Threads { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            KernelOptions.MaxThreads = Threads;
            _step = new CharLmTrainingWorkload($"scale/W2 h{Hidden} t{Threads}", WorkloadSet.CharLm(Hidden), Hidden, threads: Threads);
        }

        [Benchmark]
        public void W2TrainStep() => _step.Run();
    }
}
