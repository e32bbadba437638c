using System;
using System.Reflection;
using Rnn.Kernels;
using Rnn.Tests;
using Xunit.Abstractions;

namespace Rnn.Models.Tests
{
    [RnnModel(Input = 8)]
    [Lstm(16, Layers = 2)]
    [Dense(8, Activation.Tanh)]
    [Dense(3)]
    public partial class AlLstm { }

    [RnnModel(Input = 8, Returns = Returns.Last)]
    [Bidirectional(Merge = Merge.Mul)]
    [Gru(16)]
    [Dense(4, Activation.Softmax)]
    public partial class AlBiGruLast { }

    [RnnModel]
    [Embedding(vocab: 50, dim: 8)]
    [SimpleRnn(16)]
    [Gru(8)]
    [Dense(50, Activation.Softmax)]
    public partial class AlEmbedRnn { }

    [RnnModel(Returns = Returns.Last)]
    [OneHot(10)]
    [Gru(8)]
    [Dense(1, Activation.Sigmoid)]
    public partial class AlOneHotLast { }

    /// <summary>Big enough that the GEMMs cross the multi-threading threshold.</summary>
    [RnnModel(Input = 32)]
    [Lstm(64)]
    [Dense(8)]
    public partial class AlBig { }

    /// <summary>Tests that read or change the process-wide <see cref="KernelOptions"/> run alone, one after another.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class KernelOptionsCollection
    {
        public const string Name = "KernelOptions";
    }

