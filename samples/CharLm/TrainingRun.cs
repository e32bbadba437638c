using System.Globalization;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using Rnn;
using RnnGen.Samples;

namespace CharLmSample;

/// <summary>One run: read the text, build the vocabulary and the model, train (or resume), plot, sample.</summary>
public static class TrainingRun
{
    private const string VocabularyKey = "charlm.vocabulary";
    private const string TextKey = "charlm.text_fnv1a";

    public static int Execute(Settings settings)
    {
        string text = Corpus.Load(settings.Text);
        int[] codePoints = Vocabulary.CodePoints(text);
        string fingerprint = Corpus.Fingerprint(codePoints);

        // Resume: the model and trajectory settings are the checkpoint's; the text must be the same.
        IReadOnlyDictionary<string, string>? saved = null;
        bool resuming = settings.Resume && File.Exists(settings.Checkpoint);
        if (resuming)
        {
            saved = SafetensorsFile.Read(settings.Checkpoint).Metadata;
            if (!saved.TryGetValue(TextKey, out string? savedText) || savedText != fingerprint)
                throw new InvalidOperationException($"{settings.Checkpoint} was trained on another text: pass the same --text, or start a new run without --resume.");
            settings = settings.WithCheckpoint(saved);
        }

        // The last 10% of the text is held out for validation; the vocabulary is the training part's characters.
        int validationLength = codePoints.Length / 10;
        var trainPart = codePoints.AsSpan(0, codePoints.Length - validationLength);
        var vocabulary = saved is not null ? Vocabulary.Parse(saved[VocabularyKey]) : Vocabulary.FromText(trainPart);
        int[] trainTokens = vocabulary.Encode(trainPart);
        int[] validationTokens = vocabulary.Encode(codePoints.AsSpan(codePoints.Length - validationLength));

        ILanguageModel model = CreateModel(settings, vocabulary.Size, out string modelName);
        Console.WriteLine($"text: {settings.Text ?? Corpus.DefaultName}, {codePoints.Length:N0} characters, vocabulary {vocabulary.Size} (with unknown)");
        Console.WriteLine($"model: {modelName}, {model.ParameterCount:N0} parameters; batch {settings.Batch} × {settings.SeqLen} steps, Adam lr {settings.LearningRate} ({settings.Schedule}), clip {settings.Clip}, dropout {settings.Dropout}, seed {settings.Seed}");

        var task = new LanguageModelTask(model, trainTokens, validationTokens, settings.Batch, settings.SeqLen);
        var options = new TrainerOptions
        {
            Steps = settings.Steps,
            ClipNorm = settings.Clip,
            ValidateEvery = settings.ValidateEvery,
            CheckpointPath = settings.Checkpoint,
            CheckpointEvery = settings.CheckpointEvery,
            Schedule = settings.Schedule switch
            {
                "cosine" => new CosineSchedule(settings.LearningRate, settings.WarmupSteps, settings.Steps, settings.LearningRate / 10),
                "constant" => new ConstantSchedule(settings.LearningRate),
                _ => throw new ArgumentException($"--schedule {settings.Schedule} is not a schedule: use cosine or constant."),
            },
        };
        foreach (var pair in settings.ToMetadata()) options.Metadata[pair.Key] = pair.Value;
        options.Metadata[VocabularyKey] = vocabulary.ToText();
        options.Metadata[TextKey] = fingerprint;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.Checkpoint))!);
        var trainer = new Trainer(task, new Adam(settings.LearningRate), options);
        if (resuming && trainer.Resume()) Console.WriteLine($"resumed {settings.Checkpoint} at step {trainer.Step}");

        TrainingResult result = TrainingProgressView.Run(trainer.Step, settings.Steps, progress =>
        {
            options.Progress = progress;
            return trainer.Run();
        });

        string svg = Path.ChangeExtension(settings.Checkpoint, ".svg");
        LossCurve.Write(svg, trainer);
        Console.WriteLine($"checkpoint: {settings.Checkpoint}; loss curve: {svg}");
        Console.WriteLine($"weights: sha256 {Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(model.Parameters))).ToLowerInvariant()}");

        Console.WriteLine();
        Sample(model, vocabulary, settings);
        Console.WriteLine();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"val_loss={result.ValidationLoss:F4}"));
        return 0;
    }

    /// <summary>The generated <see cref="CharModel"/> when the settings are its own; otherwise the same layers sized at run time.</summary>
    private static ILanguageModel CreateModel(Settings s, int vocabulary, out string name)
    {
        bool declared = s.CellType == Rnn.Layers.CellType.Lstm && s.Hidden == CharModel.DefaultHidden && s.Layers == CharModel.DefaultLayers
            && s.Embedding == CharModel.DefaultEmbedding && s.Dropout == 0 && vocabulary == CharModel.Vocabulary;
        string shape = $"{(s.Embedding > 0 ? $"Embedding({vocabulary}, {s.Embedding})" : $"OneHot({vocabulary})")} → {s.Cell.ToUpperInvariant()}({s.Hidden}{(s.Layers > 1 ? $", Layers = {s.Layers}" : "")}) → Dense({vocabulary}, softmax)";
        if (declared)
        {
            name = "CharModel (generated) " + shape;
            return new CharModel(s.Seed);
        }
        name = "DynamicLanguageModel " + shape;
        return new DynamicLanguageModel(s.CellType, vocabulary, s.Embedding, s.Hidden, s.Layers, s.Dropout, recurrentDropout: 0f, seed: s.Seed);
    }

    private static void Sample(ILanguageModel model, Vocabulary vocabulary, Settings settings)
    {
        model.Training = false;
        var sampler = new Sampler(new RandomSource(unchecked((ulong)settings.Seed)))
        {
            Temperature = settings.Temperature,
            TopK = settings.TopK,
            TopP = settings.TopP,
        };
        int[] prime = vocabulary.Encode(Vocabulary.CodePoints(settings.Prime.Length > 0 ? settings.Prime : "\n"));
        model.Prime(prime);
        Console.Write(settings.Prime);
        for (int i = 0; i < settings.SampleLength; i++) Console.Write(vocabulary.Decode(model.Sample(sampler)));
    }
}
