using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace Rnn.Models.Tests
{
    /// <summary>Training an encoder–decoder through the shared Trainer: the loss falls, and a resumed run is bit-identical.</summary>
    public sealed class Seq2SeqTaskTests : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("rnn-seq2seq-task-").FullName;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        /// <summary>Reversal pairs of 2–6 source tokens 3…6, mapped into the target vocabulary of <see cref="S2sReverser"/>.</summary>
        private static (List<int[]> Sources, List<int[]> Targets) Pairs(int count, int seed)
        {
            var random = new RandomSource((ulong)seed);
            var sources = new List<int[]>();
            var targets = new List<int[]>();
            for (int i = 0; i < count; i++)
            {
                var s = new int[2 + random.NextInt(5)];
                for (int t = 0; t < s.Length; t++) s[t] = 3 + random.NextInt(4);
                sources.Add(s);
                targets.Add(s.Reverse().Select(x => x).ToArray());   // ids 3…6 are neither start (1) nor end (2)
            }
            return (sources, targets);
        }

        private static Seq2SeqTask Task(ISeq2SeqModel model, int batch = 16)
        {
            var (s, t) = Pairs(200, 1);
            var (vs, vt) = Pairs(40, 2);
            return new Seq2SeqTask(model, s, t, vs, vt, batch, seed: 3);
        }

        private TrainerOptions Options(string name, IProgress<TrainingProgress>? progress = null) => new()
        {
            Steps = 20, ValidateEvery = 8, CheckpointEvery = 5, ClipNorm = 5,
            CheckpointPath = Path.Combine(_directory, name), Progress = progress,
        };

        [Fact]
        public void Validation_loss_falls()
        {
            var model = new S2sReverser(1);
            var task = Task(model);
            float before = task.Validate();
            var trainer = new Trainer(task, new Adam(0.02f), new TrainerOptions { Steps = 60, ValidateEvery = 60, ClipNorm = 5 });
            var result = trainer.Run();
            Assert.True(result.ValidationLoss < before * 0.5f, $"validation loss {before} → {result.ValidationLoss}");
            Assert.Equal(200, task.Count);
        }

        [Fact]
        public void A_resumed_run_with_teacher_forcing_below_one_ends_with_the_uninterrupted_weights()
        {
            var straight = new S2sReverser(4) { TeacherForcing = 0.7f };
            var expected = new Trainer(Task(straight), new Adam(0.02f), Options("straight.ckpt")).Run();

            using var cancel = new CancellationTokenSource();
            var first = new S2sReverser(4) { TeacherForcing = 0.7f };
            new Trainer(Task(first), new Adam(0.02f), Options("run.ckpt", new Stop(cancel, 10))).Run(cancel.Token);

            var model = new S2sReverser(9) { TeacherForcing = 0.7f };   // another initialisation: the checkpoint must restore everything
            var resumed = new Trainer(Task(model), new Adam(0.02f), Options("run.ckpt"));
            Assert.True(resumed.Resume());
            Assert.Equal(10, resumed.Step);
            Assert.Equal(expected, resumed.Run());
            Assert.Equal(straight.Parameters.ToArray(), model.Parameters.ToArray());
            Assert.Equal(File.ReadAllBytes(Path.Combine(_directory, "straight.ckpt")), File.ReadAllBytes(Path.Combine(_directory, "run.ckpt")));
        }

        private sealed class Stop(CancellationTokenSource cancel, int step) : IProgress<TrainingProgress>
        {
            public void Report(TrainingProgress p)
            {
                if (p.Step == step && p.Event == TrainingEvent.Checkpoint) cancel.Cancel();
            }
        }
    }
}
