using System.Globalization;
using Rnn.Layers;

namespace CharLmSample;

/// <summary>Everything a run depends on. The settings that shape the model and the training trajectory are saved in the checkpoint.</summary>
public sealed record Settings
{
    public string? Text { get; init; }
    public int Steps { get; init; } = 1200;
    public string Cell { get; init; } = "lstm";
    public int Hidden { get; init; } = CharModel.DefaultHidden;
    public int Layers { get; init; } = CharModel.DefaultLayers;
    public int Embedding { get; init; } = CharModel.DefaultEmbedding;
    public int Batch { get; init; } = 32;
    public int SeqLen { get; init; } = 64;
    public float LearningRate { get; init; } = 3e-3f;
    public string Schedule { get; init; } = "cosine";
    public float Clip { get; init; } = 5f;
    public float Dropout { get; init; }
    public int Seed { get; init; } = 1;
    public int ValidateEvery { get; init; } = 200;
    public int CheckpointEvery { get; init; } = 100;
    public int SampleLength { get; init; } = 600;
    public float Temperature { get; init; } = 0.8f;
    public int TopK { get; init; }
    public float TopP { get; init; } = 1f;
    public string Prime { get; init; } = "/// ";
    public string Checkpoint { get; init; } = Path.Combine("runs", "charlm", "charlm.ckpt");
    public bool Resume { get; init; }

    public CellType CellType => Cell switch
    {
        "lstm" => CellType.Lstm,
        "gru" => CellType.Gru,
        "rnn" => CellType.RnnTanh,
        _ => throw new ArgumentException($"--cell {Cell} is not a cell: use lstm, gru or rnn."),
    };

    /// <summary>Warm-up steps of the cosine schedule: a tenth of the run, at most 100.</summary>
    public int WarmupSteps => Math.Min(100, Steps / 10);

    /// <summary>The settings saved in a checkpoint's metadata, keyed "charlm.*".</summary>
    public IEnumerable<KeyValuePair<string, string>> ToMetadata()
    {
        yield return new("charlm.steps", Format(Steps));
        yield return new("charlm.cell", Cell);
        yield return new("charlm.hidden", Format(Hidden));
        yield return new("charlm.layers", Format(Layers));
        yield return new("charlm.embedding", Format(Embedding));
        yield return new("charlm.batch", Format(Batch));
        yield return new("charlm.seq_len", Format(SeqLen));
        yield return new("charlm.lr", Format(LearningRate));
        yield return new("charlm.schedule", Schedule);
        yield return new("charlm.clip", Format(Clip));
        yield return new("charlm.dropout", Format(Dropout));
        yield return new("charlm.seed", Format(Seed));
        yield return new("charlm.validate_every", Format(ValidateEvery));
    }

    /// <summary>These settings with the model and trajectory settings a checkpoint saved.</summary>
    public Settings WithCheckpoint(IReadOnlyDictionary<string, string> m) => this with
    {
        Steps = Int(m, "charlm.steps"),
        Cell = m["charlm.cell"],
        Hidden = Int(m, "charlm.hidden"),
        Layers = Int(m, "charlm.layers"),
        Embedding = Int(m, "charlm.embedding"),
        Batch = Int(m, "charlm.batch"),
        SeqLen = Int(m, "charlm.seq_len"),
        LearningRate = Float(m, "charlm.lr"),
        Schedule = m["charlm.schedule"],
        Clip = Float(m, "charlm.clip"),
        Dropout = Float(m, "charlm.dropout"),
        Seed = Int(m, "charlm.seed"),
        ValidateEvery = Int(m, "charlm.validate_every"),
    };

    private static string Format(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static int Int(IReadOnlyDictionary<string, string> m, string key) => int.Parse(m[key], CultureInfo.InvariantCulture);
    private static float Float(IReadOnlyDictionary<string, string> m, string key) => float.Parse(m[key], CultureInfo.InvariantCulture);
}
