using System.CommandLine;
using DateTranslatorSample;

// samples/DateTranslator: human-readable dates to ISO 8601 with an attention encoder–decoder declared with attributes.
// `dotnet run -c Release --project samples/DateTranslator -- --help`.
var d = new Settings();
var seed = new Option<int>("--seed") { Description = "Seed of the data split, the examples, the initialisation and the batches", DefaultValueFactory = _ => d.Seed };
var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => d.Steps };
var batch = new Option<int>("--batch") { Description = "Examples per step", DefaultValueFactory = _ => d.Batch };
var lr = new Option<float>("--lr") { Description = "Peak learning rate (Adam, cosine schedule)", DefaultValueFactory = _ => d.LearningRate };
var checkpoint = new Option<string?>("--checkpoint") { Description = "Model file (safetensors): loaded when it exists (training skipped), else written after training" };
var eval = new Option<string?>("--eval") { Description = "File of source<TAB>target lines: prints exact_match=<fraction> last" };
var translate = new Option<string?>("--translate") { Description = "A date to translate; shows the attention map" };
var svg = new Option<string?>("--svg") { Description = "With --translate: write the attention map as an SVG heat map" };
var beam = new Option<int>("--beam") { Description = "Beam width for decoding (1 = greedy)", DefaultValueFactory = _ => d.Beam };

var root = new RootCommand("Trains an encoder–decoder with attention to translate human-readable dates to ISO 8601.")
{
    seed, steps, batch, lr, checkpoint, eval, translate, svg, beam,
};
root.SetAction(result =>
{
    var settings = new Settings
    {
        Seed = result.GetValue(seed),
        Steps = result.GetValue(steps),
        Batch = result.GetValue(batch),
        LearningRate = result.GetValue(lr),
        Checkpoint = result.GetValue(checkpoint),
        Eval = result.GetValue(eval),
        Translate = result.GetValue(translate),
        Svg = result.GetValue(svg),
        Beam = result.GetValue(beam),
    };
    try
    {
        if (settings.Steps < 1 || settings.Batch < 1 || settings.Beam < 1) throw new ArgumentException("--steps, --batch and --beam must be at least 1.");
        if (settings.Translate is { Length: 0 }) throw new ArgumentException("--translate needs a text to translate.");
        if (settings.Svg is not null && settings.Translate is null) throw new ArgumentException("--svg draws the attention map of --translate: give both.");
        if (settings.Eval is not null && !File.Exists(settings.Eval)) throw new FileNotFoundException($"--eval {settings.Eval}: no such file.");
        return TrainingRun.Execute(settings);
    }
    catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine("error: " + e.Message);
        return 2;
    }
});
return root.Parse(args).Invoke();
