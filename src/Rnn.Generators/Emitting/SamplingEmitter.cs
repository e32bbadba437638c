using static Rnn.Generators.Emitting.ModelPlan;

namespace Rnn.Generators.Emitting
{
    /// <summary>
    /// Emits generation for language models (token input, a softmax over every step): the one-to-many shape, one
    /// token at a time through Step, drawn by a <c>Rnn.Sampler</c> from the head's logits.
    /// </summary>
    internal static class SamplingEmitter
    {
        public static void Emit(SourceWriter w, ModelPlan plan)
        {
            int last = plan.Spec.Dense.Count - 1;
            w.Line("// ── Generation (one-to-many) ──────────────────────────────────────────");
            w.Line("private readonly float[] _sampleProbabilities = new float[OutputSize];");
            w.Line("private bool _primed;");
            w.Line();
            w.Line("/// <summary>Starts generation: clears the streaming state (not the carried training state) and feeds <paramref name=\"prompt\"/> (at least one token) through Step.</summary>");
            w.Open("public void Prime(global::System.ReadOnlySpan<int> prompt)");
            w.Line("if (prompt.IsEmpty) throw new global::System.ArgumentException(\"prompt must hold at least one token: the first token is what the model continues from.\", nameof(prompt));");
            w.Line("for (int t = 0; t < prompt.Length; t++) global::Rnn.Layers.Guard.Token(prompt[t], Vocabulary, nameof(prompt));");
            for (int i = 0; i < plan.Spec.Recurrent.Count; i++) w.Line(plan.BlockField(i) + ".ResetStream();  // the streaming state only: a carried training state stays");
            w.Line("for (int t = 0; t < prompt.Length; t++) Step(prompt[t], _sampleProbabilities);");
            w.Line("_primed = true;");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Draws the next token from the distribution after the last token fed (temperature, top-k and top-p as");
            w.Line("/// <paramref name=\"sampler\"/> says), feeds it through Step and returns it. Allocates nothing.");
            w.Line("/// </summary>");
            w.Open("public int Sample(global::Rnn.Sampler sampler)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(sampler);");
            w.Line("if (!_primed) throw new global::System.InvalidOperationException(\"Call Prime with a prompt before Sample.\");");
            w.Line("int next = sampler.Sample(_sy" + last + ");  // the logits Step left");
            w.Line("Step(next, _sampleProbabilities);");
            w.Line("return next;");
            w.Close();
            w.Line();
            w.Line("int global::Rnn.ILanguageModel.Vocabulary => Vocabulary;");
            w.Line();
            w.Line("int global::Rnn.ILanguageModel.StateSize => StateSize;");
            w.Line();
        }
    }
}
