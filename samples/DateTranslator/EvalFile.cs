using System.Globalization;

namespace DateTranslatorSample;

/// <summary>
/// Exact match on a file of <c>source&lt;TAB&gt;target</c> lines (as make_eval.py writes them): each source translated as
/// written (only a line ending's '\r' is removed), compared with the target without surrounding spaces. Empty lines are skipped.
/// </summary>
public static class EvalFile
{
    public static double Run(Translator translator, string path, int showMisses = 10)
    {
        int total = 0, correct = 0, line = 0;
        var misses = new List<string>();
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            string text = raw.TrimEnd('\r', '\n');
            if (text.Trim().Length == 0) continue;
            int tab = text.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) throw new InvalidDataException($"{path}:{line}: no TAB between source and target: \"{text}\".");
            string source = text[..tab], expected = text[(tab + 1)..].Trim();
            string answer = translator.Answer(source);
            total++;
            if (answer == expected) correct++;
            else if (misses.Count < showMisses) misses.Add($"  \"{source}\" → {answer} (expected {expected})");
        }

        if (total == 0) throw new InvalidDataException($"{path} has no source<TAB>target lines.");
        Console.WriteLine($"{path}: {correct} of {total} exact{(misses.Count > 0 ? "; misses:" : "")}");
        foreach (string miss in misses) Console.WriteLine(miss);
        double fraction = (double)correct / total;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exact_match={fraction:0.0000}"));
        return fraction;
    }
}
