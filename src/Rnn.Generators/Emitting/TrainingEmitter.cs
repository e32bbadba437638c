using Rnn.Generators.Model;
using static Rnn.Generators.Emitting.ModelPlan;

namespace Rnn.Generators.Emitting
{
    /// <summary>Emits the training switches: dropout on or off, stateful truncated BPTT and its carried state.</summary>
    internal static class TrainingEmitter
    {
        private const string Layers = "global::Rnn.Layers";

        public static void Emit(SourceWriter w, ModelPlan plan, string s)
        {
            w.Line("// ── Training: dropout and stateful truncated BPTT ─────────────────────");
            w.Line("/// <summary>Whether dropout is on (training) or off (inference, the default), like PyTorch's model.train() and model.eval().</summary>");
            w.Line("public bool Training { get; set; }");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Stateful truncated BPTT: when on, each Forward, Evaluate or Backward starts every sequence from the state the");
            w.Line("/// previous call ended with for the same row (when the batch size is the same; zeros otherwise); gradients stop");
            w.Line("/// there. Forward directions carry their state; reverse directions always start from zeros. ResetState forgets it.");
            w.Line("/// </summary>");
            w.Line("public bool Stateful { get; set; }");
            w.Line();
            w.Line("/// <summary>The generator dropout masks are drawn from, seeded by the constructor; save its state to resume a run bit for bit.</summary>");
            w.Line("public global::Rnn.RandomSource DropoutRandom { get; private set; } = new global::Rnn.RandomSource(0);");
            w.Line();
            w.Line("private global::Rnn.RandomSource? DropoutSource => Training ? DropoutRandom : null;");
            w.Line();
            w.Line("/// <summary>The batch of the carried state (0 when there is none).</summary>");
            w.Line("public int StateBatch => " + plan.BlockField(0) + ".CarriedBatch;");
            w.Line();
            w.Line("/// <summary>Copies the carried state, StateBatch · StateSize values, into <paramref name=\"state\"/>.</summary>");
            w.Open("public void GetState(global::System.Span<" + s + "> state)");
            w.Line("int batch = StateBatch;");
            w.Line(Layers + ".Guard.Size(state.Length, batch * StateSize, nameof(state), \"[StateBatch · StateSize]\");");
            Blocks(w, plan, "GetCarry(state.Slice(offset))");
            w.Close();
            w.Line();
            w.Line("/// <summary>Sets the carried state for <paramref name=\"batch\"/> sequences (0: none) from what GetState wrote.</summary>");
            w.Open("public void SetState(global::System.ReadOnlySpan<" + s + "> state, int batch)");
            w.Line("if (batch < 0) throw new global::System.ArgumentOutOfRangeException(nameof(batch), batch, \"batch must not be negative\");");
            w.Line(Layers + ".Guard.Size(state.Length, batch * StateSize, nameof(state), \"[batch · StateSize]\");");
            Blocks(w, plan, "SetCarry(state.Slice(offset), batch)");
            w.Close();
            w.Line();
        }

        private static void Blocks(SourceWriter w, ModelPlan plan, string call)
        {
            var spec = plan.Spec;
            if (spec.Recurrent.Count == 1)
            {
                w.Line(plan.BlockField(0) + "." + call.Replace(".Slice(offset)", "") + ";");
                return;
            }
            w.Line("int offset = 0;");
            for (int i = 0; i < spec.Recurrent.Count; i++)
            {
                w.Line(plan.BlockField(i) + "." + call + ";");
                if (i < spec.Recurrent.Count - 1) w.Line("offset += " + Times("batch", spec.Recurrent[i].StateSize) + ";");
            }
        }

        /// <summary>The dropout arguments of a recurrent block's constructor ("" when it has none).</summary>
        public static string BlockArguments(RecurrentSpec r) =>
            (r.Dropout > 0f ? ", dropout: " + Float(r.Dropout) : "") + (r.RecurrentDropout > 0f ? ", recurrentDropout: " + Float(r.RecurrentDropout) : "");

        public static string Float(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f";
    }
}
