namespace DateTranslatorSample;

/// <summary>Everything a run depends on; the defaults train in about three minutes on two cores.</summary>
public sealed record Settings
{
    public int Seed { get; init; } = 1;
    public int Steps { get; init; } = 2500;
    public int Batch { get; init; } = 64;
    public float LearningRate { get; init; } = 4e-3f;
    public float Clip { get; init; } = 1f;
    public int ValidateEvery { get; init; } = 500;
    public int Examples { get; init; } = 100_000;
    public string? Checkpoint { get; init; }
    public string? Eval { get; init; }
    public string? Translate { get; init; }
    public string? Svg { get; init; }
    public int Beam { get; init; } = 1;

    /// <summary>Warm-up steps of the cosine schedule: 5% of the run.</summary>
    public int WarmupSteps => Math.Max(1, Steps / 20);

    /// <summary>Longest output the decoder may write: ten characters and the end token, with room to spare.</summary>
    public const int MaxOutput = 16;
}
