using Rnn;

namespace DateTranslatorSample;

/// <summary>One translation: the text, the model's answer and its attention map [output length, source length].</summary>
public sealed record Translation(string Source, string Output, float[] Weights)
{
    public int Rows => Output.Length;
    public int Columns => Source.Length;
}

/// <summary>Runs the model on written dates: greedy decoding, or beam search when the width is above 1.</summary>
public sealed class Translator(ISeq2SeqModel model, int beam = 1)
{
    private readonly int[] _output = new int[Settings.MaxOutput];

    /// <summary>The ISO text the model writes for <paramref name="text"/> (characters it has no token for read as unknown).</summary>
    public string Answer(string text)
    {
        int[] source = SourceAlphabet.Encode(text);
        if (source.Length == 0) return "";
        int length = beam > 1
            ? model.BeamSearch(source, _output, Settings.MaxOutput, beam)
            : model.Translate(source, _output, Settings.MaxOutput);
        return TargetAlphabet.Decode(_output.AsSpan(0, length));
    }

    /// <summary>The answer with the attention weights of every output character.</summary>
    public Translation Translate(string text)
    {
        string output = Answer(text);
        return new Translation(text, output, text.Length == 0 ? [] : model.AttentionWeights.ToArray());
    }
}
