using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Rnn.Generators.Model;

namespace Rnn.Generators.Emitting
{
    /// <summary>Names, offsets and sizes the emitters share, derived once from a <see cref="ModelSpec"/>.</summary>
    internal sealed class ModelPlan
    {
        public ModelPlan(ModelSpec spec)
        {
            Spec = spec;
            Slots = ParameterLayout.Slots(spec);
            Total = (int)ParameterLayout.Count(spec);
            var used = new HashSet<string>();
            string Unique(string name)
            {
                string id = Pascal(name);
                string candidate = id;
                for (int i = 2; !used.Add(candidate); i++) candidate = id + i.ToString(CultureInfo.InvariantCulture);
                return candidate;
            }

            EmbeddingId = spec.Input.Kind == InputKind.Embedding ? Unique(spec.Input.Name) : "";
            RecurrentIds = new string[spec.Recurrent.Count];
            for (int i = 0; i < RecurrentIds.Length; i++) RecurrentIds[i] = Unique(spec.Recurrent[i].Name);
            DenseIds = new string[spec.Dense.Count];
            for (int i = 0; i < DenseIds.Length; i++) DenseIds[i] = Unique(spec.Dense[i].Name);
        }

        public ModelSpec Spec { get; }

        public List<TensorSlot> Slots { get; }

        public int Total { get; }

        public string EmbeddingId { get; }

        public string[] RecurrentIds { get; }

        public string[] DenseIds { get; }

        public bool Tokens => Spec.Input.Kind != InputKind.Features;

        public bool Sequence => Spec.Returns == ReturnsKind.Sequence;

        public bool Bidirectional
        {
            get
            {
                foreach (var r in Spec.Recurrent) if (r.Bidirectional) return true;
                return false;
            }
        }

        /// <summary>A language model: token input, a softmax over every step, streamable (no bidirectional layer); it gets Prime and Sample.</summary>
        public bool LanguageModel => Tokens && Sequence && Spec.Head.Activation == ActivationKind.Softmax && !Bidirectional;

        /// <summary>Whether the embedded vectors go through dropout while training.</summary>
        public bool EmbeddingDropout => Spec.Input.Kind == InputKind.Embedding && Spec.Input.Dropout > 0f;

        /// <summary>Floats of carried state per sequence over every recurrent module.</summary>
        public int StateSize
        {
            get
            {
                int size = 0;
                foreach (var r in Spec.Recurrent) size += r.StateSize;
                return size;
            }
        }

        /// <summary>Features the dense stack reads.</summary>
        public int Features => Spec.Recurrent[Spec.Recurrent.Count - 1].Output;

        public int Outputs => Spec.Head.Units;

        /// <summary>
        /// Whether the first recurrent module ever reads vectors from _x: always for features; for tokens only when dropout
        /// changes the embedded vectors (while Training); otherwise it reads the tokens themselves (<see cref="TokenBatch"/>). Backward then writes d loss / d _x into _dx.
        /// </summary>
        public bool ReadsVectors => !Tokens || EmbeddingDropout;

        /// <summary>
        /// The expression describing the tokens to the first recurrent module: <c>TokenBatch.Embedded(tokens, Vocabulary, dim,
        /// EmbeddingOffset)</c> or <c>TokenBatch.OneHot(tokens, Vocabulary)</c>.
        /// </summary>
        public string TokenBatch => Spec.Input.Kind == InputKind.Embedding
            ? "global::Rnn.Layers.TokenBatch.Embedded(tokens, Vocabulary, " + Int(Spec.Input.Dim) + ", " + EmbeddingId + "Offset)"
            : "global::Rnn.Layers.TokenBatch.OneHot(tokens, Vocabulary)";

        /// <summary>The widest row of any workspace: input, gates (g·H), layer outputs, dense outputs.</summary>
        public int WidestRow
        {
            get
            {
                int widest = Spec.Input.Dim;
                foreach (var r in Spec.Recurrent) widest = System.Math.Max(widest, System.Math.Max(r.Gates * r.Hidden, r.Directions * r.Hidden));
                foreach (var d in Spec.Dense) widest = System.Math.Max(widest, System.Math.Max(d.Input, d.Units));
                return widest;
            }
        }

        public int Offset(string tensor)
        {
            foreach (var slot in Slots) if (slot.Name == tensor) return (int)slot.Offset;
            return -1;
        }

        /// <summary>The field holding recurrent module <paramref name="index"/>: <c>_recurrentBlock</c>; the suffix keeps it apart from the workspaces (<c>_x</c>, <c>_parameters</c>, …) whatever the layer is named.</summary>
        public string BlockField(int index) => "_" + char.ToLowerInvariant(RecurrentIds[index][0]) + RecurrentIds[index].Substring(1) + "Block";

        public int RecurrentOffset(int index) => Offset(Spec.Recurrent[index].Name + ".weight_ih_l0");

        public int RecurrentCount(int index)
        {
            var r = Spec.Recurrent[index];
            int count = 0;
            for (int l = 0; l < r.Layers; l++) count += r.Directions * r.Gates * r.Hidden * (r.LayerInput(l) + r.Hidden + 2);
            return count;
        }

        public int DenseOffset(int index) => Offset(Spec.Dense[index].Name + ".weight");

        public static string Pascal(string name)
        {
            var sb = new StringBuilder();
            bool upper = true;
            foreach (char ch in name)
            {
                if (ch == '_') { upper = true; continue; }
                sb.Append(upper ? char.ToUpperInvariant(ch) : ch);
                upper = false;
            }
            if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, 'L');
            return sb.ToString();
        }

        /// <summary>"<paramref name="count"/> * <paramref name="size"/>", or just the count when the size is 1.</summary>
        public static string Times(string count, int size) => size == 1 ? count : count + " * " + Int(size);

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Activation(ActivationKind kind) => "global::Rnn.Activation." + kind;
    }
}
