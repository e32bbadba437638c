using System.Text;

namespace CharLmSample;

/// <summary>
/// Characters (Unicode scalar values, as Python's str iterates them) to token ids: id 0 is the unknown token, ids 1…
/// the characters of the training text in code-point order. A character the model never saw maps to 0.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The id of a character the model never saw.</summary>
    public const int Unknown = 0;

    private readonly int[] _characters;                 // id − 1 → code point
    private readonly Dictionary<int, int> _ids = new();  // code point → id

    private Vocabulary(int[] characters)
    {
        _characters = characters;
        for (int i = 0; i < characters.Length; i++) _ids[characters[i]] = i + 1;
    }

    /// <summary>Token ids, the unknown token included.</summary>
    public int Size => _characters.Length + 1;

    /// <summary>The characters of <paramref name="text"/>, sorted by code point.</summary>
    public static Vocabulary FromText(ReadOnlySpan<int> codePoints)
    {
        var set = new SortedSet<int>();
        foreach (int c in codePoints) set.Add(c);
        return new Vocabulary(set.ToArray());
    }

    /// <summary>The vocabulary <see cref="ToText"/> wrote.</summary>
    public static Vocabulary Parse(string text) => new(CodePoints(text));

    /// <summary>The characters in id order, as one string (saved in checkpoints).</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (int c in _characters) sb.Append(char.ConvertFromUtf32(c));
        return sb.ToString();
    }

    public int Encode(int codePoint) => _ids.TryGetValue(codePoint, out int id) ? id : Unknown;

    public int[] Encode(ReadOnlySpan<int> codePoints)
    {
        var ids = new int[codePoints.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = Encode(codePoints[i]);
        return ids;
    }

    /// <summary>The character of a token id; the unknown token prints as U+FFFD.</summary>
    public string Decode(int id) => id == Unknown ? "\uFFFD" : char.ConvertFromUtf32(_characters[id - 1]);

    /// <summary>A text as Unicode scalar values (invalid UTF-16 becomes U+FFFD, as Python decodes with errors='replace').</summary>
    public static int[] CodePoints(string text)
    {
        var list = new List<int>(text.Length);
        foreach (Rune r in text.EnumerateRunes()) list.Add(r.Value);
        return list.ToArray();
    }
}
