using System;

namespace Rnn
{
    /// <summary>
    /// Bakes trained weights into the assembly. Put it on an <see cref="RnnModelAttribute"/> class (on any of its
    /// <c>partial</c> parts) and declare the file in the project file:
    /// <code>
    /// &lt;ItemGroup&gt;
    ///   &lt;RnnGenWeights Include="amp.safetensors" /&gt;   &lt;!-- path relative to the project --&gt;
    /// &lt;/ItemGroup&gt;
    /// </code>
    /// The RnnGen package's build targets embed the file as the manifest resource
    /// <c>RnnGen.Weights.&lt;file name&gt;</c>, and the generator adds <c>LoadEmbeddedWeights()</c>,
    /// <c>static FromEmbeddedWeights()</c> and the constant <c>EmbeddedWeightsResource</c> to the model, which read
    /// the weights from the assembly itself: no file system access, so they work in a NativeAOT or single-file app.
    /// A file that is not declared, or declared but missing on disk, is compile error RNN0027; a file whose tensors
    /// do not fit the model makes <c>LoadEmbeddedWeights()</c> throw an exception that names the resource and the tensor.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class WeightsAttribute : Attribute
    {
        /// <summary>Names the safetensors file to embed: its file name only (e.g. <c>"amp.safetensors"</c>); the project's <c>&lt;RnnGenWeights Include="…"/&gt;</c> gives its path.</summary>
        public WeightsAttribute(string file) => File = file;

        /// <summary>The safetensors file's name, as <c>&lt;RnnGenWeights Include="…"/&gt;</c> names it (without the folder).</summary>
        public string File { get; }
    }
}
