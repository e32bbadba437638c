using Rnn.Generators.Model;
using static Rnn.Generators.Emitting.ModelPlan;

namespace Rnn.Generators.Emitting
{
    /// <summary>Emits the members of a model class for one scalar type (float, or double for the twin).</summary>
    internal static class MemberEmitter
    {
        private const string Span = "global::System.Span";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan";
        private const string Layers = "global::Rnn.Layers";

        /// <param name="twin">Whether this is the nested double twin, which shares the outer class's sizes, offsets and tensor table.</param>
        public static void Emit(SourceWriter w, ModelPlan plan, string s, string className, bool twin)
        {
            if (twin) TensorTable(w, s);
            else Sizes(w, plan, s);
            Fields(w, plan, s);
            Constructors(w, plan, s, className);
            Parameters(w, plan, s);
            TrainingEmitter.Emit(w, plan, s);
            InputEmitter.EmitForward(w, plan, s);
            InputEmitter.EmitBackward(w, plan, s);
            ForwardCore(w, plan, s);
            BackwardCore(w, plan, s);
            StepEmitter.Emit(w, plan, s);
            if (plan.LanguageModel && !twin) SamplingEmitter.Emit(w, plan);
            Files(w, plan, s);
        }

        private static void Sizes(SourceWriter w, ModelPlan plan, string s)
        {
            var spec = plan.Spec;
            w.Line("// ── Sizes ─────────────────────────────────────────────────────────────");
            if (plan.Tokens)
            {
                w.Line("/// <summary>Token ids run from 0 to Vocabulary − 1.</summary>");
                w.Line("public const int Vocabulary = " + Int(spec.Input.Size) + ";");
            }
            else
            {
                w.Line("/// <summary>Features per input step.</summary>");
                w.Line("public const int InputSize = " + Int(spec.Input.Size) + ";");
            }
            w.Line("/// <summary>Features per output (per step for many-to-many models).</summary>");
            w.Line("public const int OutputSize = " + Int(plan.Outputs) + ";");
            w.Line("/// <summary>Whether Forward returns every step (many-to-many) or only the last state's output (many-to-one).</summary>");
            w.Line("public const bool ReturnsSequence = " + (plan.Sequence ? "true" : "false") + ";");
            w.Line("/// <summary>Floats of carried recurrent state per sequence (stateful training): h, and c for LSTM, of every layer's forward direction.</summary>");
            w.Line("public const int StateSize = " + Int(plan.StateSize) + ";");
            w.Line("private const int ParameterTotal = " + Int(plan.Total) + ";");
            w.Line();
            w.Line("// ── Parameter block: one contiguous span, PyTorch's state_dict names, shapes and order ──");
            int nameWidth = 0, numberWidth = Int(plan.Total).Length;
            foreach (var slot in plan.Slots) nameWidth = System.Math.Max(nameWidth, slot.Name.Length);
            foreach (var slot in plan.Slots)
                w.Line("//   [" + Int(slot.Offset).PadLeft(numberWidth) + " … " + Int(slot.Offset + slot.Length).PadLeft(numberWidth) + ")  " + slot.Name.PadRight(nameWidth) + "  [" + string.Join(", ", slot.Shape) + "]");
            if (spec.Input.Kind == InputKind.Embedding)
                w.Line("private const int " + plan.EmbeddingId + "Offset = " + Int(plan.Offset(spec.Input.Name + ".weight")) + ";");
            for (int i = 0; i < spec.Recurrent.Count; i++)
                w.Line("private const int " + plan.RecurrentIds[i] + "Offset = " + Int(plan.RecurrentOffset(i)) + ";");
            for (int i = 0; i < spec.Dense.Count; i++)
                w.Line("private const int " + plan.DenseIds[i] + "Offset = " + Int(plan.DenseOffset(i)) + ";");
            w.Line();
            w.Line("private static readonly global::Rnn.TensorInfo[] s_tensors =");
            w.Line("{");
            foreach (var slot in plan.Slots)
                w.Line("    new(\"" + slot.Name + "\", " + Int(slot.Offset) + ", new[] { " + string.Join(", ", slot.Shape) + " }),");
            w.Line("};");
            w.Line();
            TensorTable(w, s);
        }

        private static void TensorTable(SourceWriter w, string s)
        {
            w.Line("/// <summary>The tensors in the parameter block: PyTorch names, offsets and shapes.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::Rnn.TensorInfo> Tensors => s_tensors;");
            w.Line();
            w.Line("global::System.Collections.Generic.IReadOnlyList<global::Rnn.TensorInfo> global::Rnn.IRnnModel<" + s + ">.Tensors => s_tensors;");
            w.Line();
        }

