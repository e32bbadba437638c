using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Rnn;
using RnnGen.Samples;

namespace DateTranslatorSample;

/// <summary>One run: split the days, train (or load --checkpoint), report held-out accuracy, then translate or evaluate.</summary>
public static class TrainingRun
{
    /// <summary>Held-out days per row of the report: every form is scored on the same days.</summary>
    private const int ReportDays = 1000;

    /// <summary>Texts shown with where each field was read from, after a run without --eval or --translate.</summary>
    private static readonly string[] Showcase =
        ["Tuesday, March 3, 1987", "21st of September 2049", "  sept 9, 1906", "Thurs 1 Jan 2099", "31.12.1999", "2000, FEBRUARY 29"];

    public static int Execute(Settings settings) => Execute(settings, new DateModel(settings.Seed));

    /// <summary>The same run with any encoder–decoder over these alphabets (other sizes or attention scores, for experiments).</summary>
    public static int Execute(Settings settings, ISeq2SeqModel model)
    {
        Console.OutputEncoding = Encoding.UTF8;
        if (SourceAlphabet.Size != Sizes.SourceVocabulary || TargetAlphabet.Size != Sizes.TargetVocabulary)
            throw new InvalidOperationException($"The alphabets have {SourceAlphabet.Size} and {TargetAlphabet.Size} tokens: update Sizes in DateModel.cs.");

        bool trained = false;
        int splitSeed = settings.Seed;
        if (settings.Checkpoint is not null && File.Exists(settings.Checkpoint))
        {
            int? saved = ModelFile.Load(settings.Checkpoint, model);
            if (saved is int seed && seed != settings.Seed)
            {
                splitSeed = seed;
                Console.WriteLine($"{settings.Checkpoint} was trained with --seed {seed}: its held-out days are those of seed {seed}");
            }
            Console.WriteLine($"loaded {settings.Checkpoint} ({model.ParameterCount:N0} parameters); training skipped");
        }
        else
        {
            Train(model, DateData.Split(settings.Seed), settings);
            trained = true;
            if (settings.Checkpoint is not null)
            {
                ModelFile.Save(settings.Checkpoint, model, settings.Seed);
                Console.WriteLine($"saved {settings.Checkpoint}");
            }
        }

        var translator = new Translator(model, settings.Beam);
        bool plain = settings.Eval is null && settings.Translate is null;
        if (trained || plain)
        {
            var watch = Stopwatch.StartNew();
            var rows = HeldOutReport.Run(translator, DateData.Split(splitSeed).Test, ReportDays, splitSeed);
            Console.WriteLine();
            Console.WriteLine($"held-out days ({ReportDays} days never seen in training, in each form; {(settings.Beam > 1 ? $"beam {settings.Beam}" : "greedy")}, {watch.Elapsed.TotalSeconds:F1} s):");
            HeldOutReport.Print(rows);
        }

        if (plain)
        {
            Console.WriteLine();
            Console.WriteLine("examples (where each field was read from):");
            foreach (string text in Showcase)
            {
                var t = translator.Translate(text);
                Console.WriteLine($"  \"{text}\" → {t.Output}");
                Console.WriteLine($"      {AttentionView.Summary(t)}");
            }
            Console.WriteLine();
            var first = translator.Translate(Showcase[0]);
            Console.WriteLine($"attention of \"{first.Source}\" → {first.Output}:");
            AttentionView.PrintGrid(first);
        }

        if (settings.Translate is not null)
        {
            var t = translator.Translate(settings.Translate);
            Console.WriteLine();
            Console.WriteLine($"\"{t.Source}\" → {t.Output}");
            if (t.Rows > 0)
            {
                AttentionView.PrintGrid(t);
                Console.WriteLine(AttentionView.Summary(t));
            }
            if (settings.Svg is not null)
            {
                AttentionHeatMap.Write(settings.Svg, t);
                Console.WriteLine($"attention map: {settings.Svg}");
            }
        }

        if (settings.Eval is not null)
        {
            Console.WriteLine();
            EvalFile.Run(translator, settings.Eval);
        }
        return 0;
    }

    private static void Train(ISeq2SeqModel model, DateData data, Settings s)
    {
        var training = DateData.Sample(data.Train, s.Examples, new RandomSource(Seeds.Derive(s.Seed, Seeds.Training)));
        var validation = DateData.Sample(data.Validation, 1000, new RandomSource(Seeds.Derive(s.Seed, Seeds.Validation)));
        var task = new Seq2SeqTask(model,
            training.ConvertAll(e => SourceAlphabet.Encode(e.Source)), training.ConvertAll(e => TargetAlphabet.Encode(e.Target)),
            validation.ConvertAll(e => SourceAlphabet.Encode(e.Source)), validation.ConvertAll(e => TargetAlphabet.Encode(e.Target)),
            s.Batch, unchecked((int)Seeds.Derive(s.Seed, Seeds.Batches)));
        var options = new TrainerOptions
        {
            Steps = s.Steps,
            ClipNorm = s.Clip,
            ValidateEvery = s.ValidateEvery,
            Schedule = new CosineSchedule(s.LearningRate, s.WarmupSteps, s.Steps, s.LearningRate / 20),
        };
        Console.WriteLine($"data: {data.Train.Length:N0} training days, {data.Validation.Length:N0} validation days, {data.Test.Length:N0} held-out days (1900-01-01 … 2099-12-31), "
            + $"{training.Count:N0} training texts in {DateText.Forms.Length} forms");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: {model.GetType().Name}, {model.ParameterCount:N0} parameters; batch {s.Batch}, {s.Steps} steps, Adam lr {s.LearningRate} (cosine), clip {s.Clip}, seed {s.Seed}"));
        var trainer = new Trainer(task, new Adam(s.LearningRate), options);
        var watch = Stopwatch.StartNew();
        var result = TrainingProgressView.Run(trainer.Step, s.Steps, progress =>
        {
            options.Progress = progress;
            return trainer.Run();
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained {result.Steps} steps in {watch.Elapsed:m\\:ss}: loss {result.TrainLoss:F4}, validation loss {result.ValidationLoss:F4}"));
        Console.WriteLine($"weights: sha256 {Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(model.Parameters))).ToLowerInvariant()}");
    }
}
