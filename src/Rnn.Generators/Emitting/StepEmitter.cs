using Rnn.Generators.Model;
using static Rnn.Generators.Emitting.ModelPlan;

namespace Rnn.Generators.Emitting
{
    /// <summary>Emits streaming inference: Step carries the recurrent state from call to call; ResetState clears it.</summary>
    internal static class StepEmitter
    {
        private const string Layers = "global::Rnn.Layers";

        private const string StepDoc =
            "/// <summary>Streaming inference of one step of one sequence: the recurrent state carries over from the previous call. Writes y [OutputSize] after the head's activation.</summary>";

        public static void Emit(SourceWriter w, ModelPlan plan, string s)
        {
            var spec = plan.Spec;
            string signature = plan.Tokens ? "int token" : "global::System.ReadOnlySpan<" + s + "> x";
            if (plan.Bidirectional)
            {
                w.Line(StepDoc);
                w.Open("public void Step(" + signature + ", global::System.Span<" + s + "> y)");
                w.Line("throw new global::System.NotSupportedException(\"" + spec.ClassName + " has a bidirectional layer, whose reverse direction needs the whole sequence: use Forward.\");");
                w.Close();
            }
            else
            {
                // A softmax head keeps its logits (sampling reads them); any other head writes y directly.
                bool direct = spec.Head.Activation != ActivationKind.Softmax;
                int last = spec.Dense.Count - 1;
                bool fields = false;
                for (int i = 0; i < spec.Dense.Count; i++)
                {
                    if (i < last || !direct)
                    {
                        w.Line("private readonly " + s + "[] _sy" + i + " = new " + s + "[" + spec.Dense[i].Units + "];");
                        fields = true;
                    }
                }
                if (spec.Input.Kind == InputKind.OneHot)
                {
                    w.Line("private readonly " + s + "[] _stepOneHot = new " + s + "[Vocabulary];");
                    fields = true;
                }
                if (fields) w.Line();
                w.Line(StepDoc);
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]  // steady speed from the first call");
                w.Open("public void Step(" + signature + ", global::System.Span<" + s + "> y)");
                switch (spec.Input.Kind)
                {
                    case InputKind.Embedding:
                        w.Line(Layers + ".Guard.Token(token, Vocabulary, nameof(token));");
                        w.Line("global::System.ReadOnlySpan<" + s + "> x = _parameters.AsSpan(" + plan.EmbeddingId + "Offset + token * " + spec.Input.Dim + ", " + spec.Input.Dim + ");");
                        break;
                    case InputKind.OneHot:
                        w.Line(Layers + ".Guard.Token(token, Vocabulary, nameof(token));");
                        w.Line("global::System.Array.Clear(_stepOneHot);");
                        w.Line("_stepOneHot[token] = 1;");
                        w.Line("global::System.ReadOnlySpan<" + s + "> x = _stepOneHot;");
                        break;
                    default:
                        w.Line(Layers + ".Guard.Size(x.Length, InputSize, nameof(x), \"[InputSize]\");");
                        break;
                }
                w.Line(Layers + ".Guard.Size(y.Length, OutputSize, nameof(y), \"[OutputSize]\");");
                // Each recurrent module returns its top layer's new h (its state, read in place by what follows).
                for (int i = 0; i < spec.Recurrent.Count; i++)
                    w.Line("var h" + i + " = " + plan.BlockField(i) + ".Step(_parameters, _parameterVersion, " + (i == 0 ? "x" : "h" + (i - 1)) + ");");
                for (int i = 0; i <= last; i++)
                {
                    var d = spec.Dense[i];
                    var activation = i < last ? d.Activation : direct ? spec.Head.Activation : ActivationKind.Linear;
                    w.Line(Layers + ".DenseLayer.Forward<" + s + ">(_parameters, " + plan.DenseIds[i] + "Offset, " + d.Input + ", " + d.Units + ", "
                        + Activation(activation) + ", " + (i == 0 ? "h" + (spec.Recurrent.Count - 1) : "_sy" + (i - 1)) + ", 1, " + (i == last && direct ? "y" : "_sy" + i) + ");");
                }
                if (!direct)
                    w.Line(Layers + ".Head.Outputs<" + s + ">(" + Activation(spec.Head.Activation) + ", _sy" + last + ", y, 1, 1, OutputSize, default);");
                w.Close();
            }
            w.Line();
            w.Line("/// <summary>Clears the streaming state and the carried (stateful) state (h, and c for LSTM) of every recurrent layer.</summary>");
            w.Open("public void ResetState()");
            for (int i = 0; i < spec.Recurrent.Count; i++) w.Line(plan.BlockField(i) + ".ResetState();");
            if (plan.LanguageModel && s == "float") w.Line("_primed = false;  // Sample needs a new Prime");
            w.Close();
            w.Line();
        }
    }
}
