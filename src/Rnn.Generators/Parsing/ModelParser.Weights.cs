using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Rnn.Generators.Diagnostics;
using Rnn.Generators.Model;

namespace Rnn.Generators.Parsing
{
    /// <summary>[Weights("file.safetensors")]: trained weights baked into the assembly (docs/embedded-weights.md).</summary>
    internal static partial class ModelParser
    {
        private const string SafetensorsExtension = ".safetensors";

        /// <summary>
        /// Reads the class's [Weights] (written on any partial part). What the source alone shows to be wrong (no name, a
        /// folder in the name, not a .safetensors file) is reported here; whether the project embeds the file is checked
        /// when the result meets the build properties (<see cref="EmbeddedWeights"/>).
        /// </summary>
        private static WeightsSpec? ParseWeights(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass is { Name: "WeightsAttribute" } c
                && c.ContainingNamespace is { Name: "Rnn", ContainingNamespace.IsGlobalNamespace: true });
            if (attribute is null || HasErrors(attribute, cancellationToken)) return null;
            var location = Locate(attribute) ?? LocationInfo.From(type.Locations.FirstOrDefault());
            string file = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string s ? s : "";
            string written = "[Weights(\"" + file + "\")] on '" + type.Name + "'";

            if (file.Trim().Length == 0)
            {
                diagnostics.Add(Diag(Descriptors.WeightsFile, location, written + " names no file",
                    "write the safetensors file's name, e.g. [Weights(\"model.safetensors\")], and declare it in the project file with <RnnGenWeights Include=\"model.safetensors\" />"));
                return null;
            }
            int slash = Math.Max(file.LastIndexOf('/'), file.LastIndexOf('\\'));
            if (slash >= 0)
            {
                string name = file.Substring(slash + 1);
                diagnostics.Add(Diag(Descriptors.WeightsFile, location, written + " holds a folder",
                    "write the file name only, [Weights(\"" + name + "\")], and give the path in the project file: <RnnGenWeights Include=\"" + file + "\" />"));
                return null;
            }
            if (!file.EndsWith(SafetensorsExtension, StringComparison.OrdinalIgnoreCase))
            {
                int dot = file.LastIndexOf('.');
                string stem = dot > 0 ? file.Substring(0, dot) : file;
                diagnostics.Add(Diag(Descriptors.WeightsFile, location, written + " is not a .safetensors file",
                    "RnnGen embeds safetensors; convert a PyTorch state_dict with 'python3 tools/export_reference.py weights " + file + " "
                    + stem + SafetensorsExtension + "' (or save it from C# with SaveSafetensors) and write [Weights(\"" + stem + SafetensorsExtension + "\")]"));
                return null;
            }
            return new WeightsSpec(file, location, NamespaceName(type.ContainingNamespace), ContainingTypes(type), type.Name);
        }

        /// <summary>
        /// Whether the project embeds <paramref name="weights"/>' file, as RnnGen.targets reports it. Null when it does,
        /// or when the build properties are not there (then <c>LoadEmbeddedWeights()</c> reports a missing resource).
        /// </summary>
        public static DiagnosticInfo? CheckEmbedded(WeightsSpec weights, EmbeddedWeights embedded)
        {
            if (!embedded.Known || embedded.IsEmbedded(weights.File)) return null;
            string written = "[Weights(\"" + weights.File + "\")] on '" + weights.ClassName + "'";
            if (embedded.MissingPath(weights.File) is { } path)
                return Diag(Descriptors.WeightsFile, weights.Location, written + " names a file that does not exist (" + path + ")",
                    "create it (train the model and call SaveSafetensors, or convert a PyTorch state_dict), or correct the path in <RnnGenWeights Include=\"...\" />");
            if (embedded.CaseVariant(weights.File) is { } variant)
                return Diag(Descriptors.WeightsFile, weights.Location, written + " names a file the project does not embed",
                    "the project embeds '" + variant + "' (names are compared with case): write [Weights(\"" + variant + "\")]");
            return Diag(Descriptors.WeightsFile, weights.Location, written + " names a file the project does not embed",
                "add <RnnGenWeights Include=\"" + weights.File + "\" /> to an <ItemGroup> of the project file (the path is relative to the project)");
        }
    }
}
