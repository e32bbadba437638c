using System.Text;

namespace Rnn.Generators.Emitting
{
    /// <summary>Writes C# with four-space indentation and braces that open and close blocks.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        public SourceWriter Line(string line = "")
        {
            if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
            _text.Append('\n');
            return this;
        }

        public SourceWriter Lines(string block)
        {
            foreach (var line in block.Split('\n')) Line(line.TrimEnd('\r'));
            return this;
        }

        public SourceWriter Open(string header)
        {
            Line(header);
            Line("{");
            _indent++;
            return this;
        }

        public SourceWriter Close(string closer = "}")
        {
            _indent--;
            Line(closer);
            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
