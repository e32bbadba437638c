using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Rnn.Tests;

public sealed class CheckpointTests : IDisposable
{
    // A 37-value block (odd: exercises the optimizers' scalar tails) in two tensors.
    private static readonly TensorInfo[] Tensors = [new("layer.weight", 0, [5, 5]), new("layer.bias", 25, [12])];
    private const int Count = 37;

    private readonly string directory = Directory.CreateTempSubdirectory("rnn-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    [Fact]
    public void RoundTrip_RestoresParametersAdamStateAndMetadata()
    {
        float[] parameters = RandomBlock(1);
        var adam = new Adam(learningRate: 0.01f);
        var random = new RandomSource(2);
        for (int i = 0; i < 3; i++)
        {
            adam.Step(parameters, RandomBlock(random));
        }

        string path = PathOf("a.ckpt");
        Checkpoint.Save(path, parameters, Tensors, adam, new Dictionary<string, string> { ["step"] = "3", ["note"] = "ünïcode" });

        var restored = new float[Count];
        var fresh = new Adam(learningRate: 0.5f);
        IReadOnlyDictionary<string, string> metadata = Checkpoint.Load(path, restored, Tensors, fresh);
        Assert.Equal(Bits(parameters), Bits(restored));
        Assert.Equal(3, fresh.StepCount);
        Assert.Equal(0.01f, fresh.LearningRate);
        foreach (string name in adam.StateNames)
        {
            Assert.Equal(Bits(adam.GetState(name).ToArray()), Bits(fresh.GetState(name).ToArray()));
        }

        Assert.Equal(new Dictionary<string, string> { ["step"] = "3", ["note"] = "ünïcode" }, metadata);

        // The file is plain safetensors: weights under their names (so a model can load them), state as flat tensors.
        SafetensorsFile file = SafetensorsFile.Read(path);
        Assert.Equal([5, 5], file.Get("layer.weight").Shape);
        Assert.Equal([Count], file.Get("optimizer.exp_avg").Shape);
        Assert.Equal([Count], file.Get("optimizer.exp_avg_sq").Shape);
        Assert.Equal("Adam", file.Metadata["optimizer.type"]);
        Assert.Equal("3", file.Metadata["optimizer.step_count"]);

        // Parameters only: the optimizer's entries are ignored.
        var only = new float[Count];
        Checkpoint.Load(path, only, Tensors, optimizer: null);
        Assert.Equal(Bits(parameters), Bits(only));
    }

    public static TheoryData<string> Optimizers => ["adam", "adamw", "sgd", "plain-sgd"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ResumingAtStep5_IsBitIdenticalToAnUninterruptedRun(string kind)
    {
        var schedule = new CosineSchedule(0.05f, 2, 10, 0.001f);

        // Uninterrupted: 10 steps.
        float[] straight = RandomBlock(10);
        Optimizer optimizer = Make(kind);
        var random = new RandomSource(20);
        for (int step = 0; step < 10; step++)
        {
            TrainStep(straight, optimizer, random, schedule);
        }

        // Interrupted: 5 steps, checkpoint, fresh objects, restore, 5 more.
        float[] first = RandomBlock(10);
        Optimizer before = Make(kind);
        var randomBefore = new RandomSource(20);
        for (int step = 0; step < 5; step++)
        {
            TrainStep(first, before, randomBefore, schedule);
        }

        string path = PathOf("resume.ckpt");
        Checkpoint.Save(path, first, Tensors, before, new Dictionary<string, string>
        {
            ["step"] = "5",
            ["random"] = Checkpoint.FormatRandomState(randomBefore),
        });

        var resumed = new float[Count];
        Optimizer after = Make(kind);
        var randomAfter = new RandomSource(999);
        IReadOnlyDictionary<string, string> metadata = Checkpoint.Load(path, resumed, Tensors, after);
        Checkpoint.RestoreRandomState(randomAfter, metadata["random"]);
        for (int step = int.Parse(metadata["step"], CultureInfo.InvariantCulture); step < 10; step++)
        {
            TrainStep(resumed, after, randomAfter, schedule);
        }

        Assert.Equal(Bits(straight), Bits(resumed));
        Assert.Equal(10, after.StepCount);
        Assert.NotEqual(Bits(first), Bits(resumed));
    }

    [Fact]
    public void UnsteppedOptimizer_SavesZeroState_ThatResumesLikeAFreshOne()
    {
        float[] parameters = RandomBlock(3);
        string path = PathOf("zero.ckpt");
        Checkpoint.Save(path, parameters, Tensors, new Adam(), new Dictionary<string, string>());
        var adam = new Adam();
        Checkpoint.Load(path, new float[Count], Tensors, adam);
        Assert.Equal(0, adam.StepCount);
        Assert.All(adam.GetState("exp_avg").ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TruncatedCheckpoint_Throws_AndChangesNothing()
    {
        string good = PathOf("good.ckpt");
        Checkpoint.Save(good, RandomBlock(4), Tensors, Stepped(new Adam(), 4), new Dictionary<string, string> { ["step"] = "4" });
        byte[] bytes = File.ReadAllBytes(good);

        foreach (int length in new[] { 0, 5, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            string bad = PathOf($"cut{length}.ckpt");
            File.WriteAllBytes(bad, bytes[..length]);
            AssertLoadFailsAndChangesNothing(bad, new Adam());
        }
    }

    [Fact]
    public void MismatchedCheckpoints_ThrowNamingTheProblem_AndChangeNothing()
    {
        string path = PathOf("m.ckpt");
        Checkpoint.Save(path, RandomBlock(5), Tensors, Stepped(new Adam(), 2), new Dictionary<string, string>());

        // Another optimizer type.
        Assert.Contains("AdamW", AssertLoadFailsAndChangesNothing(path, new AdamW()).Message);

        // No optimizer state in the file.
        string weightsOnly = PathOf("w.ckpt");
        Checkpoint.Save(weightsOnly, RandomBlock(5), Tensors, null, new Dictionary<string, string>());
        Assert.Contains("no optimizer state", AssertLoadFailsAndChangesNothing(weightsOnly, new Adam()).Message);

        // Another shape for a tensor.
        string reshaped = PathOf("r.ckpt");
        TensorInfo[] other = [new("layer.weight", 0, [25]), new("layer.bias", 25, [12])];
        Checkpoint.Save(reshaped, RandomBlock(5), other, Stepped(new Adam(), 2), new Dictionary<string, string>());
        var e = AssertLoadFailsAndChangesNothing(reshaped, new Adam());
        Assert.Equal("layer.weight", e.TensorName);
        Assert.Contains("[5, 5]", e.Message);

        // A plain model file is not a checkpoint.
        string model = PathOf("model.safetensors");
        ModelFiles.Save<float>(model, RandomBlock(5), Tensors);
        Assert.Contains("not a checkpoint", AssertLoadFailsAndChangesNothing(model, new Adam()).Message);

        // A damaged optimizer tensor (wrong length).
        var writer = new SafetensorsWriter();
        SafetensorsFile good = SafetensorsFile.Read(path);
        foreach (KeyValuePair<string, string> pair in good.Metadata)
        {
            writer.Metadata[pair.Key] = pair.Value;
        }

        writer.Add("layer.weight", good.ToArray<float>("layer.weight"), 5, 5);
        writer.Add("layer.bias", good.ToArray<float>("layer.bias"), 12);
        writer.Add("optimizer.exp_avg", good.ToArray<float>("optimizer.exp_avg"), Count);
        writer.Add("optimizer.exp_avg_sq", new float[Count - 1], Count - 1);
        string damaged = PathOf("d.ckpt");
        writer.Save(damaged);
        Assert.Equal("optimizer.exp_avg_sq", AssertLoadFailsAndChangesNothing(damaged, new Adam()).TensorName);
    }

    [Fact]
    public void ExistingCheckpoint_SurvivesAFailedSave()
    {
        string path = PathOf("keep.ckpt");
        Checkpoint.Save(path, RandomBlock(6), Tensors, Stepped(new Adam(), 1), new Dictionary<string, string> { ["step"] = "1" });
        byte[] before = File.ReadAllBytes(path);

        // Fails while writing (the writer meets the null value inside the atomic write): the temporary file is removed.
        var nullValue = new Dictionary<string, string> { ["step"] = null! };
        Assert.Throws<InvalidOperationException>(() => Checkpoint.Save(path, RandomBlock(7), Tensors, Stepped(new Adam(), 2), nullValue));

        // Fails before writing: reserved key, tensor outside the block, state for another block size.
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, RandomBlock(7), Tensors, null, new Dictionary<string, string> { ["optimizer.x"] = "1" }));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, new float[30], Tensors, null, new Dictionary<string, string>()));
        var wrongSize = new Adam();
        wrongSize.Step(new float[3], new float[3]);
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, RandomBlock(7), Tensors, wrongSize, new Dictionary<string, string>()));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.ckpt"], Directory.GetFiles(directory).Select(Path.GetFileName));
        Assert.Equal("1", Checkpoint.Load(path, new float[Count], Tensors, new Adam())["step"]);
    }

    [Fact]
    public void RandomStateText_RoundTrips_AndRejectsGarbage()
    {
        var random = new RandomSource(5);
        random.NextNormal();
        string text = Checkpoint.FormatRandomState(random);
        var copy = new RandomSource(6);
        Checkpoint.RestoreRandomState(copy, text);
        Assert.Equal(random.NextNormal(), copy.NextNormal());
        Assert.Equal(random.NextUInt64(), copy.NextUInt64());
        ulong[] state = copy.GetState();
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => Checkpoint.RestoreRandomState(copy, "12,zz")).ParamName);
        Assert.Throws<ArgumentException>(() => Checkpoint.RestoreRandomState(copy, "1,2,3"));
        Assert.Equal(state, copy.GetState());
    }

    private SafetensorsException AssertLoadFailsAndChangesNothing(string path, Optimizer target)
    {
        float[] parameters = RandomBlock(100);
        Stepped(target, 3, parameters);
        float[] parametersBefore = (float[])parameters.Clone();
        var statesBefore = target.StateNames.Select(n => target.GetState(n).ToArray()).ToArray();
        float rateBefore = target.LearningRate;

        var e = Assert.Throws<SafetensorsException>(() => Checkpoint.Load(path, parameters, Tensors, target));
        Assert.Equal(Bits(parametersBefore), Bits(parameters));
        Assert.Equal(3, target.StepCount);
        Assert.Equal(rateBefore, target.LearningRate);
        for (int i = 0; i < statesBefore.Length; i++)
        {
            Assert.Equal(Bits(statesBefore[i]), Bits(target.GetState(target.StateNames[i]).ToArray()));
        }

        return e;
    }

    private static Optimizer Make(string kind) => kind switch
    {
        "adam" => new Adam(learningRate: 0.05f),
        "adamw" => new AdamW(learningRate: 0.05f, weightDecay: 0.1f),
        "sgd" => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
        _ => new Sgd(0.05f),
    };

    /// <summary>
    /// A quadratic loss ½‖p − c‖² with noisy gradients p − c + 0.1·N(0, 1), 37 normals per step, so the Box–Muller
    /// pair is split across steps and the checkpoint must carry the pending value.
    /// </summary>
    private static void TrainStep(float[] parameters, Optimizer optimizer, RandomSource random, LearningRateSchedule schedule)
    {
        var gradients = new float[Count];
        for (int i = 0; i < Count; i++)
        {
            gradients[i] = (float)(parameters[i] - (0.1 * i) + (0.1 * random.NextNormal()));
        }

        optimizer.LearningRate = schedule.At(optimizer.StepCount);
        optimizer.Step(parameters, gradients);
    }

    private static Optimizer Stepped(Optimizer optimizer, int steps, float[]? parameters = null)
    {
        parameters ??= RandomBlock(50);
        var random = new RandomSource(51);
        for (int i = 0; i < steps; i++)
        {
            optimizer.Step(parameters, RandomBlock(random));
        }

        return optimizer;
    }

    private static float[] RandomBlock(ulong seed) => RandomBlock(new RandomSource(seed));

    private static float[] RandomBlock(RandomSource random)
    {
        var block = new float[Count];
        random.FillNormal(block.AsSpan(), 0f, 1f);
        return block;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