    /// <summary>
    /// The steady state allocates nothing: after one warm-up call with a batch shape, Forward, Backward (with and without
    /// lengths), Step, the optimizers and gradient clipping allocate 0 bytes on the calling thread.
    /// </summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class AllocationTests : IDisposable
    {
        private const int Repeats = 5;
        private readonly int _threads = KernelOptions.MaxThreads;
        private readonly ITestOutputHelper _output;

        public AllocationTests(ITestOutputHelper output)
        {
            _output = output;
            KernelOptions.MaxThreads = 1;
        }

        public void Dispose() => KernelOptions.MaxThreads = _threads;

        /// <summary>
        /// Bytes allocated on this thread by one call of <paramref name="action"/>, with no warm-up: for the checks that a
        /// one-time allocation (growing, or wrongly re-growing, a workspace) happens or does not.
        /// </summary>
        private static long AllocatedOnce(Action action)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        private static void AssertNoAllocation(string what, Action action) =>
            SteadyState.AssertAllocatesNothing(action, Repeats, what);

        private static float[] Features(int count, int seed) => TestData.ToFloat(TestData.Uniform(new Random(seed), count, -1, 1));

        [Fact]
        public void Forward_and_Backward_allocate_nothing_after_warm_up()
        {
            const int batch = 4, steps = 10;
            int[] lengths = { 10, 3, 1, 7 };

            var lstm = new AlLstm(1);
            var x = Features(batch * steps * AlLstm.InputSize, 1);
            var y = new float[batch * steps * AlLstm.OutputSize];
            var t = Features(y.Length, 2);
            AssertNoAllocation("AlLstm.Forward", () => lstm.Forward(x, batch, y));
            AssertNoAllocation("AlLstm.Forward with lengths", () => lstm.Forward(x, batch, y, lengths));
            AssertNoAllocation("AlLstm.ForwardLogits", () => lstm.ForwardLogits(x, batch, y, lengths));
            AssertNoAllocation("AlLstm.Backward", () => lstm.Backward(x, batch, t));
            AssertNoAllocation("AlLstm.Backward with lengths", () => lstm.Backward(x, batch, t, lengths));
            AssertNoAllocation("AlLstm.ZeroGradients", () => lstm.ZeroGradients());
            AssertNoAllocation("AlLstm.InputGradients", () => { if (lstm.InputGradients.Length == 0) throw new InvalidOperationException(); });

            var gru = new AlBiGruLast(1);
            var xg = Features(batch * steps * AlBiGruLast.InputSize, 3);
            var yg = new float[batch * AlBiGruLast.OutputSize];
            int[] classes = { 0, 3, 1, 2 };
            AssertNoAllocation("AlBiGruLast.Forward", () => gru.Forward(xg, batch, yg));
            AssertNoAllocation("AlBiGruLast.Forward with lengths", () => gru.Forward(xg, batch, yg, lengths));
            AssertNoAllocation("AlBiGruLast.Backward", () => gru.Backward(xg, batch, classes));
            AssertNoAllocation("AlBiGruLast.Backward with lengths", () => gru.Backward(xg, batch, classes, lengths));

            var embed = new AlEmbedRnn(1);
            var tokens = TestData.Ints(new Random(4), batch * steps, AlEmbedRnn.Vocabulary);
            var ye = new float[batch * steps * AlEmbedRnn.OutputSize];
            var te = TestData.Ints(new Random(5), batch * steps, AlEmbedRnn.OutputSize);
            AssertNoAllocation("AlEmbedRnn.Forward", () => embed.Forward(tokens, batch, ye));
            AssertNoAllocation("AlEmbedRnn.Forward with lengths", () => embed.Forward(tokens, batch, ye, lengths));
            AssertNoAllocation("AlEmbedRnn.Backward", () => embed.Backward(tokens, batch, te));
            AssertNoAllocation("AlEmbedRnn.Backward with lengths", () => embed.Backward(tokens, batch, te, lengths));

            var onehot = new AlOneHotLast(1);
            var tokens10 = TestData.Ints(new Random(6), batch * steps, AlOneHotLast.Vocabulary);
            var yo = new float[batch];
            var to = new float[] { 1, 0, 0, 1 };
            AssertNoAllocation("AlOneHotLast.Forward", () => onehot.Forward(tokens10, batch, yo));
            AssertNoAllocation("AlOneHotLast.Backward with lengths", () => onehot.Backward(tokens10, batch, to, lengths));

            var twin = new AlLstm.Float64(1);
            var xd = Array.ConvertAll(x, v => (double)v);
            var yd = new double[y.Length];
            var td = Array.ConvertAll(t, v => (double)v);
            AssertNoAllocation("AlLstm.Float64.Forward", () => twin.Forward(xd, batch, yd, lengths));
            AssertNoAllocation("AlLstm.Float64.Backward", () => twin.Backward(xd, batch, td, lengths));
        }

        [Fact]
        public void Step_allocates_nothing()
        {
            var lstm = new AlLstm(2);
            var x = Features(AlLstm.InputSize, 1);
            var y = new float[AlLstm.OutputSize];
            AssertNoAllocation("AlLstm.Step", () => lstm.Step(x, y));
            AssertNoAllocation("AlLstm.ResetState", () => lstm.ResetState());

            var embed = new AlEmbedRnn(2);
            var ye = new float[AlEmbedRnn.OutputSize];
            int token = 0;
            AssertNoAllocation("AlEmbedRnn.Step", () => embed.Step(token++ % AlEmbedRnn.Vocabulary, ye));

            var onehot = new AlOneHotLast(2);
            var yo = new float[1];
            AssertNoAllocation("AlOneHotLast.Step", () => onehot.Step(token++ % AlOneHotLast.Vocabulary, yo));

            var twin = new AlLstm.Float64(2);
            var xd = new double[AlLstm.InputSize];
            var yd = new double[AlLstm.OutputSize];
            AssertNoAllocation("AlLstm.Float64.Step", () => twin.Step(xd, yd));
        }

        [Fact]
        public void Optimizers_and_clipping_allocate_nothing_after_their_first_step()
        {
            var model = new AlLstm(3);
            var x = Features(2 * 6 * AlLstm.InputSize, 7);
            var t = Features(2 * 6 * AlLstm.OutputSize, 8);
            model.Backward(x, 2, t);

            var adam = new Adam(1e-3f);
            var adamw = new AdamW(1e-3f);
            var sgd = new Sgd(1e-2f);
            var momentum = new Sgd(1e-2f, momentum: 0.9f, nesterov: true);
            AssertNoAllocation("Adam.Step", () => adam.Step(model.Parameters, model.Gradients));
            AssertNoAllocation("AdamW.Step", () => adamw.Step(model.Parameters, model.Gradients));
            AssertNoAllocation("Sgd.Step", () => sgd.Step(model.Parameters, model.Gradients));
            AssertNoAllocation("Sgd.Step with momentum", () => momentum.Step(model.Parameters, model.Gradients));
            AssertNoAllocation("Gradients.ClipByNorm", () => Gradients.ClipByNorm(model.Gradients, 0.5f));
            AssertNoAllocation("Gradients.Norm", () => Gradients.Norm(model.Gradients));

            // A whole training step.
            AssertNoAllocation("ZeroGradients + Backward + ClipByNorm + Adam.Step", () =>
            {
                model.ZeroGradients();
                model.Backward(x, 2, t);
                Gradients.ClipByNorm(model.Gradients, 1f);
                adam.Step(model.Parameters, model.Gradients);
            });
        }

        [Fact]
        public void A_larger_batch_grows_the_workspaces_once_then_allocates_nothing_again()
        {
            var model = new AlLstm(4);
            float[] Inputs(int batch, int steps) => Features(batch * steps * AlLstm.InputSize, batch * 100 + steps);
            float[] Targets(int batch, int steps) => Features(batch * steps * AlLstm.OutputSize, batch * 100 + steps + 1);

            var xSmall = Inputs(2, 5);
            var tSmall = Targets(2, 5);
            var xLarge = Inputs(6, 12);
            var tLarge = Targets(6, 12);
            int[] lengthsLarge = { 12, 1, 5, 12, 7, 3 };

            AssertNoAllocation("Backward at batch 2 × 5 steps", () => model.Backward(xSmall, 2, tSmall));
            model.ZeroGradients();
            float lossBefore = model.Backward(xSmall, 2, tSmall);
            var gradientsBefore = model.Gradients.ToArray();

            long growth = AllocatedOnce(() => model.Backward(xLarge, 6, tLarge, lengthsLarge));
            Assert.True(growth > 0, "a larger batch must grow the workspaces (or the measurement is broken)");
            AssertNoAllocation("Backward at batch 6 × 12 steps", () => model.Backward(xLarge, 6, tLarge, lengthsLarge));
            AssertNoAllocation("Forward at batch 6 × 12 steps", () => model.Forward(xLarge, 6, new Span<float>(s_large, 0, 6 * 12 * AlLstm.OutputSize)));

            // Back to the smaller shape: the grown workspaces serve it; nothing shrinks or reallocates.
            Assert.Equal(0, AllocatedOnce(() => model.Backward(xSmall, 2, tSmall)));

            // … and gives exactly what it gave before the workspaces grew.
            model.ZeroGradients();
            Assert.Equal(lossBefore, model.Backward(xSmall, 2, tSmall));
            Assert.Equal(gradientsBefore, model.Gradients.ToArray());
        }

        private static readonly float[] s_large = new float[6 * 12 * AlLstm.OutputSize];

        [Fact]
        public void With_two_kernel_threads_the_calling_thread_allocates_nothing()
        {
            KernelOptions.MaxThreads = 2;
            const int batch = 16, steps = 32;
            var model = new AlBig(5);
            var x = Features(batch * steps * AlBig.InputSize, 9);
            var t = Features(batch * steps * AlBig.OutputSize, 10);
            var y = new float[t.Length];
            var adam = new Adam();
            Action train = () =>
            {
                model.ZeroGradients();
                model.Backward(x, batch, t);
                Gradients.ClipByNorm(model.Gradients, 1f);
                adam.Step(model.Parameters, model.Gradients);
                model.Forward(x, batch, y);
            };
            for (int i = 0; i < 3; i++) train();   // warm-up: starts the kernel workers, grows every buffer

            int parallelBefore = ParallelCalls();
            long total = GC.GetTotalAllocatedBytes(precise: true);
            long thread = SteadyState.FewestBytes(train, Repeats, warmUpCalls: 0);
            total = GC.GetTotalAllocatedBytes(precise: true) - total;
            int parallel = ParallelCalls() - parallelBefore;
            _output.WriteLine($"MaxThreads = 2: calling thread {thread} B, whole process {total} B over up to three rounds of {Repeats} training steps; parallel GEMM calls {parallel}");

            Assert.True(thread == 0, $"with MaxThreads = 2 the calling thread allocated {thread} bytes in each of three rounds of {Repeats} training steps");
            if (parallel >= 0) Assert.True(parallel > 0, "the kernels never ran in parallel: the test does not test what it says");
        }

        [Fact]
        public void Results_are_bit_identical_for_one_and_two_kernel_threads()
        {
            const int batch = 16, steps = 32;
            var x = Features(batch * steps * AlBig.InputSize, 11);
            var t = Features(batch * steps * AlBig.OutputSize, 12);
            int[] lengths = { 32, 1, 17, 32, 5, 9, 32, 30, 2, 32, 12, 32, 32, 7, 3, 32 };
            (float Loss, float[] Gradients, float[] InputGradients, float[] Outputs) Run(int threads)
            {
                KernelOptions.MaxThreads = threads;
                var model = new AlBig(6);
                var adam = new Adam(1e-2f);
                for (int i = 0; i < 3; i++)
                {
                    model.ZeroGradients();
                    model.Backward(x, batch, t, lengths);
                    adam.Step(model.Parameters, model.Gradients);
                }
                model.ZeroGradients();
                float loss = model.Backward(x, batch, t, lengths);
                var y = new float[t.Length];
                model.Forward(x, batch, y, lengths);
                return (loss, model.Gradients.ToArray(), model.InputGradients.ToArray(), y);
            }

            int parallelBefore = ParallelCalls();
            var one = Run(1);
            var two = Run(2);
            if (parallelBefore >= 0) Assert.True(ParallelCalls() > parallelBefore, "the kernels never ran in parallel");
            Assert.Equal(one.Loss, two.Loss);
            Assert.Equal(one.Gradients, two.Gradients);
            Assert.Equal(one.InputGradients, two.InputGradients);
            Assert.Equal(one.Outputs, two.Outputs);
        }

        [Fact]
        public void Two_models_trained_on_two_threads_at_once_give_what_they_give_one_after_the_other()
        {
            // The kernel thread pool runs one job at a time; a second caller must fall back to its own thread, not race.
            KernelOptions.MaxThreads = 2;
            const int batch = 16, steps = 32;
            var x = Features(batch * steps * AlBig.InputSize, 13);
            var t = Features(batch * steps * AlBig.OutputSize, 14);
            float[] Train(int seed)
            {
                var model = new AlBig(seed);
                var adam = new Adam(1e-2f);
                for (int i = 0; i < 20; i++)
                {
                    model.ZeroGradients();
                    model.Backward(x, batch, t);
                    adam.Step(model.Parameters, model.Gradients);
                }
                return model.Parameters.ToArray();
            }

            var first = Train(1);
            var second = Train(2);
            float[]? a = null, b = null;
            var threadA = new System.Threading.Thread(() => a = Train(1));
            var threadB = new System.Threading.Thread(() => b = Train(2));
            threadA.Start();
            threadB.Start();
            threadA.Join();
            threadB.Join();
            Assert.Equal(first, a);
            Assert.Equal(second, b);
        }

        /// <summary>Rnn.Kernels.KernelParallel.ParallelRuns (internal: jobs the kernel workers ran) through reflection, or −1 when it is not there.</summary>
        private static int ParallelCalls()
        {
            var type = typeof(KernelOptions).Assembly.GetType("Rnn.Kernels.KernelParallel");
            var property = type?.GetProperty("ParallelRuns", BindingFlags.NonPublic | BindingFlags.Static);
            return property?.GetValue(null) is int n ? n : -1;
        }
    }
}
