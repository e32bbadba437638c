using Rnn.Generators.Model;

namespace Rnn.Generators.Emitting
{
    /// <summary>Emits CheckReference: load a PyTorch reference case, run it, compare everything.</summary>
    internal static class ReferenceEmitter
    {
        public static void Emit(SourceWriter w, ModelPlan plan, string s)
        {
            bool classes = plan.Spec.Head.Activation == ActivationKind.Softmax;
            string input = plan.Tokens ? "reference.Tokens" : "reference.Input<" + s + ">()";
            w.Line("/// <summary>");
            w.Line("/// Loads the weights in a PyTorch reference file (see tools/export_reference.py), runs its batch and compares the");
            w.Line("/// logits, the loss and every gradient with PyTorch's: |a − b| / max(1, |b|) ≤ <paramref name=\"tolerance\"/>.");
            w.Line("/// The reference weights stay loaded in this model, and its gradients are those of the reference batch.");
            w.Line("/// </summary>");
            w.Open("public global::Rnn.ReferenceReport CheckReference(string path, double tolerance = 1e-5)");
            w.Line("var reference = global::Rnn.ReferenceCase.Read(path);");
            w.Line("global::Rnn.ModelFiles.Load<" + s + ">(reference.File, _parameters, s_tensors);");
            w.Line("_parameterVersion++;");
            w.Line("int batch = reference.Batch;");
            w.Line("var lengths = reference.Lengths;");
            w.Line("var logits = new " + s + "[batch * " + (plan.Sequence ? "reference.Steps * " : "") + "OutputSize];");
            w.Line("ForwardLogits(" + input + ", batch, logits, lengths);");
            w.Line("ZeroGradients();");
            w.Line(s + " loss = Backward(" + input + ", batch, " + (classes ? "reference.TargetClasses" : "reference.Target<" + s + ">()") + ", lengths);");
            w.Line("return reference.Compare<" + s + ">(logits, loss, _gradients, s_tensors, " + (plan.Tokens ? "default" : "InputGradients") + ", tolerance);");
            w.Close();
        }
    }
}