        private static void Fields(SourceWriter w, ModelPlan plan, string s)
        {
            var spec = plan.Spec;
            string empty = " = global::System.Array.Empty<" + s + ">();";
            w.Line("private readonly " + s + "[] _parameters = new " + s + "[ParameterTotal];");
            w.Line("private readonly " + s + "[] _gradients = new " + s + "[ParameterTotal];");
            w.Line("private int _parameterVersion;  // counts possible parameter changes: Step repacks its streaming weights when it moves");
            w.Line();
            w.Line("// ── Layers ────────────────────────────────────────────────────────────");
            if (spec.Input.Kind == InputKind.Embedding)
                w.Line("// " + spec.Input.Name + ": x_t = E[token_t], E [" + spec.Input.Size + ", " + spec.Input.Dim + "]"
                    + (plan.EmbeddingDropout ? "; while Training: dropout " + TrainingEmitter.Float(spec.Input.Dropout) + " on x_t" : ""));
            else if (spec.Input.Kind == InputKind.OneHot)
                w.Line("// " + spec.Input.Name + ": x_t = onehot(token_t), " + spec.Input.Size + " features");
            for (int i = 0; i < spec.Recurrent.Count; i++)
            {
                var r = spec.Recurrent[i];
                w.Line();
                w.Line("// " + r.Name + ": " + Equations.Signature(r)
                    + (r.Layers > 1 ? ", " + r.Layers + " layers (layer k > 0 reads " + r.Directions * r.Hidden + " features)" : "")
                    + (r.Bidirectional ? ", bidirectional, " + r.Merge.ToString().ToLowerInvariant() + " → " + r.Output + " features" : ""));
                foreach (var line in Equations.Recurrent(r)) w.Line("//   " + line);
                if (r.Dropout > 0f) w.Line("//   while Training: dropout " + TrainingEmitter.Float(r.Dropout) + " on the outputs of every layer but the last (x_{l+1} = m ⊙ h_l / (1 − p))");
                if (r.RecurrentDropout > 0f) w.Line("//   while Training: recurrent dropout " + TrainingEmitter.Float(r.RecurrentDropout) + " on h where it meets W_hh, one mask per sequence");
                string cell = r.Cell switch
                {
                    CellKind.Lstm => "Lstm",
                    CellKind.Gru => "Gru",
                    _ => r.Activation == ActivationKind.Relu ? "RnnRelu" : "RnnTanh",
                };
                w.Line("private readonly " + Layers + ".RecurrentBlock<" + s + "> " + plan.BlockField(i) + " = new(" + Layers + ".CellType." + cell
                    + ", input: " + r.Input + ", hidden: " + r.Hidden + ", layers: " + r.Layers + ", directions: " + r.Directions
                    + ", merge: global::Rnn.Merge." + r.Merge + ", parameterOffset: " + plan.RecurrentIds[i] + "Offset" + TrainingEmitter.BlockArguments(r) + ");");
            }
            for (int i = 0; i < spec.Dense.Count; i++)
            {
                var d = spec.Dense[i];
                w.Line();
                w.Line("// " + d.Name + ": Dense(" + d.Input + " → " + d.Units + "), " + Equations.Dense(d, i == spec.Dense.Count - 1));
            }
            w.Line();
            w.Line("// ── Workspaces: grown once for a larger batch or longer sequence, then reused ──");
            if (!plan.Tokens)
                w.Line("private " + s + "[] _x" + empty + "  // [steps·batch, " + spec.Recurrent[0].Input + "] time-major input of " + spec.Recurrent[0].Name);
            else if (plan.ReadsVectors)
                w.Line("private " + s + "[] _x" + empty + "  // [steps·batch, " + spec.Recurrent[0].Input + "] time-major embedded vectors after dropout, what " + spec.Recurrent[0].Name + " reads while Training");
            for (int i = 0; i < spec.Recurrent.Count; i++)
                w.Line("private " + s + "[] _h" + i + empty + "  // [steps·batch, " + spec.Recurrent[i].Output + "] outputs of " + spec.Recurrent[i].Name);
            w.Line("private " + s + "[] _features" + empty + "  // [" + (plan.Sequence ? "batch·steps" : "batch") + ", " + plan.Features + "] what the dense layers read");
            for (int i = 0; i < spec.Dense.Count; i++)
                w.Line("private " + s + "[] _y" + i + empty + "  // [rows, " + spec.Dense[i].Units + "] outputs of " + spec.Dense[i].Name + (i == spec.Dense.Count - 1 ? " (logits)" : ""));
            if (plan.EmbeddingDropout)
            {
                w.Line("private " + s + "[] _embeddingMask" + empty + "  // dropout mask on the embedded vectors, rate " + TrainingEmitter.Float(spec.Input.Dropout));
                w.Line("private bool _embeddingMasked;");
            }
            if (plan.ReadsVectors) w.Line("private " + s + "[] _dx" + empty);
            for (int i = 0; i < spec.Recurrent.Count; i++) w.Line("private " + s + "[] _dh" + i + empty);
            w.Line("private " + s + "[] _dFeatures" + empty);
            for (int i = 0; i < spec.Dense.Count; i++) w.Line("private " + s + "[] _dy" + i + empty);
            w.Line("private " + s + "[] _headScratch" + empty);
            if (!plan.Tokens)
            {
                w.Line("private " + s + "[] _inputGradients" + empty);
                w.Line("private int _inputGradientCount;");
            }
            w.Line();
        }

