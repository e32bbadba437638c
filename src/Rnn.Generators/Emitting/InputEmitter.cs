using Rnn.Generators.Model;
using static Rnn.Generators.Emitting.ModelPlan;

namespace Rnn.Generators.Emitting
{
    /// <summary>Emits the public Forward, ForwardLogits and Backward entry points for the model's input kind.</summary>
    internal static class InputEmitter
    {
        private const string Layers = "global::Rnn.Layers";

        private static string InputParameter(ModelPlan plan, string s) =>
            plan.Tokens ? "global::System.ReadOnlySpan<int> tokens" : "global::System.ReadOnlySpan<" + s + "> inputs";

        private static string InputName(ModelPlan plan) => plan.Tokens ? "tokens" : "inputs";

        private static string OutputLength(ModelPlan plan) => plan.Sequence ? "batch * steps * OutputSize" : "batch * OutputSize";

        private static string OutputShape(ModelPlan plan) => plan.Sequence ? "[batch, steps, OutputSize]" : "[batch, OutputSize]";

        private static string HeadSteps(ModelPlan plan) => plan.Sequence ? "steps" : "1";

        private static string HeadLengths(ModelPlan plan) => plan.Sequence ? "lengths" : "default";

        /// <summary>The input argument RunForward and RunBackward take first: the tokens for token models (none for features, read from _x).</summary>
        internal static string TokensArgument(ModelPlan plan) => plan.Tokens ? "tokens, " : "";

        public static void EmitForward(SourceWriter w, ModelPlan plan, string s)
        {
            var head = plan.Spec.Head;
            int last = plan.Spec.Dense.Count - 1;
            string inputDoc = plan.Tokens ? "token ids [batch, steps]" : "features [batch, steps, InputSize]";
            foreach (bool logits in new[] { false, true })
            {
                string padding = plan.Sequence ? ", 0 at padding" : "";
                w.Line(logits
                    ? "/// <summary>Like Forward, but writes the head's pre-activation values (logits) " + OutputShape(plan) + padding + ".</summary>"
                    : "/// <summary>Runs the model on " + inputDoc + "; writes " + OutputShape(plan) + " after the head's activation" + padding + ". Steps at or after lengths[b] are padding.</summary>");
                w.Open("public void " + (logits ? "ForwardLogits" : "Forward") + "(" + InputParameter(plan, s) + ", int batch, global::System.Span<" + s + "> outputs, global::System.ReadOnlySpan<int> lengths = default)");
                w.Line("int steps = Begin(" + InputName(plan) + ", batch, lengths);");
                w.Line(Layers + ".Guard.Size(outputs.Length, " + OutputLength(plan) + ", nameof(outputs), \"" + OutputShape(plan) + "\");");
                w.Line("RunForward(" + TokensArgument(plan) + "steps, batch, lengths);");
                w.Line(Layers + ".Head.Outputs<" + s + ">(" + Activation(logits ? ActivationKind.Linear : head.Activation) + ", _y" + last + ", outputs, batch, " + HeadSteps(plan) + ", OutputSize, " + HeadLengths(plan) + ");");
                w.Close();
                w.Line();
            }

            w.Open("private int Begin(" + InputParameter(plan, s) + ", int batch, global::System.ReadOnlySpan<int> lengths)");
            var input = plan.Spec.Input;
            w.Line("int steps = " + Layers + ".Guard.Steps(" + InputName(plan) + ".Length, batch, " + (plan.Tokens ? "1" : "InputSize") + ", nameof(" + InputName(plan) + "));");
            w.Line(Layers + ".Guard.Lengths(lengths, batch, steps);");
            w.Line(Layers + ".Guard.Capacity(steps, batch, widestRow: " + Int(plan.WidestRow) + ");");
            if (!plan.Tokens)
            {
                w.Line(Layers + ".Workspace.Ensure(ref _x, " + Times("steps * batch", input.Dim) + ");");
                w.Line(Layers + ".Layout.ToTimeMajor(inputs, batch, steps, InputSize, _x);");
            }
            else if (plan.EmbeddingDropout)
            {
                w.Line("_embeddingMasked = Training;");
                w.Open("if (_embeddingMasked)");
                w.Line("// x_t = E[token_t] with dropout: " + plan.Spec.Recurrent[0].Name + " reads these vectors, not the tokens");
                w.Line(Layers + ".Workspace.Ensure(ref _x, " + Times("steps * batch", input.Dim) + ");");
                w.Line(Layers + ".TokenInput.Embed<" + s + ">(_parameters, " + plan.EmbeddingId + "Offset, Vocabulary, " + input.Dim + ", tokens, batch, steps, _x);");
                w.Line(Layers + ".Workspace.Ensure(ref _embeddingMask, " + Times("steps * batch", input.Dim) + ");");
                w.Line(Layers + ".Dropout.Apply<" + s + ">(_x.AsSpan(0, " + Times("steps * batch", input.Dim) + "), _embeddingMask, " + TrainingEmitter.Float(input.Dropout) + ", DropoutRandom);");
                w.Close();
            }
            w.Line("return steps;");
            w.Close();
            w.Line();
            if (!plan.Tokens) return;

            var first = plan.Spec.Recurrent[0];
            bool embedded = input.Kind == InputKind.Embedding;
            string product = (embedded ? "E·W_ihᵀ" : "W_ihᵀ") + (first.Cell == CellKind.Gru ? " + b_ih" : " + b_ih + b_hh");
            w.Line("/// <summary>");
            w.Line("/// The tokens as " + first.Name + " reads them: " + (embedded ? "rows of " + input.Name + ".weight E" : "one-hot vectors") + ". While there are fewer token ids than");
            w.Line("/// steps · batch rows, each direction of its first layer makes the table P [Vocabulary, " + first.Gates * first.Hidden + "] = " + product + ",");
            w.Line("/// the input projection of every token id, once per Forward and gathers row P[token_t] for each step instead of");
            w.Line("/// multiplying every step's vector by W_ih (the same values, bit for bit); backward sums the gate gradients per id.");
            w.Line("/// </summary>");
            w.Line("private static global::Rnn.Layers.TokenBatch TokenBatch(global::System.ReadOnlySpan<int> tokens) => " + plan.TokenBatch + ";");
            w.Line();
        }

