using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace RnnGen.Samples;

/// <summary>One named line of (x, y) points in a <see cref="Panel"/>.</summary>
public sealed class Series
{
    private readonly List<(double X, double Y)> points = new();

    internal Series(string name, string color, bool dashed)
    {
        Name = name;
        Color = color;
        Dashed = dashed;
    }

    /// <summary>The name shown in the legend.</summary>
    public string Name { get; }

    /// <summary>The stroke colour, any SVG colour (<c>#1f77b4</c>, <c>gray</c>, …).</summary>
    public string Color { get; }

    /// <summary>Whether the line is drawn dashed.</summary>
    public bool Dashed { get; }

    /// <summary>The points in the order they were added (lines join them in that order).</summary>
    public IReadOnlyList<(double X, double Y)> Points => points;

    /// <summary>Adds a point. A non-finite value (or y ≤ 0 on a log axis) is not drawn and breaks the line there.</summary>
    public Series Add(double x, double y)
    {
        points.Add((x, y));
        return this;
    }
}

/// <summary>One chart: axes with titles and tick labels, a title, a legend, and its series.</summary>
public sealed class Panel
{
    private static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    private readonly List<Series> series = new();

    /// <summary>Creates an empty panel.</summary>
    /// <param name="title">Shown above the plot; may be empty.</param>
    /// <param name="xTitle">The x axis title.</param>
    /// <param name="yTitle">The y axis title.</param>
    /// <param name="logY">Whether the y axis is logarithmic (base 10).</param>
    public Panel(string title, string xTitle, string yTitle, bool logY = false)
    {
        Title = title;
        XTitle = xTitle;
        YTitle = yTitle;
        LogY = logY;
    }

    /// <summary>Shown above the plot.</summary>
    public string Title { get; }

    /// <summary>The x axis title.</summary>
    public string XTitle { get; }

    /// <summary>The y axis title.</summary>
    public string YTitle { get; }

    /// <summary>Whether the y axis is logarithmic.</summary>
    public bool LogY { get; }

    /// <summary>Width of the panel in pixels, legend included.</summary>
    public int Width { get; init; } = 560;

    /// <summary>Height of the panel in pixels.</summary>
    public int Height { get; init; } = 360;

    /// <summary>The series in the order they were added (and are drawn and listed).</summary>
    public IReadOnlyList<Series> Series => series;

    /// <summary>Adds an empty series; without a colour it takes the next colour of a fixed palette.</summary>
    /// <param name="name">Shown in the legend.</param>
    /// <param name="color">Any SVG colour; null for the palette's next one.</param>
    /// <param name="dashed">Whether the line is dashed.</param>
    public Series Add(string name, string? color = null, bool dashed = false)
    {
        var s = new Series(name, color ?? Palette[series.Count % Palette.Length], dashed);
        series.Add(s);
        return s;
    }
}

/// <summary>How the panels of a figure are placed.</summary>
public enum Arrangement
{
    /// <summary>In one row, left to right.</summary>
    SideBySide,

    /// <summary>In one column, top to bottom.</summary>
    Stacked,
}

/// <summary>
/// Writes line charts as standalone SVG files, without dependencies: one or several <see cref="Panel"/>s,
/// side by side or stacked. All numbers are written with the invariant culture.
/// </summary>
/// <example>
/// <code>
/// var loss = new Panel("Loss", "step", "loss");
/// var train = loss.Add("train");
/// var validation = loss.Add("validation");
/// train.Add(100, 2.31); validation.Add(100, 2.40);
/// SvgChart.Write("loss.svg", loss);
/// </code>
/// </example>
public static class SvgChart
{
    private const int MarginLeft = 70, MarginTop = 34, MarginBottom = 50, LegendGap = 16, LegendLine = 24;
    private const double CharWidth = 7.4;   // average advance of 12 px sans-serif, for sizing the legend

    /// <summary>Writes the panels side by side to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    public static void Write(string path, params Panel[] panels) => Write(path, Arrangement.SideBySide, panels);