        private static void Constructors(SourceWriter w, ModelPlan plan, string s, string className)
        {
            var spec = plan.Spec;
            w.Line("/// <summary>Creates the model with parameters initialised as PyTorch does, from seed 0.</summary>");
            w.Line("public " + className + "() : this(0) { }");
            w.Line();
            w.Line("/// <summary>Creates the model with parameters initialised as PyTorch does, deterministically from <paramref name=\"seed\"/>.</summary>");
            w.Line("public " + className + "(int seed) => ResetParameters(seed);");
            w.Line();
            w.Line("/// <summary>Re-initialises every parameter as PyTorch does (recurrent U(−1/√H, 1/√H), dense U(−1/√in, 1/√in), embedding N(0, 1)), deterministically from <paramref name=\"seed\"/>.</summary>");
            w.Open("public void ResetParameters(int seed)");
            w.Line("var random = new global::Rnn.RandomSource(unchecked((ulong)seed));");
            w.Line("DropoutRandom = new global::Rnn.RandomSource(unchecked((ulong)seed) ^ 0x5DEECE66DUL);");
            w.Line("_parameterVersion++;");
            w.Line("var p = _parameters.AsSpan();");
            if (spec.Input.Kind == InputKind.Embedding)
                w.Line("global::Rnn.Init.Normal(random, p.Slice(" + plan.EmbeddingId + "Offset, " + Int(spec.Input.Size * (long)spec.Input.Dim) + "));  // " + spec.Input.Name + ".weight ~ N(0, 1)");
            for (int i = 0; i < spec.Recurrent.Count; i++)
                w.Line("global::Rnn.Init.Uniform(random, p.Slice(" + plan.RecurrentIds[i] + "Offset, " + Int(plan.RecurrentCount(i)) + "), fanIn: " + spec.Recurrent[i].Hidden + ");  // " + spec.Recurrent[i].Name + ".* ~ U(−1/√" + spec.Recurrent[i].Hidden + ", 1/√" + spec.Recurrent[i].Hidden + ")");
            for (int i = 0; i < spec.Dense.Count; i++)
            {
                var d = spec.Dense[i];
                w.Line("global::Rnn.Init.Uniform(random, p.Slice(" + plan.DenseIds[i] + "Offset, " + Int(d.Units * (long)(d.Input + 1)) + "), fanIn: " + d.Input + ");  // " + d.Name + ".* ~ U(−1/√" + d.Input + ", 1/√" + d.Input + ")");
            }
            w.Line("ResetState();");
            w.Close();
            w.Line();
        }

        private static void Parameters(SourceWriter w, ModelPlan plan, string s)
        {
            w.Line("/// <summary>Number of parameters (the length of <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>).</summary>");
            w.Line("public int ParameterCount => ParameterTotal;");
            w.Line();
            w.Line("/// <summary>Every parameter in one block, laid out as <see cref=\"Tensors\"/> says. Step reads a copy packed for streaming, refreshed after every read of this property: write through a span read after the last Step.</summary>");
            w.Line("public " + Span + "<" + s + "> Parameters");
            w.Line("{");
            w.Line("    get");
            w.Line("    {");
            w.Line("        _parameterVersion++;");
            w.Line("        return _parameters;");
            w.Line("    }");
            w.Line("}");
            w.Line();
            w.Line("/// <summary>d loss / d parameter, accumulated by Backward, same layout as <see cref=\"Parameters\"/>.</summary>");
            w.Line("public " + Span + "<" + s + "> Gradients => _gradients;");
            w.Line();
            w.Line("/// <summary>Sets every gradient to zero.</summary>");
            w.Line("public void ZeroGradients() => global::System.Array.Clear(_gradients);");
            w.Line();
            if (!plan.Tokens)
            {
                w.Line("/// <summary>d loss / d inputs of the last Backward, [batch, steps, InputSize].</summary>");
                w.Line("public " + ReadOnlySpan + "<" + s + "> InputGradients => _inputGradients.AsSpan(0, _inputGradientCount);");
                w.Line();
            }
        }

