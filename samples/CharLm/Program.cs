using System.CommandLine;
using CharLmSample;

// samples/CharLm: a character-level language model declared with attributes, trained with stateful truncated BPTT,
// checkpointed atomically, plotted, and sampled. `dotnet run -c Release --project samples/CharLm -- --help`.
var d = new Settings();
var text = new Option<string?>("--text") { Description = "A UTF-8 text file to learn (default: the corpus embedded in the sample)" };
var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => d.Steps };
var cell = new Option<string>("--cell") { Description = "lstm, gru or rnn", DefaultValueFactory = _ => d.Cell };
var hidden = new Option<int>("--hidden") { Description = "Hidden units per layer", DefaultValueFactory = _ => d.Hidden };
var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers", DefaultValueFactory = _ => d.Layers };
var embedding = new Option<int>("--embedding") { Description = "Embedding dimension; 0 = one-hot input", DefaultValueFactory = _ => d.Embedding };
var batch = new Option<int>("--batch") { Description = "Streams per batch", DefaultValueFactory = _ => d.Batch };
var seqLen = new Option<int>("--seq-len") { Description = "Steps per chunk (the BPTT truncation)", DefaultValueFactory = _ => d.SeqLen };
var lr = new Option<float>("--lr") { Description = "Peak learning rate (Adam)", DefaultValueFactory = _ => d.LearningRate };
var schedule = new Option<string>("--schedule") { Description = "cosine (with warm-up, down to lr/10) or constant", DefaultValueFactory = _ => d.Schedule };
var clip = new Option<float>("--clip") { Description = "Clip the gradients' global norm (0 = off)", DefaultValueFactory = _ => d.Clip };
var dropout = new Option<float>("--dropout") { Description = "Dropout on the embedding and between layers", DefaultValueFactory = _ => d.Dropout };
var seed = new Option<int>("--seed") { Description = "Seed of the initialisation, dropout and sampling", DefaultValueFactory = _ => d.Seed };
var validateEvery = new Option<int>("--validate-every") { Description = "Steps between validation losses", DefaultValueFactory = _ => d.ValidateEvery };
var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => d.CheckpointEvery };
var sampleLength = new Option<int>("--sample-length") { Description = "Characters to sample after training", DefaultValueFactory = _ => d.SampleLength };
var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => d.Temperature };
var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely characters (0 = all)", DefaultValueFactory = _ => d.TopK };
var topP = new Option<float>("--top-p") { Description = "Nucleus sampling mass (1 = all)", DefaultValueFactory = _ => d.TopP };
var prime = new Option<string>("--prime") { Description = "Text the sample starts from", DefaultValueFactory = _ => d.Prime };
var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file (the loss curve SVG goes beside it)", DefaultValueFactory = _ => d.Checkpoint };
var resume = new Option<bool>("--resume") { Description = "Continue from --checkpoint when it exists (its model and training settings win)" };

var root = new RootCommand("Trains a character-level language model with RnnGen and samples from it.")
{
    text, steps, cell, hidden, layers, embedding, batch, seqLen, lr, schedule, clip, dropout, seed, validateEvery, checkpointEvery,
    sampleLength, temperature, topK, topP, prime, checkpoint, resume,
};
root.SetAction(result =>
{
    var settings = new Settings
    {
        Text = result.GetValue(text),
        Steps = result.GetValue(steps),
        Cell = result.GetValue(cell)!,
        Hidden = result.GetValue(hidden),
        Layers = result.GetValue(layers),
        Embedding = result.GetValue(embedding),
        Batch = result.GetValue(batch),
        SeqLen = result.GetValue(seqLen),
        LearningRate = result.GetValue(lr),
        Schedule = result.GetValue(schedule)!,
        Clip = result.GetValue(clip),
        Dropout = result.GetValue(dropout),
        Seed = result.GetValue(seed),
        ValidateEvery = result.GetValue(validateEvery),
        CheckpointEvery = result.GetValue(checkpointEvery),
        SampleLength = result.GetValue(sampleLength),
        Temperature = result.GetValue(temperature),
        TopK = result.GetValue(topK),
        TopP = result.GetValue(topP),
        Prime = result.GetValue(prime)!,
        Checkpoint = result.GetValue(checkpoint)!,
        Resume = result.GetValue(resume),
    };
    try
    {
        return TrainingRun.Execute(settings);
    }
    catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine("error: " + e.Message);
        return 2;
    }
});
return root.Parse(args).Invoke();
