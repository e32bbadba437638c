using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Rnn
{
    /// <summary>One compared tensor of a <see cref="ReferenceReport"/>.</summary>
    /// <param name="Name">The tensor (<c>output</c>, <c>loss</c>, <c>grad.…</c>).</param>
    /// <param name="Count">Values compared (0 when the tensor was missing or its size differed).</param>
    /// <param name="MaxAbsError">Largest |a − b|.</param>
    /// <param name="MaxRelError">Largest |a − b| / max(1, |b|), the measure the tolerance applies to.</param>
    /// <param name="Passed">Whether every value is within the tolerance.</param>
    /// <param name="Note">Why a tensor failed without a comparison.</param>
    public sealed record ReferenceRow(string Name, int Count, double MaxAbsError, double MaxRelError, bool Passed, string Note = "");

    /// <summary>The result of a model's <c>CheckReference</c>: every tensor compared with PyTorch, and a table in <see cref="ToString"/>.</summary>
    public sealed class ReferenceReport
    {
        private readonly List<ReferenceRow> _rows = new();

        /// <summary>Starts an empty report.</summary>
        public ReferenceReport(string source, double tolerance)
        {
            Source = source;
            Tolerance = tolerance;
        }

        /// <summary>The reference file.</summary>
        public string Source { get; }

        /// <summary>Largest allowed |a − b| / max(1, |b|).</summary>
        public double Tolerance { get; }

        /// <summary>The compared tensors.</summary>
        public IReadOnlyList<ReferenceRow> Rows => _rows;

        /// <summary>Largest |a − b| over every tensor.</summary>
        public double MaxAbsError
        {
            get
            {
                double max = 0;
                foreach (var row in _rows) max = Math.Max(max, row.MaxAbsError);
                return max;
            }
        }

        /// <summary>Largest |a − b| / max(1, |b|) over every tensor.</summary>
        public double MaxRelError
        {
            get
            {
                double max = 0;
                foreach (var row in _rows) max = Math.Max(max, row.MaxRelError);
                return max;
            }
        }

        /// <summary>Whether every tensor passed.</summary>
        public bool Passed => _rows.TrueForAll(r => r.Passed);

        /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> element by element.</summary>
        public void Add(string name, double[] actual, double[] expected)
        {
            if (actual.Length != expected.Length)
            {
                _rows.Add(new ReferenceRow(name, 0, double.PositiveInfinity, double.PositiveInfinity, false,
                    $"{actual.Length} values, the reference has {expected.Length}"));
                return;
            }
            double maxAbs = 0, maxRel = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                double abs = Math.Abs(actual[i] - expected[i]);
                if (double.IsNaN(abs)) abs = double.PositiveInfinity;
                maxAbs = Math.Max(maxAbs, abs);
                maxRel = Math.Max(maxRel, abs / Math.Max(1.0, Math.Abs(expected[i])));
            }
            _rows.Add(new ReferenceRow(name, actual.Length, maxAbs, maxRel, maxRel <= Tolerance));
        }

        /// <summary>Records a tensor the reference lacks.</summary>
        public void Missing(string name) =>
            _rows.Add(new ReferenceRow(name, 0, double.PositiveInfinity, double.PositiveInfinity, false, "missing from the reference"));

        /// <inheritdoc />
        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append(Passed ? "PASSED" : "FAILED").Append("  ").Append(Source)
              .Append("  (max |a−b|/max(1,|b|) = ").Append(MaxRelError.ToString("G3", CultureInfo.InvariantCulture))
              .Append(", tolerance ").Append(Tolerance.ToString("G3", CultureInfo.InvariantCulture)).Append(")\n");
            int width = 6;
            foreach (var row in _rows) width = Math.Max(width, row.Name.Length);
            sb.Append("  ").Append("tensor".PadRight(width)).Append("  values   max abs err  max rel err  ok\n");
            foreach (var row in _rows)
            {
                sb.Append("  ").Append(row.Name.PadRight(width))
                  .Append(row.Count.ToString(CultureInfo.InvariantCulture).PadLeft(8))
                  .Append(row.MaxAbsError.ToString("0.00E+00", CultureInfo.InvariantCulture).PadLeft(13))
                  .Append(row.MaxRelError.ToString("0.00E+00", CultureInfo.InvariantCulture).PadLeft(13))
                  .Append(row.Passed ? "  yes" : "  NO");
                if (row.Note.Length > 0) sb.Append("  (").Append(row.Note).Append(')');
                sb.Append('\n');
            }
            return sb.ToString();
        }
    }
}