        private static void ForwardCore(SourceWriter w, ModelPlan plan, string s)
        {
            var spec = plan.Spec;
            w.Line("/// <summary>Runs the recurrent and dense layers on " + (plan.Tokens ? "the tokens" : "_x") + "; leaves the logits in _y" + (spec.Dense.Count - 1) + ". Returns the number of rows.</summary>");
            w.Open("private int RunForward(" + (plan.Tokens ? ReadOnlySpan + "<int> tokens, " : "") + "int steps, int batch, " + ReadOnlySpan + "<int> lengths)");
            w.Line("int n = steps * batch;");
            w.Line("int rows = " + (plan.Sequence ? "n" : "batch") + ";");
            for (int i = 0; i < spec.Recurrent.Count; i++)
            {
                var r = spec.Recurrent[i];
                string rest = ", steps, batch, lengths, _h" + i + ", carry: Stateful, random: DropoutSource);";
                string fromVectors = plan.BlockField(i) + ".Forward(_parameters, " + (i == 0 ? "_x" : "_h" + (i - 1)) + ".AsSpan(0, " + Times("n", r.Input) + ")" + rest;
                string fromTokens = plan.BlockField(i) + ".Forward(_parameters, TokenBatch(tokens)" + rest;
                w.Line(Layers + ".Workspace.Ensure(ref _h" + i + ", " + Times("n", r.Output) + ");");
                if (i > 0 || !plan.Tokens) w.Line(fromVectors);
                else if (!plan.EmbeddingDropout) w.Line(fromTokens);
                else
                {
                    w.Line("if (_embeddingMasked) " + fromVectors);
                    w.Line("else " + fromTokens);
                }
            }
            int last = spec.Recurrent.Count - 1;
            w.Line(Layers + ".Workspace.Ensure(ref _features, " + Times("rows", plan.Features) + ");");
            if (plan.Sequence)
                w.Line(Layers + ".Layout.ToBatchFirst<" + s + ">(_h" + last + ", batch, steps, " + plan.Features + ", _features);  // to [batch, steps, " + plan.Features + "]");
            else
                w.Line(plan.BlockField(last) + ".FinalState(_features);  // forward after its last valid step, reverse after step 0");
            for (int i = 0; i < spec.Dense.Count; i++)
            {
                var d = spec.Dense[i];
                bool head = i == spec.Dense.Count - 1;
                string input = i == 0 ? "_features" : "_y" + (i - 1);
                w.Line(Layers + ".Workspace.Ensure(ref _y" + i + ", " + Times("rows", d.Units) + ");");
                w.Line(Layers + ".DenseLayer.Forward<" + s + ">(_parameters, " + plan.DenseIds[i] + "Offset, " + d.Input + ", " + d.Units + ", "
                    + Activation(head ? ActivationKind.Linear : d.Activation) + ", " + input + ", rows, _y" + i + ");" + (head ? "  // logits" : ""));
            }
            w.Line("return rows;");
            w.Close();
            w.Line();
        }

