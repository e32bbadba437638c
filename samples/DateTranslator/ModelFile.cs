using System.Globalization;
using Rnn;

namespace DateTranslatorSample;

/// <summary>
/// The --checkpoint file: the model's tensors as its own SaveSafetensors writes them (PyTorch names and shapes), plus
/// the seed the model was trained with, so that a loaded model is scored on days it never saw.
/// </summary>
public static class ModelFile
{
    private const string SeedKey = "datetranslator.seed";
    private const string SourceKey = "datetranslator.source_alphabet";

    public static void Save(string path, ISeq2SeqModel model, int seed)
    {
        var writer = new SafetensorsWriter();
        var parameters = model.Parameters;
        foreach (var tensor in model.Tensors) writer.Add(tensor.Name, parameters.Slice(tensor.Offset, tensor.Length), tensor.Shape);
        writer.Metadata[SeedKey] = seed.ToString(CultureInfo.InvariantCulture);
        writer.Metadata[SourceKey] = SourceAlphabet.Characters;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        writer.Save(path);
    }

    /// <summary>Loads the tensors (a file of another shape throws and leaves the model as it was); returns the training seed when the file records it.</summary>
    public static int? Load(string path, ISeq2SeqModel model)
    {
        var file = SafetensorsFile.Read(path);
        var metadata = file.Metadata;
        if (metadata.TryGetValue(SourceKey, out string? alphabet) && alphabet != SourceAlphabet.Characters)
            throw new InvalidOperationException($"{path} was trained with another source alphabet.");
        ModelFiles.Load(file, model.Parameters, model.Tensors);
        return metadata.TryGetValue(SeedKey, out string? text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : null;
    }
}
