namespace DateTranslatorSample;

/// <summary>
/// The source side: one token per character. 0 pads, 1 stands for any character the model has no token for; then the
/// characters human-written dates use. Nothing is normalised: case, spaces and punctuation reach the model as written.
/// </summary>
public static class SourceAlphabet
{
    public const int Padding = 0;
    public const int Unknown = 1;
    public const string Characters = " ,./-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Tokens in all: padding, unknown and one per character.</summary>
    public static int Size => 2 + Characters.Length;

    public static int[] Encode(string text)
    {
        var tokens = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            int index = Characters.IndexOf(text[i], StringComparison.Ordinal);
            tokens[i] = index < 0 ? Unknown : 2 + index;
        }
        return tokens;
    }
}

/// <summary>The target side: ISO 8601 digits and '-', after padding (0), the decoder's start (1) and end (2) tokens.</summary>
public static class TargetAlphabet
{
    public const int Padding = 0;
    public const int Start = 1;
    public const int End = 2;
    public const string Characters = "0123456789-";

    /// <summary>Tokens in all: padding, start, end and one per character.</summary>
    public static int Size => 3 + Characters.Length;

    /// <summary>The tokens of an ISO date, without the end token (the training task appends it).</summary>
    public static int[] Encode(string iso)
    {
        var tokens = new int[iso.Length];
        for (int i = 0; i < iso.Length; i++)
        {
            int index = Characters.IndexOf(iso[i], StringComparison.Ordinal);
            if (index < 0) throw new ArgumentException($"'{iso}' is not an ISO date: '{iso[i]}' has no target token.", nameof(iso));
            tokens[i] = 3 + index;
        }
        return tokens;
    }

    public static string Decode(ReadOnlySpan<int> tokens)
    {
        var text = new char[tokens.Length];
        for (int i = 0; i < tokens.Length; i++) text[i] = tokens[i] >= 3 && tokens[i] < Size ? Characters[tokens[i] - 3] : '?';
        return new string(text);
    }
}
