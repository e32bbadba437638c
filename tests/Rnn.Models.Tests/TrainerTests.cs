using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Rnn.Kernels;
using Rnn.Layers;
using Rnn.Tests;
using Xunit.Abstractions;

namespace Rnn.Models.Tests
{
    [RnnModel]
    [Embedding(8, 8, Dropout = 0.1f)]
    [Lstm(24, Layers = 2, Dropout = 0.1f)]
    [Dense(8, Activation.Softmax)]
    public partial class TtLm { }

    /// <summary>Another size of the same layers: its checkpoints do not fit TtLm.</summary>
    [RnnModel]
    [Embedding(8, 8, Dropout = 0.1f)]
    [Lstm(20, Layers = 2, Dropout = 0.1f)]
    [Dense(8, Activation.Softmax)]
    public partial class TtLmOther { }

    /// <summary>Big enough for the GEMMs to run on two kernel threads.</summary>
    [RnnModel]
    [Embedding(32, 32, Dropout = 0.1f)]
    [Lstm(64, Layers = 2, Dropout = 0.1f)]
    [Dense(32, Activation.Softmax)]
    public partial class TtBigLm { }

    /// <summary>Records every report synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    internal sealed class ProgressLog : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();
        public Action<TrainingProgress>? OnReport { get; init; }

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }

    internal static class TrainerData
    {
        /// <summary>A period-16 cycle over 8 tokens in which the next token depends on the two before.</summary>
        public static readonly int[] Cycle = { 0, 1, 2, 3, 4, 5, 6, 7, 1, 3, 5, 7, 0, 2, 4, 6 };

        public static int[] Text(int length, int offset = 0, int[]? cycle = null)
        {
            cycle ??= Cycle;
            var tokens = new int[length];
            for (int i = 0; i < length; i++) tokens[i] = cycle[(i + offset) % cycle.Length];
            return tokens;
        }

        public static float[] OptimizerState(Optimizer optimizer) =>
            optimizer.StateNames.SelectMany(name => optimizer.GetState(name).ToArray()).ToArray();
    }

    /// <summary>
    /// The training loop on a language model: LanguageModelTask (char-rnn batching, carried state, validation) driven by
    /// Trainer (schedule, clipping, validation, early stopping, checkpoints, resume, progress).
    /// </summary>
    public sealed class TrainerTests : IDisposable
    {
        private const int Batch = 4, Steps = 8;
        private readonly string _directory = Directory.CreateTempSubdirectory("rnn-trainer-").FullName;
        private readonly ITestOutputHelper _output;

        public TrainerTests(ITestOutputHelper output) => _output = output;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private string PathOf(string name) => Path.Combine(_directory, name);

        // 4 streams of 27 tokens: ⌊26 / 8⌋ = 3 chunks per epoch, so runs of a dozen steps wrap several times.
        private static readonly int[] s_shortText = TrainerData.Text(4 * 27);
        private static readonly int[] s_validation = TrainerData.Text(200, offset: 5);
        private static readonly int[] s_increments = { 0, 1, 2, 3, 4, 5, 6, 7 };

        private static LanguageModelTask Task(ILanguageModel model, int[]? train = null, int[]? validation = null) =>
            new(model, train ?? s_shortText, validation ?? s_validation, Batch, Steps);

        [Fact]
        public void Training_a_small_language_model_lowers_the_loss()
        {
            var model = new TtLm(1);
            var task = new LanguageModelTask(model, TrainerData.Text(1600), s_validation, batch: 4, steps: 12);
            float before = task.Validate();
            var trainer = new Trainer(task, new Adam(0.01f), new TrainerOptions { Steps = 150, ValidateEvery = 50, ClipNorm = 5 });
            var result = trainer.Run();

            var losses = trainer.TrainLosses.ToArray();
            double first = losses.Take(10).Average(), last = losses.Skip(140).Average();
            _output.WriteLine($"train loss {first:F3} → {last:F3}; validation {before:F3} → {result.ValidationLoss:F3}");
            Assert.Equal(150, result.Steps);
            Assert.Equal(150, losses.Length);
            Assert.False(result.StoppedEarly);
            Assert.True(Math.Abs(before - Math.Log(8)) < 0.3, $"an untrained model should be near uniform: validation loss {before}, ln 8 = {Math.Log(8):F3}");
            Assert.True(last < 0.5 * first, $"training loss went from {first} to {last}");
            Assert.True(result.ValidationLoss < 0.5 * before, $"validation loss went from {before} to {result.ValidationLoss}");
            Assert.Equal(new[] { 50, 100, 150 }, trainer.ValidationSteps.ToArray());
            Assert.Equal(trainer.ValidationLosses[^1], result.ValidationLoss);
            Assert.Equal(trainer.ValidationLosses.ToArray().Min(), result.BestValidationLoss);
            Assert.Equal(trainer.ValidationSteps[Array.IndexOf(trainer.ValidationLosses.ToArray(), result.BestValidationLoss)], result.BestStep);
            Assert.Equal(losses[^1], result.TrainLoss);
        }

        public static TheoryData<string> OptimizerKinds => new() { "adam", "adamw", "sgd-momentum" };

        private static Optimizer MakeOptimizer(string kind) => kind switch
        {
            "adam" => new Adam(0.01f),
            "adamw" => new AdamW(0.01f, weightDecay: 0.05f),
            _ => new Sgd(0.1f, momentum: 0.9f),
        };

        private static TrainerOptions ResumeOptions(string path, IProgress<TrainingProgress>? progress = null)
        {
            var options = new TrainerOptions
            {
                Steps = 14, ValidateEvery = 4, CheckpointEvery = 5, CheckpointPath = path, ClipNorm = 0.5f,
                Schedule = new CosineSchedule(0.02f, 3, 14, 0.001f), Progress = progress,
            };
            options.Metadata["run"] = "resume-test";
            return options;
        }

        [Theory]
        [MemberData(nameof(OptimizerKinds))]
        public void Resuming_from_a_checkpoint_is_bit_identical_to_an_uninterrupted_run(string kind)
        {
            // Uninterrupted.
            var straightModel = new TtLm(4);
            var straightTask = Task(straightModel);
            var straightOptimizer = MakeOptimizer(kind);
            var straight = new Trainer(straightTask, straightOptimizer, ResumeOptions(PathOf("straight.ckpt")));
            var straightResult = straight.Run();

            // Interrupted after step 5 (the checkpoint of step 5 is written before the loop sees the cancellation).
            using var cancel = new CancellationTokenSource();
            var log = new ProgressLog { OnReport = p => { if (p.Step == 5) cancel.Cancel(); } };
            var firstModel = new TtLm(4);
            var first = new Trainer(Task(firstModel), MakeOptimizer(kind), ResumeOptions(PathOf("run.ckpt"), log));
            var firstResult = first.Run(cancel.Token);
            Assert.Equal(5, firstResult.Steps);
            Assert.Equal(5, first.Step);
            Assert.Contains(log.Reports, r => r.Event == TrainingEvent.Checkpoint && r.Step == 5);

            // Resumed in fresh objects; the model starts from other weights and another dropout stream.
            var model = new TtLm(99);
            var task = Task(model);
            var optimizer = MakeOptimizer(kind);
            var resumed = new Trainer(task, optimizer, ResumeOptions(PathOf("run.ckpt")));
            Assert.True(resumed.Resume());
            Assert.Equal(5, resumed.Step);
            TrainingAsserts.BitEqual(straight.TrainLosses.Slice(0, 5), resumed.TrainLosses, "loss history restored");
            Assert.Equal(new[] { 4 }, resumed.ValidationSteps.ToArray());
            var result = resumed.Run();

            TrainingAsserts.BitEqual(straightModel.Parameters, model.Parameters, kind + ": final parameters");
            TrainingAsserts.BitEqual(TrainerData.OptimizerState(straightOptimizer), TrainerData.OptimizerState(optimizer), kind + ": optimizer state");
            Assert.Equal(straightOptimizer.StepCount, optimizer.StepCount);
            Assert.Equal(14, optimizer.StepCount);
            Assert.Equal(straightOptimizer.LearningRate, optimizer.LearningRate);
            TrainingAsserts.BitEqual(straight.TrainLosses, resumed.TrainLosses, kind + ": training losses");
            Assert.Equal(straight.ValidationSteps.ToArray(), resumed.ValidationSteps.ToArray());
            TrainingAsserts.BitEqual(straight.ValidationLosses, resumed.ValidationLosses, kind + ": validation losses");
            Assert.Equal(straightResult, result);
            Assert.Equal(straightModel.DropoutRandom.GetState(), model.DropoutRandom.GetState());
            Assert.Equal(straightTask.Batcher.Position, task.Batcher.Position);
            var a = new float[straightModel.StateBatch * TtLm.StateSize];
            var b = new float[model.StateBatch * TtLm.StateSize];
            straightModel.GetState(a);
            model.GetState(b);
            TrainingAsserts.BitEqual(a, b, kind + ": carried state");
            // Both final checkpoints hold the same run.
            Assert.Equal(File.ReadAllBytes(PathOf("straight.ckpt")), File.ReadAllBytes(PathOf("run.ckpt")));
        }

        [Fact]
        public void Resuming_from_a_checkpoint_written_before_the_first_validation_is_bit_identical()
        {
            // The checkpoint's validation history is then empty (zero-length arrays).
            TrainerOptions Options(string path, IProgress<TrainingProgress>? progress = null) =>
                new() { Steps = 8, ValidateEvery = 6, CheckpointEvery = 3, CheckpointPath = path, Progress = progress };
            var straightModel = new TtLm(20);
            var straight = new Trainer(Task(straightModel), new Adam(0.01f), Options(PathOf("early-straight.ckpt")));
            var expected = straight.Run();

            using var cancel = new CancellationTokenSource();
            var log = new ProgressLog { OnReport = p => { if (p.Step == 3) cancel.Cancel(); } };
            new Trainer(Task(new TtLm(20)), new Adam(0.01f), Options(PathOf("early.ckpt"), log)).Run(cancel.Token);
            Assert.Equal(new[] { 0 }, SafetensorsFile.Read(PathOf("early.ckpt")).Get("checkpoint.trainer.validation_loss").Shape);

            var model = new TtLm(21);
            var resumed = new Trainer(Task(model), new Adam(0.01f), Options(PathOf("early.ckpt")));
            Assert.True(resumed.Resume());
            Assert.Equal(3, resumed.Step);
            Assert.Empty(resumed.ValidationSteps.ToArray());
            Assert.Equal(expected, resumed.Run());
            TrainingAsserts.BitEqual(straightModel.Parameters, model.Parameters, "final parameters");
        }

        [Fact]
        public void Checkpoint_saves_the_caller_arrays_and_gives_them_back_only_when_the_whole_file_fits()
        {
            var model = new TtLm(22);
            var adam = new Adam(0.01f);
            var arrays = new Dictionary<string, float[]> { ["state"] = new[] { 1.5f, -2f, float.Epsilon }, ["empty"] = Array.Empty<float>() };
            Checkpoint.Save(PathOf("arrays.ckpt"), model.Parameters, TtLm.Tensors, adam, new Dictionary<string, string> { ["k"] = "v" }, arrays);

            var file = SafetensorsFile.Read(PathOf("arrays.ckpt"));
            Assert.Equal(new[] { 3 }, file.Get("checkpoint.state").Shape);
            var loaded = new Dictionary<string, float[]>();
            var parameters = new float[model.ParameterCount];
            var metadata = Checkpoint.Load(PathOf("arrays.ckpt"), parameters, TtLm.Tensors, new Adam(), loaded);
            Assert.Equal("v", metadata["k"]);
            TrainingAsserts.BitEqual(arrays["state"], loaded["state"], "array");
            Assert.Empty(loaded["empty"]);
            Assert.Equal(2, loaded.Count);
            TrainingAsserts.BitEqual(model.Parameters, parameters, "parameters");

            // A file that does not fit (other tensors) leaves the arrays dictionary untouched too.
            var untouched = new Dictionary<string, float[]>();
            Assert.Throws<SafetensorsException>(() => Checkpoint.Load(PathOf("arrays.ckpt"), new float[new TtLmOther(1).ParameterCount], TtLmOther.Tensors, null, untouched));
            Assert.Empty(untouched);
        }

        [Fact]
        public void Resume_without_a_checkpoint_file_returns_false_and_changes_nothing()
        {
            var model = new TtLm(2);
            var before = model.Parameters.ToArray();
            var trainer = new Trainer(Task(model), new Adam(0.01f), new TrainerOptions { Steps = 3, CheckpointPath = PathOf("missing.ckpt") });
            Assert.False(trainer.Resume());
            Assert.Equal(0, trainer.Step);
            TrainingAsserts.BitEqual(before, model.Parameters, "parameters");
            Assert.False(new Trainer(Task(model), new Adam(0.01f), new TrainerOptions { Steps = 3 }).Resume());
        }

        [Fact]
        public void The_checkpoint_holds_the_caller_metadata_and_loads_as_model_weights()
        {
            var model = new TtLm(3);
            var options = new TrainerOptions { Steps = 4, CheckpointPath = PathOf("meta.ckpt"), ValidateEvery = 0 };
            options.Metadata["vocabulary"] = "abcdefgh";
            new Trainer(Task(model), new Adam(0.01f), options).Run();
            var file = SafetensorsFile.Read(PathOf("meta.ckpt"));
            Assert.Equal("abcdefgh", file.Metadata["vocabulary"]);
            var copy = new TtLm(7);
            copy.LoadSafetensors(PathOf("meta.ckpt"));
            TrainingAsserts.BitEqual(model.Parameters, copy.Parameters, "weights loaded from the checkpoint");
        }

        [Fact]
        public void Early_stopping_stops_after_Patience_validations_without_a_new_best_and_RestoreBest_restores_the_best()
        {
            // Trained on the 16-cycle, validated on 0 1 2 … 7 (which shares half its transitions): the validation loss
            // falls for a while, then rises as the model learns what the two texts do not share.
            var validation = TrainerData.Text(200, cycle: s_increments);
            var snapshots = new Dictionary<int, float[]>();
            TtLm model = new(5);
            var log = new ProgressLog
            {
                OnReport = p => { if (p.Event is TrainingEvent.Validation or TrainingEvent.EarlyStop) snapshots[p.Step] = model.Parameters.ToArray(); },
            };
            var options = new TrainerOptions { Steps = 200, ValidateEvery = 4, Patience = 3, RestoreBest = true, Progress = log };
            var trainer = new Trainer(Task(model, TrainerData.Text(800), validation), new Adam(0.02f), options);
            var result = trainer.Run();

            var losses = trainer.ValidationLosses.ToArray();
            var steps = trainer.ValidationSteps.ToArray();
            _output.WriteLine("validation: " + string.Join(", ", steps.Zip(losses, (s, l) => $"{s}: {l:F3}")));
            Assert.True(result.StoppedEarly, "the run did not stop early");
            Assert.True(result.Steps < 200);
            Assert.Equal(trainer.Step, result.Steps);
            Assert.Equal(TrainingEvent.EarlyStop, log.Reports[^1].Event);
            Assert.Equal(result.Steps, steps[^1]);
            int best = Array.IndexOf(losses, losses.Min());
            Assert.Equal(losses.Min(), result.BestValidationLoss);
            Assert.Equal(steps[best], result.BestStep);
            // Exactly Patience validations after the best, none better; every earlier stretch shorter.
            Assert.Equal(3, losses.Length - 1 - best);
            Assert.True(result.BestStep > steps[0], "the first validation was the best: improvements are not tested");
            Assert.True(result.BestStep < result.Steps);
            TrainingAsserts.BitEqual(snapshots[result.BestStep], model.Parameters, "parameters after the run (RestoreBest)");
            Assert.True(TrainingAsserts.MaxDifference<float>(snapshots[result.Steps], model.Parameters) > 0, "the best and the last parameters are the same: RestoreBest is not tested");
        }

        [Fact]
        public void Resuming_after_the_best_validation_keeps_the_best_parameters_and_the_patience_count()
        {
            TrainerOptions Options(string path, IProgress<TrainingProgress>? progress = null) => new()
            {
                Steps = 200, ValidateEvery = 4, Patience = 3, RestoreBest = true, CheckpointEvery = 12, CheckpointPath = path, Progress = progress,
            };
            LanguageModelTask MakeTask(ILanguageModel m) => Task(m, TrainerData.Text(800), TrainerData.Text(200, cycle: s_increments));

            var straightModel = new TtLm(5);
            var straight = new Trainer(MakeTask(straightModel), new Adam(0.02f), Options(PathOf("es-straight.ckpt")));
            var expected = straight.Run();
            Assert.True(expected.StoppedEarly);
            Assert.True(expected.BestStep < 24 && expected.Steps > 24, $"the run stopped at {expected.Steps} with its best at {expected.BestStep}: step 24 does not fall between");

            using var cancel = new CancellationTokenSource();
            var log = new ProgressLog { OnReport = p => { if (p.Step == 24) cancel.Cancel(); } };
            new Trainer(MakeTask(new TtLm(5)), new Adam(0.02f), Options(PathOf("es.ckpt"), log)).Run(cancel.Token);

            var model = new TtLm(6);
            var resumed = new Trainer(MakeTask(model), new Adam(0.02f), Options(PathOf("es.ckpt")));
            Assert.True(resumed.Resume());
            Assert.Equal(24, resumed.Step);
            var result = resumed.Run();
            Assert.Equal(expected, result);
            TrainingAsserts.BitEqual(straightModel.Parameters, model.Parameters, "restored best parameters");
            TrainingAsserts.BitEqual(straight.ValidationLosses, resumed.ValidationLosses, "validation losses");
        }

        [Fact]
        public void Without_RestoreBest_the_run_ends_with_the_last_parameters()
        {
            var model = new TtLm(5);
            var options = new TrainerOptions { Steps = 200, ValidateEvery = 4, Patience = 3 };
            var trainer = new Trainer(Task(model, TrainerData.Text(800), TrainerData.Text(200, cycle: s_increments)), new Adam(0.02f), options);
            var result = trainer.Run();
            Assert.True(result.StoppedEarly);

            // The same run up to the step it stopped at, without early stopping, gives the same weights.
            var twin = new TtLm(5);
            new Trainer(Task(twin, TrainerData.Text(800), TrainerData.Text(200, cycle: s_increments)), new Adam(0.02f),
                new TrainerOptions { Steps = result.Steps, ValidateEvery = 4 }).Run();
            TrainingAsserts.BitEqual(twin.Parameters, model.Parameters, "parameters at the stop");
        }

        [Fact]
        public void RestoreBest_without_validation_data_keeps_the_trained_parameters()
        {
            // No validation text: every validation loss is NaN, so there is no best to restore.
            var model = new TtLm(6);
            var reference = new TtLm(6);
            var options = new TrainerOptions { Steps = 6, ValidateEvery = 2, RestoreBest = true };
            var result = new Trainer(new LanguageModelTask(model, s_shortText, ReadOnlyMemory<int>.Empty, Batch, Steps), new Adam(0.01f), options).Run();
            new Trainer(new LanguageModelTask(reference, s_shortText, ReadOnlyMemory<int>.Empty, Batch, Steps), new Adam(0.01f),
                new TrainerOptions { Steps = 6, ValidateEvery = 2 }).Run();
            Assert.True(float.IsNaN(result.ValidationLoss));
            Assert.Contains(model.Parameters.ToArray(), p => p != 0);
            TrainingAsserts.BitEqual(reference.Parameters, model.Parameters, "parameters after a RestoreBest run without validation data");
        }

        [Fact]
        public void Progress_reports_every_step_validation_and_checkpoint_in_order()
        {
            var log = new ProgressLog();
            var schedule = new CosineSchedule(0.02f, 2, 10, 0.002f);
            var options = new TrainerOptions
            {
                Steps = 10, ValidateEvery = 4, CheckpointEvery = 3, CheckpointPath = PathOf("progress.ckpt"), Schedule = schedule, Progress = log,
            };
            var trainer = new Trainer(Task(new TtLm(7)), new Adam(), options);
            trainer.Run();

            var expected = new (TrainingEvent, int)[]
            {
                (TrainingEvent.Step, 1), (TrainingEvent.Step, 2), (TrainingEvent.Step, 3), (TrainingEvent.Checkpoint, 3),
                (TrainingEvent.Validation, 4), (TrainingEvent.Step, 5), (TrainingEvent.Step, 6), (TrainingEvent.Checkpoint, 6),
                (TrainingEvent.Step, 7), (TrainingEvent.Validation, 8), (TrainingEvent.Step, 9), (TrainingEvent.Checkpoint, 9),
                (TrainingEvent.Validation, 10), (TrainingEvent.Checkpoint, 10),
            };
            Assert.Equal(expected, log.Reports.Select(r => (r.Event, r.Step)).ToArray());
            var losses = trainer.TrainLosses.ToArray();
            var validation = trainer.ValidationLosses.ToArray();
            var validationSteps = trainer.ValidationSteps.ToArray();
            Assert.Equal(new[] { 4, 8, 10 }, validationSteps);
            int previous = 0;
            foreach (var r in log.Reports)
            {
                Assert.True(r.Step >= previous, "steps went backwards");
                previous = r.Step;
                Assert.Equal(10, r.Steps);
                Assert.Equal(losses[r.Step - 1], r.Loss);
                Assert.Equal(schedule.At(r.Step - 1), r.LearningRate);
                Assert.True(float.IsFinite(r.SmoothedLoss) && r.SmoothedLoss > 0, $"smoothed loss {r.SmoothedLoss}");
                Assert.True(r.Elapsed >= TimeSpan.Zero && r.Remaining >= TimeSpan.Zero);
                int latest = Array.FindLastIndex(validationSteps, v => v <= r.Step);
                if (latest < 0) Assert.True(float.IsNaN(r.ValidationLoss), $"validation loss {r.ValidationLoss} before the first validation");
                else Assert.Equal(validation[latest], r.ValidationLoss);
            }
            // The bias-corrected moving average of the first step is the first loss.
            Assert.Equal(losses[0], log.Reports[0].SmoothedLoss, 5);
        }

        [Fact]
        public void A_checkpoint_of_another_model_size_throws_and_leaves_the_model_unchanged()
        {
            var other = new TtLmOther(1);
            new Trainer(Task(other), new Adam(0.01f), new TrainerOptions { Steps = 3, CheckpointPath = PathOf("other.ckpt") }).Run();

            var model = new TtLm(2);
            var task = Task(model);
            var adam = new Adam(0.01f);
            var trainer = new Trainer(task, adam, new TrainerOptions { Steps = 10, CheckpointPath = PathOf("other.ckpt") });
            var before = model.Parameters.ToArray();
            var random = model.DropoutRandom.GetState();
            var e = Assert.Throws<SafetensorsException>(() => trainer.Resume());
            Assert.Contains("recurrent.weight_ih_l0", e.Message);
            TrainingAsserts.BitEqual(before, model.Parameters, "parameters after a failed resume");
            Assert.Equal(random, model.DropoutRandom.GetState());
            Assert.Equal(0, trainer.Step);
            Assert.Equal(0, adam.StepCount);
            Assert.Equal(0, task.Batcher.Position);
            Assert.Equal(0, model.StateBatch);

            // The trainer still trains from where it was.
            var reference = new TtLm(2);
            new Trainer(Task(reference), new Adam(0.01f), new TrainerOptions { Steps = 2 }).Run();
            new Trainer(task, new Adam(0.01f), new TrainerOptions { Steps = 2 }).Run();
            TrainingAsserts.BitEqual(reference.Parameters, model.Parameters, "training after the failed resume");
        }

        [Fact]
        public void A_checkpoint_past_the_run_throws_and_leaves_model_and_optimizer_unchanged()
        {
            var first = new TtLm(8);
            new Trainer(Task(first), new Adam(0.01f), new TrainerOptions { Steps = 6, CheckpointPath = PathOf("long.ckpt") }).Run();

            var model = new TtLm(9);
            var adam = new Adam(0.01f);
            var trainer = new Trainer(Task(model), adam, new TrainerOptions { Steps = 4, CheckpointPath = PathOf("long.ckpt") });
            var before = model.Parameters.ToArray();
            Assert.Throws<SafetensorsException>(() => trainer.Resume());
            TrainingAsserts.BitEqual(before, model.Parameters, "parameters after a failed resume");
            Assert.Equal(0, trainer.Step);
            // "A checkpoint that does not fit this model, optimizer or run throws and changes nothing."
            Assert.Equal(0, adam.StepCount);
            Assert.All(TrainerData.OptimizerState(adam), v => Assert.Equal(0f, v));
        }

        [Fact]
        public void A_checkpoint_of_another_text_throws_and_leaves_model_and_optimizer_unchanged()
        {
            // Written at data position 10 of a long text; this task's text has 3 chunks per stream.
            var first = new TtLm(10);
            var longTask = new LanguageModelTask(first, TrainerData.Text(800), s_validation, Batch, Steps);
            new Trainer(longTask, new Adam(0.01f), new TrainerOptions { Steps = 10, CheckpointPath = PathOf("text.ckpt") }).Run();
            Assert.Equal(10, longTask.Batcher.Position);

            var model = new TtLm(11);
            var task = Task(model);
            var adam = new Adam(0.01f);
            var trainer = new Trainer(task, adam, new TrainerOptions { Steps = 20, CheckpointPath = PathOf("text.ckpt") });
            var before = model.Parameters.ToArray();
            var random = model.DropoutRandom.GetState();
            Assert.Throws<SafetensorsException>(() => trainer.Resume());
            TrainingAsserts.BitEqual(before, model.Parameters, "parameters after a failed resume");
            Assert.Equal(random, model.DropoutRandom.GetState());
            Assert.Equal(0, task.Batcher.Position);
            Assert.Equal(0, trainer.Step);
            Assert.Equal(0, adam.StepCount);
        }

        [Fact]
        public void A_checkpoint_of_another_optimizer_throws_and_leaves_model_task_and_optimizer_unchanged()
        {
            new Trainer(Task(new TtLm(16)), new Adam(0.01f), new TrainerOptions { Steps = 4, CheckpointPath = PathOf("adam.ckpt") }).Run();

            var model = new TtLm(17);
            var task = Task(model);
            var sgd = new Sgd(0.1f, momentum: 0.9f);
            // Two steps first, so that there is a carried state, a data position and a dropout stream to keep.
            new Trainer(task, sgd, new TrainerOptions { Steps = 2 }).Run();
            var trainer = new Trainer(task, sgd, new TrainerOptions { Steps = 10, CheckpointPath = PathOf("adam.ckpt") });
            var parameters = model.Parameters.ToArray();
            var random = model.DropoutRandom.GetState();
            var state = new float[model.StateBatch * TtLm.StateSize];
            model.GetState(state);
            int position = task.Batcher.Position;

            var e = Assert.Throws<SafetensorsException>(() => trainer.Resume());
            Assert.Contains("Adam", e.Message);
            TrainingAsserts.BitEqual(parameters, model.Parameters, "parameters");
            Assert.Equal(random, model.DropoutRandom.GetState());
            Assert.Equal(position, task.Batcher.Position);
            var after = new float[model.StateBatch * TtLm.StateSize];
            model.GetState(after);
            TrainingAsserts.BitEqual(state, after, "carried state");
            Assert.Equal(0, trainer.Step);
        }

        [Fact]
        public void A_diverging_run_throws_and_leaves_the_last_checkpoint_as_it_was()
        {
            var model = new TtLm(12);
            new Trainer(Task(model), new Adam(0.01f), new TrainerOptions { Steps = 3, CheckpointPath = PathOf("diverge.ckpt") }).Run();
            var saved = File.ReadAllBytes(PathOf("diverge.ckpt"));
            var bias = TtLm.Tensors.Single(t => t.Name == "dense.bias");
            model.Parameters.Slice(bias.Offset, bias.Length).Fill(float.NaN);
            var trainer = new Trainer(Task(model), new Adam(0.01f), new TrainerOptions { Steps = 6, CheckpointPath = PathOf("diverge.ckpt"), CheckpointEvery = 1 });
            var e = Assert.Throws<InvalidOperationException>(() => trainer.Run());
            Assert.Contains("diverged", e.Message);
            Assert.Equal(0, trainer.Step);
            Assert.Equal(saved, File.ReadAllBytes(PathOf("diverge.ckpt")));
        }

        [Fact]
        public void Options_and_task_arguments_are_checked()
        {
            var model = new TtLm(1);
            var task = Task(model);
            Assert.Equal("options", Assert.Throws<ArgumentException>(() => new Trainer(task, new Adam(), new TrainerOptions { Steps = 0 })).ParamName);
            Assert.Equal("options", Assert.Throws<ArgumentException>(() => new Trainer(task, new Adam(), new TrainerOptions { ValidateEvery = -1 })).ParamName);
            Assert.Equal("options", Assert.Throws<ArgumentException>(() => new Trainer(task, new Adam(), new TrainerOptions { ClipNorm = float.NaN })).ParamName);
            foreach (string key in new[] { "trainer.step", "task.position" })
            {
                var options = new TrainerOptions();
                options.Metadata[key] = "1";
                Assert.Equal("options", Assert.Throws<ArgumentException>(() => new Trainer(task, new Adam(), options)).ParamName);
            }
            Assert.Equal("validationTokens", Assert.Throws<ArgumentException>(() => new LanguageModelTask(model, s_shortText, new int[Steps], Batch, Steps)).ParamName);
            Assert.Equal(Batch, task.ValidationStreams);
            Assert.Equal(2, new LanguageModelTask(model, s_shortText, new int[2 * (Steps + 1) + 3], Batch, Steps).ValidationStreams);
            Assert.Equal(0, new LanguageModelTask(model, s_shortText, ReadOnlyMemory<int>.Empty, Batch, Steps).ValidationStreams);
            Assert.True(float.IsNaN(new LanguageModelTask(model, s_shortText, ReadOnlyMemory<int>.Empty, Batch, Steps).Validate()));
            Assert.Equal(Batch * Steps, task.TokensPerStep);
            Assert.True(model.Stateful, "LanguageModelTask switches the model to stateful");
        }

        // ── LanguageModelTask ───────────────────────────────────────────────────────────────────────────────────────────
        [Fact]
        public void Validate_is_the_mean_loss_over_every_validation_chunk_from_a_zero_state_with_dropout_off()
        {
            var model = new TtLm(13);
            var validation = TrainerData.Text(100, offset: 3);   // B' = min(4, ⌊100 / 9⌋) = 4 streams of 25: 3 chunks
            var task = new LanguageModelTask(model, s_shortText, validation, Batch, Steps);
            for (int i = 0; i < 2; i++) { model.ZeroGradients(); task.TrainStep(); }
            float value = task.Validate();

            // Computed here: a copy of the weights, the streams cut by hand.
            var copy = new TtLm(0);
            model.Parameters.CopyTo(copy.Parameters);
            copy.Stateful = true;
            int streams = Math.Min(Batch, validation.Length / (Steps + 1)), length = validation.Length / streams, chunks = (length - 1) / Steps;
            Assert.Equal(4, streams);
            Assert.Equal(3, chunks);
            double sum = 0;
            for (int c = 0; c < chunks; c++)
            {
                var inputs = new int[streams * Steps];
                var targets = new int[streams * Steps];
                for (int b = 0; b < streams; b++)
                    for (int t = 0; t < Steps; t++)
                    {
                        inputs[b * Steps + t] = validation[b * length + c * Steps + t];
                        targets[b * Steps + t] = validation[b * length + c * Steps + t + 1];
                    }
                sum += copy.Evaluate(inputs, streams, targets);
            }
            Assert.Equal((float)(sum / chunks), value);
            Assert.Equal(value, task.Validate());
        }

        [Fact]
        public void Validate_leaves_the_carried_training_state_unchanged()
        {
            var model = new TtLm(14);
            var twin = new TtLm(14);
            var task = Task(model);
            var twinTask = Task(twin);
            for (int i = 0; i < 2; i++)
            {
                model.ZeroGradients();
                twin.ZeroGradients();
                Assert.Equal(twinTask.TrainStep(), task.TrainStep());
            }
            var state = new float[model.StateBatch * TtLm.StateSize];
            model.GetState(state);
            var random = model.DropoutRandom.GetState();
            int position = task.Batcher.Position;
            Assert.True(model.Training);
            Assert.Contains(state, v => v != 0);

            float loss = task.Validate();
            Assert.True(float.IsFinite(loss));
            Assert.Equal(Batch, model.StateBatch);
            var after = new float[model.StateBatch * TtLm.StateSize];
            model.GetState(after);
            TrainingAsserts.BitEqual(state, after, "carried state after Validate");
            Assert.Equal(random, model.DropoutRandom.GetState());
            Assert.Equal(position, task.Batcher.Position);
            Assert.True(model.Training);
            Assert.True(model.Stateful);

            // Training goes on as if Validate had not happened.
            for (int i = 0; i < 3; i++)
            {
                model.ZeroGradients();
                twin.ZeroGradients();
                Assert.Equal(twinTask.TrainStep(), task.TrainStep());
                TrainingAsserts.BitEqual(twin.Gradients, model.Gradients, $"gradients of step {i} after Validate");
            }
        }

        [Fact]
        public void TrainStep_carries_the_state_between_chunks_and_resets_it_when_the_streams_wrap()
        {
            var model = new TtLm(15);
            var task = Task(model);
            Assert.Equal(3, task.Batcher.ChunksPerEpoch);
            int[] inputs = new int[Batch * Steps], targets = new int[Batch * Steps];
            var batcher = new TokenStreamBatcher(s_shortText, Batch, Steps);
            for (int step = 0; step < 7; step++)
            {
                // What the step should compute, from a copy: the chunk, from the carried state (zeros at chunk 0), dropout on.
                bool wrap = batcher.Next(inputs, targets);
                var copy = new TtLm(0);
                model.Parameters.CopyTo(copy.Parameters);
                copy.DropoutRandom.SetState(model.DropoutRandom.GetState());
                copy.Training = true;
                copy.Stateful = true;
                if (!wrap)
                {
                    var state = new float[model.StateBatch * TtLm.StateSize];
                    model.GetState(state);
                    copy.SetState(state, model.StateBatch);
                }
                Assert.Equal(step % 3 == 0, wrap);
                float expected = copy.Backward(inputs, Batch, targets);
                model.ZeroGradients();
                Assert.Equal(expected, task.TrainStep());
                TrainingAsserts.BitEqual(copy.Gradients, model.Gradients, $"gradients of step {step}");
            }
        }
    }

    /// <summary>Trainer tests that change or depend on the process-wide kernel thread count.</summary>
    [Collection(KernelOptionsCollection.Name)]
    public sealed class TrainerThreadTests : IDisposable
    {
        private readonly int _threads = KernelOptions.MaxThreads;

        public void Dispose() => KernelOptions.MaxThreads = _threads;

        private static int ParallelCalls()
        {
            var type = typeof(KernelOptions).Assembly.GetType("Rnn.Kernels.KernelParallel");
            var property = type?.GetProperty("ParallelRuns", BindingFlags.NonPublic | BindingFlags.Static);
            return property?.GetValue(null) is int n ? n : -1;
        }

        [Fact]
        public void One_and_two_kernel_threads_train_to_bit_identical_weights()
        {
            var text = new int[16 * 60];
            for (int i = 0; i < text.Length; i++) text[i] = (i * 5 + i / 7) % 32;
            (float[] Parameters, float[] Losses, float[] Validation) Run(int threads)
            {
                KernelOptions.MaxThreads = threads;
                var model = new TtBigLm(1);
                var task = new LanguageModelTask(model, text.AsMemory(0, 16 * 50), text.AsMemory(16 * 50), batch: 16, steps: 16);
                var trainer = new Trainer(task, new Adam(0.005f), new TrainerOptions { Steps = 5, ValidateEvery = 2, ClipNorm = 1 });
                trainer.Run();
                return (model.Parameters.ToArray(), trainer.TrainLosses.ToArray(), trainer.ValidationLosses.ToArray());
            }

            int parallelBefore = ParallelCalls();
            var one = Run(1);
            int afterOne = ParallelCalls();
            var two = Run(2);
            if (parallelBefore >= 0)
            {
                Assert.Equal(parallelBefore, afterOne);
                Assert.True(ParallelCalls() > afterOne, "with MaxThreads = 2 no kernel ran in parallel: the test does not test what it says");
            }
            TrainingAsserts.BitEqual(one.Losses, two.Losses, "training losses");
            TrainingAsserts.BitEqual(one.Validation, two.Validation, "validation losses");
            TrainingAsserts.BitEqual(one.Parameters, two.Parameters, "final parameters");
        }

        /// <summary>The fewest bytes any of three rounds of <paramref name="calls"/> warmed-up calls allocated.</summary>
        private static long Allocated(Action action, int calls) => SteadyState.FewestBytes(action, calls, warmUpCalls: calls);

        [Fact]
        public void Steady_state_training_steps_allocate_nothing()
        {
            KernelOptions.MaxThreads = 1;
            var text = TrainerData.Text(4 * 40);
            foreach (ILanguageModel model in new ILanguageModel[] { new TtLm(1), new DynamicLanguageModel(CellType.Gru, 8, 6, 12, 2, dropout: 0.2f, recurrentDropout: 0.1f, seed: 1) })
            {
                var task = new LanguageModelTask(model, text, TrainerData.Text(60), batch: 4, steps: 8);
                var adam = new Adam(0.01f);
                void Step()
                {
                    model.ZeroGradients();
                    task.TrainStep();
                    Gradients.ClipByNorm(model.Gradients, 1f);
                    adam.Step(model.Parameters, model.Gradients);
                }
                // Enough calls per round to cross an epoch boundary (4 chunks per epoch): the reset allocates nothing either.
                long bytes = Allocated(Step, calls: 10);
                Assert.True(bytes == 0, $"{model.GetType().Name}: 10 training steps allocated {bytes} bytes");
                long validate = Allocated(() => task.Validate(), calls: 3);
                Assert.True(validate == 0, $"{model.GetType().Name}: Validate allocated {validate} bytes");
            }
        }

        [Fact]
        public void Trainer_Run_allocates_nothing_per_step()
        {
            // The bytes of a 40-step run equal those of a 10-step run: whatever Run allocates, it does not per step.
            KernelOptions.MaxThreads = 1;
            var model = new TtLm(2);
            var task = new LanguageModelTask(model, TrainerData.Text(4 * 40), TrainerData.Text(60), batch: 4, steps: 8);
            var adam = new Adam(0.01f);
            new Trainer(task, adam, new TrainerOptions { Steps = 20, ValidateEvery = 0, ClipNorm = 1 }).Run();   // warm-up
            long Measure(int steps)
            {
                var trainer = new Trainer(task, adam, new TrainerOptions { Steps = steps, ValidateEvery = 0, ClipNorm = 1 });
                long before = GC.GetAllocatedBytesForCurrentThread();
                trainer.Run();
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
            long fewest10 = long.MaxValue, fewest40 = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                fewest10 = Math.Min(fewest10, Measure(10));
                fewest40 = Math.Min(fewest40, Measure(40));
            }
            Assert.True(fewest40 == fewest10, $"Run allocated {fewest10} bytes for 10 steps and {fewest40} for 40");
        }
    }
}