    /// <summary>Writes the panels to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    public static void Write(string path, Arrangement arrangement, params Panel[] panels)
    {
        string svg = Render(arrangement, panels);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The SVG document for the panels.</summary>
    public static string Render(Arrangement arrangement, params Panel[] panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Length == 0) throw new ArgumentException("A figure needs at least one panel.", nameof(panels));
        bool row = arrangement == Arrangement.SideBySide;
        int width = 0, height = 0;
        foreach (var p in panels)
        {
            width = row ? width + p.Width : Math.Max(width, p.Width);
            height = row ? Math.Max(height, p.Height) : height + p.Height;
        }

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" "))
           .Append("font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n")
           .Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        int offset = 0;
        for (int i = 0; i < panels.Length; i++)
        {
            var p = panels[i];
            int x0 = row ? offset : 0, y0 = row ? 0 : offset;
            svg.Append(Invariant($"<g transform=\"translate({x0},{y0})\">\n"));
            RenderPanel(svg, p, i);
            svg.Append("</g>\n");
            offset += row ? p.Width : p.Height;
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static void RenderPanel(StringBuilder svg, Panel panel, int index)
    {
        double legendWidth = 0;
        foreach (var s in panel.Series) legendWidth = Math.Max(legendWidth, 30 + (CharWidth * s.Name.Length));
        double plotLeft = MarginLeft, plotTop = MarginTop;
        double plotWidth = Math.Max(40, panel.Width - MarginLeft - LegendGap - legendWidth - 12);
        double plotHeight = Math.Max(40, panel.Height - MarginTop - MarginBottom);
        string clip = Invariant($"plot{index}");

        var (xMin, xMax, yMin, yMax) = DataRange(panel);
        var xTicks = LinearTicks(ref xMin, ref xMax, tight: true);
        var yTicks = panel.LogY ? LogTicks(ref yMin, ref yMax) : LinearTicks(ref yMin, ref yMax, tight: false);
        double Px(double x) => plotLeft + ((x - xMin) / (xMax - xMin) * plotWidth);
        double Py(double y) => plotTop + plotHeight - ((Scale(panel, y) - Scale(panel, yMin)) / (Scale(panel, yMax) - Scale(panel, yMin)) * plotHeight);

        // Title, frame, grid and ticks.
        svg.Append(Invariant($"<text x=\"{plotLeft + (plotWidth / 2):0.##}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(panel.Title)}</text>\n"));
        svg.Append(Invariant($"<clipPath id=\"{clip}\"><rect x=\"{plotLeft - 3:0.##}\" y=\"{plotTop - 3:0.##}\" width=\"{plotWidth + 6:0.##}\" height=\"{plotHeight + 6:0.##}\"/></clipPath>\n"));
        foreach (var (value, label) in xTicks)
        {
            double x = Px(value);
            svg.Append(Invariant($"<line x1=\"{x:0.##}\" y1=\"{plotTop:0.##}\" x2=\"{x:0.##}\" y2=\"{plotTop + plotHeight:0.##}\" stroke=\"#e6e6e6\"/>\n"));
            svg.Append(Invariant($"<text x=\"{x:0.##}\" y=\"{plotTop + plotHeight + 16:0.##}\" text-anchor=\"middle\">{Escape(label)}</text>\n"));
        }

        foreach (var (value, label) in yTicks)
        {
            double y = Py(value);
            svg.Append(Invariant($"<line x1=\"{plotLeft:0.##}\" y1=\"{y:0.##}\" x2=\"{plotLeft + plotWidth:0.##}\" y2=\"{y:0.##}\" stroke=\"#e6e6e6\"/>\n"));
            svg.Append(Invariant($"<text x=\"{plotLeft - 6:0.##}\" y=\"{y + 4:0.##}\" text-anchor=\"end\">{Escape(label)}</text>\n"));
        }

        svg.Append(Invariant($"<rect x=\"{plotLeft:0.##}\" y=\"{plotTop:0.##}\" width=\"{plotWidth:0.##}\" height=\"{plotHeight:0.##}\" fill=\"none\" stroke=\"#333\"/>\n"));
        svg.Append(Invariant($"<text x=\"{plotLeft + (plotWidth / 2):0.##}\" y=\"{panel.Height - 12}\" text-anchor=\"middle\">{Escape(panel.XTitle)}</text>\n"));
        double yMid = plotTop + (plotHeight / 2);
        svg.Append(Invariant($"<text x=\"16\" y=\"{yMid:0.##}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {yMid:0.##})\">{Escape(panel.YTitle)}</text>\n"));

        // Lines, clipped to the plot; a point that cannot be drawn breaks the line, and a point alone is a dot.
        svg.Append(Invariant($"<g clip-path=\"url(#{clip})\" fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\">\n"));
        foreach (var s in panel.Series)
        {
            string color = Escape(s.Color), dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            var segment = new List<(double X, double Y)>();
            for (int i = 0; i <= s.Points.Count; i++)
            {
                if (i < s.Points.Count && Drawable(panel, s.Points[i].X, s.Points[i].Y))
                {
                    segment.Add((Px(s.Points[i].X), Py(s.Points[i].Y)));
                    continue;
                }

                if (segment.Count == 1)
                {
                    svg.Append(Invariant($"<circle cx=\"{segment[0].X:0.##}\" cy=\"{segment[0].Y:0.##}\" r=\"2.5\" fill=\"{color}\" stroke=\"none\"/>\n"));
                }
                else if (segment.Count > 1)
                {
                    svg.Append("<path d=\"");
                    for (int k = 0; k < segment.Count; k++)
                    {
                        svg.Append(Invariant($"{(k == 0 ? "M" : " L")}{segment[k].X:0.##},{segment[k].Y:0.##}"));
                    }

                    svg.Append(Invariant($"\" stroke=\"{color}\"{dash}/>\n"));
                }

                segment.Clear();
            }
        }

        svg.Append("</g>\n");

        // Legend, right of the plot.
        double legendX = plotLeft + plotWidth + LegendGap;
        for (int i = 0; i < panel.Series.Count; i++)
        {
            var s = panel.Series[i];
            double y = plotTop + 10 + (i * LegendLine);
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(Invariant($"<line x1=\"{legendX:0.##}\" y1=\"{y:0.##}\" x2=\"{legendX + 22:0.##}\" y2=\"{y:0.##}\" stroke=\"{Escape(s.Color)}\" stroke-width=\"2\"{dash}/>\n"));
            svg.Append(Invariant($"<text x=\"{legendX + 28:0.##}\" y=\"{y + 4:0.##}\">{Escape(s.Name)}</text>\n"));
        }
    }

    private static bool Drawable(Panel panel, double x, double y) =>
        double.IsFinite(x) && double.IsFinite(y) && (!panel.LogY || y > 0);

    private static double Scale(Panel panel, double y) => panel.LogY ? Math.Log10(y) : y;

    /// <summary>The smallest and largest drawable coordinates, with defaults for an empty or flat panel.</summary>
    private static (double XMin, double XMax, double YMin, double YMax) DataRange(Panel panel)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var s in panel.Series)
        {
            foreach (var (x, y) in s.Points)
            {
                if (!Drawable(panel, x, y)) continue;
                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
                yMin = Math.Min(yMin, y);
                yMax = Math.Max(yMax, y);
            }
        }

        if (xMin > xMax) (xMin, xMax) = (0, 1);
        if (yMin > yMax) (yMin, yMax) = panel.LogY ? (0.1, 10) : (0, 1);
        if (xMin == xMax) (xMin, xMax) = (xMin - 1, xMax + 1);
        if (yMin == yMax) (yMin, yMax) = panel.LogY ? (yMin / 10, yMax * 10) : (yMin - 1, yMax + 1);
        return (xMin, xMax, yMin, yMax);
    }

    /// <summary>Ticks at 1, 2 or 5 × 10ᵏ; unless <paramref name="tight"/>, widens the range to whole ticks.</summary>
    private static List<(double Value, string Label)> LinearTicks(ref double min, ref double max, bool tight)
    {
        double raw = (max - min) / 6;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        double step = (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * magnitude;
        if (!tight)
        {
            min = Math.Floor(min / step) * step;
            max = Math.Ceiling(max / step) * step;
        }

        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        var ticks = new List<(double, string)>();
        for (double v = Math.Ceiling((min / step) - 1e-9) * step; v <= max + (step * 1e-9); v += step)
        {
            double value = Math.Abs(v) < step * 1e-9 ? 0 : v;
            ticks.Add((value, value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)));
        }

        return ticks;
    }

    /// <summary>Widens the range to whole decades and puts ticks on at most about eight of them (1, 2, 5 within one or two decades).</summary>
    private static List<(double Value, string Label)> LogTicks(ref double min, ref double max)
    {
        int low = (int)Math.Floor(Math.Log10(min) + 1e-9), high = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (high == low) high++;
        int every = Math.Max(1, (int)Math.Ceiling((high - low) / 8.0));
        low = high - (every * (int)Math.Ceiling((high - low) / (double)every));   // whole steps of 'every' decades
        min = Math.Pow(10, low);
        max = Math.Pow(10, high);
        var ticks = new List<(double, string)>();
        for (int e = low; e <= high; e += every)
        {
            ticks.Add((Math.Pow(10, e), PowerOfTen(e)));
            if (high - low <= 2 && e < high)
            {
                foreach (int m in new[] { 2, 5 })
                {
                    double v = m * Math.Pow(10, e);
                    ticks.Add((v, Math.Abs(e) <= 3 ? v.ToString("0.###", CultureInfo.InvariantCulture) : Invariant($"{m}e{e}")));
                }
            }
        }

        return ticks;
    }

    private static string PowerOfTen(int e) =>
        e is >= -3 and <= 4 ? Math.Pow(10, e).ToString("0.###", CultureInfo.InvariantCulture) : Invariant($"1e{e}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
