using System.Globalization;
using System.Text;

namespace DateTranslatorSample;

/// <summary>The attention map as an SVG heat map: one square per (output character, source character), white 0 to dark blue 1.</summary>
public static class AttentionHeatMap
{
    private const int Cell = 22, Left = 44, Top = 74, Right = 90, Bottom = 24;

    // The "Blues" ramp (ColorBrewer): weight 0 … 1 in eight steps.
    private static readonly (int R, int G, int B)[] Ramp =
        [(247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214), (66, 146, 198), (33, 113, 181), (8, 69, 148)];

    /// <summary>Writes the map of <paramref name="t"/> to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    public static void Write(string path, Translation t)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, Render(t), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }

    public static string Render(Translation t)
    {
        int width = Left + (Cell * Math.Max(t.Columns, 8)) + Right, height = Top + (Cell * t.Rows) + Bottom;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" "))
           .Append("font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n")
           .Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"))
           .Append(Invariant($"<text x=\"{Left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Escape($"\u201C{t.Source}\u201D \u2192 {t.Output}")}</text>\n"))
           .Append(Invariant($"<text x=\"{Left}\" y=\"38\" fill=\"#555\">attention of each output character (rows) over the source characters (columns)</text>\n"));

        // Source characters across the top, output characters down the left; spaces shown as ␣.
        svg.Append("<g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\" text-anchor=\"middle\">\n");
        for (int col = 0; col < t.Columns; col++)
        {
            char c = t.Source[col];
            string fill = c == ' ' ? " fill=\"#aaa\"" : "";
            svg.Append(Invariant($"<text x=\"{Left + (col * Cell) + (Cell / 2)}\" y=\"{Top - 8}\"{fill}>{Escape(c == ' ' ? "\u2423" : c.ToString())}</text>\n"));
        }
        for (int row = 0; row < t.Rows; row++)
            svg.Append(Invariant($"<text x=\"{Left - 14}\" y=\"{Top + (row * Cell) + 16}\">{Escape(t.Output[row].ToString())}</text>\n"));
        svg.Append("</g>\n");

        for (int row = 0; row < t.Rows; row++)
        {
            for (int col = 0; col < t.Columns; col++)
            {
                float w = t.Weights[(row * t.Columns) + col];
                svg.Append(Invariant($"<rect x=\"{Left + (col * Cell)}\" y=\"{Top + (row * Cell)}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"{Color(w)}\">"))
                   .Append(Invariant($"<title>{Escape(t.Output[row].ToString())} ← {Escape(t.Source[col].ToString())}: {w:0.000}</title></rect>\n"));
            }
        }
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Cell * t.Columns}\" height=\"{Cell * t.Rows}\" fill=\"none\" stroke=\"#333\"/>\n"));

        // Colour bar: 0 at the bottom, 1 at the top.
        int barX = Left + (Cell * Math.Max(t.Columns, 8)) + 24, barHeight = Math.Max(Cell * t.Rows, 60);
        const int bands = 20;
        for (int i = 0; i < bands; i++)
        {
            double y = Top + (barHeight * (bands - 1 - i) / (double)bands);
            svg.Append(Invariant($"<rect x=\"{barX}\" y=\"{y:0.##}\" width=\"14\" height=\"{(barHeight / (double)bands) + 0.5:0.##}\" fill=\"{Color((i + 0.5f) / bands)}\"/>\n"));
        }
        svg.Append(Invariant($"<rect x=\"{barX}\" y=\"{Top}\" width=\"14\" height=\"{barHeight}\" fill=\"none\" stroke=\"#333\"/>\n"));
        foreach (double v in new[] { 0.0, 0.5, 1.0 })
        {
            double y = Top + (barHeight * (1 - v));
            svg.Append(Invariant($"<text x=\"{barX + 20}\" y=\"{y + 4:0.##}\">{v:0.0}</text>\n"));
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string Color(float weight)
    {
        double x = Math.Clamp(weight, 0f, 1f) * (Ramp.Length - 1);
        int i = Math.Min((int)x, Ramp.Length - 2);
        double f = x - i;
        var (a, b) = (Ramp[i], Ramp[i + 1]);
        int r = (int)Math.Round(a.R + ((b.R - a.R) * f)), g = (int)Math.Round(a.G + ((b.G - a.G) * f)), bl = (int)Math.Round(a.B + ((b.B - a.B) * f));
        return Invariant($"#{r:x2}{g:x2}{bl:x2}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
