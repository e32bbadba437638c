using System.Globalization;
using System.Text;

namespace DateTranslatorSample;

/// <summary>The attention map in the terminal: source characters across, output characters down, weights as ░▒▓█.</summary>
public static class AttentionView
{
    public static void PrintGrid(Translation t)
    {
        var header = new StringBuilder("     ");
        foreach (char c in t.Source) header.Append(c == ' ' ? '␣' : c).Append(' ');
        Console.WriteLine(header.ToString().TrimEnd());
        for (int row = 0; row < t.Rows; row++)
        {
            var line = new StringBuilder("  ").Append(t.Output[row]).Append("  ");
            for (int col = 0; col < t.Columns; col++)
            {
                char shade = Shade(t.Weights[row * t.Columns + col]);
                line.Append(shade).Append(shade);
            }
            Console.WriteLine(line.ToString().TrimEnd());
        }
        Console.WriteLine("     weights: ' ' < 0.1 ≤ ░ < 0.3 ≤ ▒ < 0.55 ≤ ▓ < 0.8 ≤ █");
    }

    /// <summary>
    /// One line: where the year, month and day were read from (the shortest span of source characters holding 80% of
    /// the field's mean attention); per character when the answer is not a 10-character date.
    /// </summary>
    public static string Summary(Translation t)
    {
        if (t.Rows == 10 && t.Output[4] == '-' && t.Output[7] == '-')
            return $"year ← {Span(t, 0, 4)}  month ← {Span(t, 5, 7)}  day ← {Span(t, 8, 10)}";
        var parts = new List<string>();
        for (int row = 0; row < t.Rows; row++) parts.Add($"{t.Output[row]} ← {Span(t, row, row + 1)}");
        return string.Join("  ", parts);
    }

    private static string Span(Translation t, int firstRow, int endRow)
    {
        var mean = new double[t.Columns];
        for (int row = firstRow; row < endRow; row++)
            for (int col = 0; col < t.Columns; col++) mean[col] += t.Weights[row * t.Columns + col] / (endRow - firstRow);
        int[] order = Enumerable.Range(0, t.Columns).OrderByDescending(c => mean[c]).ToArray();
        int low = int.MaxValue, high = -1;
        double mass = 0;
        foreach (int col in order)
        {
            low = Math.Min(low, col);
            high = Math.Max(high, col);
            mass += mean[col];
            if (mass >= 0.8) break;
        }
        return string.Create(CultureInfo.InvariantCulture, $"\"{t.Source[low..(high + 1)]}\" ({mass:P0})");
    }

    private static char Shade(float w) => w switch
    {
        < 0.1f => ' ',
        < 0.3f => '░',
        < 0.55f => '▒',
        < 0.8f => '▓',
        _ => '█',
    };
}