        private static void BackwardCore(SourceWriter w, ModelPlan plan, string s)
        {
            var spec = plan.Spec;
            int head = spec.Dense.Count - 1, last = spec.Recurrent.Count - 1;
            string leaves = !plan.Tokens ? " and leaves d loss / d _x in _dx" : plan.Spec.Input.Kind == InputKind.Embedding ? ", the embedding's among them" : "";
            w.Line("/// <summary>Backpropagation through time from d loss / d logits in _dy" + head + ": adds into the gradients" + leaves + ".</summary>");
            w.Open("private void RunBackward(" + (plan.Tokens ? ReadOnlySpan + "<int> tokens, " : "") + "int steps, int batch, int rows)");
            w.Line("int n = steps * batch;");
            for (int i = head; i >= 0; i--)
            {
                var d = spec.Dense[i];
                string input = i == 0 ? "_features" : "_y" + (i - 1);
                string dInput = i == 0 ? "_dFeatures" : "_dy" + (i - 1);
                w.Line(Layers + ".Workspace.Ensure(ref " + dInput + ", " + Times("rows", d.Input) + ");");
                w.Line(Layers + ".DenseLayer.Backward<" + s + ">(_parameters, _gradients, " + plan.DenseIds[i] + "Offset, " + d.Input + ", " + d.Units + ", "
                    + Activation(i == head ? ActivationKind.Linear : d.Activation) + ", " + input + ", _y" + i + ", _dy" + i + ", rows, " + dInput + ");");
            }
            for (int i = last; i >= 0; i--)
            {
                var r = spec.Recurrent[i];
                string block = plan.BlockField(i);
                string input = i == 0 ? "_x" : "_h" + (i - 1);
                string dInput;
                if (i > 0)
                {
                    w.Line(Layers + ".Workspace.Ensure(ref _dh" + (i - 1) + ", " + Times("n", r.Input) + ");");
                    dInput = "_dh" + (i - 1) + ".AsSpan(0, " + Times("n", r.Input) + ")";
                }
                else if (!plan.Tokens)
                {
                    w.Line(Layers + ".Workspace.Ensure(ref _dx, " + Times("n", r.Input) + ");");
                    dInput = "_dx.AsSpan(0, " + Times("n", r.Input) + ")";
                }
                else dInput = "default";
                string dOutput = "_dh" + i + ".AsSpan(0, " + Times("n", r.Output) + ")", dFinal = "default";
                if (i == last)
                {
                    if (plan.Sequence)
                    {
                        w.Line(Layers + ".Workspace.Ensure(ref _dh" + i + ", " + Times("n", r.Output) + ");");
                        w.Line(Layers + ".Layout.ToTimeMajor<" + s + ">(_dFeatures, batch, steps, " + r.Output + ", _dh" + i + ");");
                    }
                    else
                    {
                        dOutput = "default";
                        dFinal = "_dFeatures.AsSpan(0, " + Times("batch", r.Output) + ")";
                    }
                }
                if (i > 0 || !plan.Tokens)
                {
                    w.Line(block + ".Backward(_parameters, _gradients, " + input + ".AsSpan(0, " + Times("n", r.Input) + "), " + dOutput + ", " + dFinal + ", " + dInput + ");");
                    continue;
                }
                string fromTokens = block + ".Backward(_parameters, _gradients, TokenBatch(tokens), " + dOutput + ", " + dFinal + ");";
                if (!plan.EmbeddingDropout)
                {
                    w.Line(fromTokens);
                    continue;
                }
                // While Training the module read the embedded vectors after dropout: back through them, the mask, then E's rows.
                string dx = "_dx.AsSpan(0, " + Times("n", r.Input) + ")";
                w.Open("if (_embeddingMasked)");
                w.Line(Layers + ".Workspace.Ensure(ref _dx, " + Times("n", r.Input) + ");");
                w.Line(block + ".Backward(_parameters, _gradients, _x.AsSpan(0, " + Times("n", r.Input) + "), " + dOutput + ", " + dFinal + ", " + dx + ");");
                w.Line(Layers + ".Dropout.Backward<" + s + ">(" + dx + ", _embeddingMask);");
                w.Line(Layers + ".TokenInput.EmbedBackward<" + s + ">(_gradients, " + plan.EmbeddingId + "Offset, " + r.Input + ", tokens, batch, steps, _dx);");
                w.Close();
                w.Line("else " + fromTokens);
            }
            w.Close();
            w.Line();
        }

        private static void Files(SourceWriter w, ModelPlan plan, string s)
        {
            w.Line("/// <summary>Saves the parameters as safetensors under PyTorch's names and shapes, atomically.</summary>");
            w.Line("public void SaveSafetensors(string path) => global::Rnn.ModelFiles.Save<" + s + ">(path, _parameters, s_tensors);");
            w.Line();
            w.Line("/// <summary>Loads parameters saved by PyTorch (a state_dict) or by <see cref=\"SaveSafetensors\"/>. A file that does not fit names the tensor and the expected shape, and leaves the model unchanged.</summary>");
            w.Open("public void LoadSafetensors(string path)");
            w.Line("global::Rnn.ModelFiles.Load<" + s + ">(global::Rnn.SafetensorsFile.Read(path), _parameters, s_tensors);");
            w.Line("_parameterVersion++;");
            w.Close();
            w.Line();
            w.Line("/// <summary>Loads parameters from safetensors bytes held in memory (e.g. an embedded resource).</summary>");
            w.Open("public void LoadSafetensors(byte[] bytes)");
            w.Line("global::Rnn.ModelFiles.Load<" + s + ">(global::Rnn.SafetensorsFile.Parse(bytes), _parameters, s_tensors);");
            w.Line("_parameterVersion++;");
            w.Close();
            w.Line();
            ReferenceEmitter.Emit(w, plan, s);
        }
    }
}