        public static void EmitBackward(SourceWriter w, ModelPlan plan, string s)
        {
            var head = plan.Spec.Head;
            int last = plan.Spec.Dense.Count - 1;
            bool classes = head.Activation == ActivationKind.Softmax;
            string targetType = classes ? "int" : s;
            string targetShape = classes ? (plan.Sequence ? "[batch, steps]" : "[batch]") : OutputShape(plan);
            string targetLength = classes ? (plan.Sequence ? "batch * steps" : "batch") : OutputLength(plan);
            string loss = head.Activation switch
            {
                ActivationKind.Softmax => "mean cross-entropy",
                ActivationKind.Sigmoid => "mean binary cross-entropy",
                _ => "mean squared error",
            };
            string targetsParameter = "global::System.ReadOnlySpan<" + targetType + "> targets";
            w.Line("/// <summary>Forward and " + loss + " over valid positions, without gradients (e.g. a validation loss). Targets: " + (classes ? "class ids " : "") + targetShape + ".</summary>");
            w.Open("public " + s + " Evaluate(" + InputParameter(plan, s) + ", int batch, " + targetsParameter + ", global::System.ReadOnlySpan<int> lengths = default)");
            w.Line("return ForwardLoss(" + InputName(plan) + ", batch, targets, lengths, out _, out _);");
            w.Close();
            w.Line();

            w.Open("private " + s + " ForwardLoss(" + InputParameter(plan, s) + ", int batch, " + targetsParameter + ", global::System.ReadOnlySpan<int> lengths, out int steps, out int rows)");
            w.Line("steps = Begin(" + InputName(plan) + ", batch, lengths);");
            w.Line(Layers + ".Guard.Size(targets.Length, " + targetLength + ", nameof(targets), \"" + targetShape + "\");");
            w.Line("rows = RunForward(" + TokensArgument(plan) + "steps, batch, lengths);");
            w.Line(Layers + ".Workspace.Ensure(ref _dy" + last + ", rows * OutputSize);");
            w.Line(Layers + ".Workspace.Ensure(ref _headScratch, rows * OutputSize);");
            w.Line("return " + Layers + ".Head.Loss<" + s + ">(" + Activation(head.Activation) + ", _y" + last + ", targets, batch, " + HeadSteps(plan)
                + ", OutputSize, " + HeadLengths(plan) + ", _dy" + last + ", _headScratch);");
            w.Close();
            w.Line();

            w.Line("/// <summary>");
            w.Line("/// Forward, " + loss + " over valid positions, and backpropagation through time: adds d loss / d parameter");
            w.Line("/// into <see cref=\"Gradients\"/> and returns the loss. Targets: " + (classes ? "class ids " : "") + targetShape + ".");
            w.Line("/// </summary>");
            w.Open("public " + s + " Backward(" + InputParameter(plan, s) + ", int batch, " + targetsParameter + ", global::System.ReadOnlySpan<int> lengths = default)");
            w.Line(s + " loss = ForwardLoss(" + InputName(plan) + ", batch, targets, lengths, out int steps, out int rows);");
            w.Line("RunBackward(" + TokensArgument(plan) + "steps, batch, rows);");
            if (!plan.Tokens)
            {
                w.Line("_inputGradientCount = steps * batch * InputSize;");
                w.Line(Layers + ".Workspace.Ensure(ref _inputGradients, _inputGradientCount);");
                w.Line(Layers + ".Layout.ToBatchFirst<" + s + ">(_dx, batch, steps, InputSize, _inputGradients);");
            }
            w.Line("return loss;");
            w.Close();
            w.Line();
        }
    }
}
