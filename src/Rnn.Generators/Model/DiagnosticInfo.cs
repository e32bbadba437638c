using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Rnn.Generators.Model
{
    /// <summary>A location as plain values, so diagnostics can travel through the cached pipeline.</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }

    /// <summary>A diagnostic as plain values: descriptor id, location and message arguments.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments);

    /// <summary>The parser's result for one class: a spec to emit (when valid), its diagnostics and its [Weights] (when written).</summary>
    internal sealed record ParseResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, Seq2SeqSpec? Seq2Seq = null, WeightsSpec? Weights = null);
}
