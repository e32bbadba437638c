using System.Reflection;
using System.Text;

namespace CharLmSample;

/// <summary>The text to learn: a UTF-8 file, or the default corpus embedded in the sample (RnnGen's own docs and runtime sources).</summary>
public static class Corpus
{
    /// <summary>The name shown for the embedded corpus.</summary>
    public const string DefaultName = "embedded RnnGen docs and sources";

    public static string Load(string? path)
    {
        if (path is not null) return File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CharLm.Corpus.rnngen.txt")
            ?? throw new InvalidOperationException("The embedded corpus is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>FNV-1a over the code points: a resumed run checks that it reads the same text.</summary>
    public static string Fingerprint(ReadOnlySpan<int> codePoints)
    {
        ulong hash = 14695981039346656037UL;
        foreach (int c in codePoints)
        {
            hash ^= (uint)c;
            hash *= 1099511628211UL;
        }
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
