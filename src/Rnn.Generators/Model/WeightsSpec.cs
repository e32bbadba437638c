using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Rnn.Generators.Model
{
    /// <summary>
    /// A model's <c>[Weights("file")]</c>: the safetensors file to bake into the assembly and where the model's generated
    /// part goes. The location travels with it because whether the file is embedded is only known when the parse result
    /// meets the project's build properties (<see cref="EmbeddedWeights"/>), after the cached parse step.
    /// </summary>
    /// <param name="File">The file name written in the attribute.</param>
    /// <param name="Location">The attribute, for RNN0027.</param>
    internal sealed record WeightsSpec(
        string File,
        LocationInfo? Location,
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string ClassName)
    {
        /// <summary>Prefix of the manifest resource names that RnnGen.targets gives &lt;RnnGenWeights&gt; files.</summary>
        public const string ResourcePrefix = "RnnGen.Weights.";

        /// <summary>The manifest resource name the embedded file carries.</summary>
        public string Resource => ResourcePrefix + File;

        /// <summary>
        /// The generated file of the weights members, beside the model's own <c>.g.cs</c>. '-' cannot occur in a type or
        /// namespace name, so this name never collides with another model's file.
        /// </summary>
        public string HintName =>
            (Namespace is null ? "" : Namespace + ".")
            + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "."))
            + ClassName + "-weights.g.cs";
    }

    /// <summary>
    /// The weights files the project embeds, read from the build properties that RnnGen.targets makes visible to the
    /// compiler. <see cref="Known"/> is false when the targets did not run (the generator referenced without the
    /// package's build targets, or a test driver without options): then nothing can be checked at compile time and a
    /// missing resource is reported when <c>LoadEmbeddedWeights()</c> runs.
    /// </summary>
    /// <param name="Embedded">File names of the declared files that exist (each embedded as <c>RnnGen.Weights.&lt;name&gt;</c>).</param>
    /// <param name="Missing">Declared files that do not exist.</param>
    /// <remarks>
    /// The properties hold percent-encoded names (and paths) joined by '|': the .editorconfig that carries them to the
    /// compiler ends a value at '#' or ';'.
    /// </remarks>
    internal sealed record EmbeddedWeights(bool Known, EquatableArray<string> Embedded, EquatableArray<MissingWeightsFile> Missing)
    {
        public const string CheckedProperty = "build_property.RnnGenWeightsChecked";
        public const string EmbeddedProperty = "build_property.RnnGenEmbeddedWeights";
        public const string MissingProperty = "build_property.RnnGenMissingWeights";

        public static readonly EmbeddedWeights Unknown = new(false, EquatableArray<string>.Empty, EquatableArray<MissingWeightsFile>.Empty);

        /// <summary>Reads the build properties; <paramref name="get"/> returns a property's value, or null when it is not set.</summary>
        public static EmbeddedWeights From(Func<string, string?> get)
        {
            if (!string.Equals(get(CheckedProperty)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                return Unknown;
            var embedded = new List<string>();
            foreach (string item in Items(get(EmbeddedProperty))) embedded.Add(Uri.UnescapeDataString(item));
            var missing = new List<MissingWeightsFile>();
            foreach (string item in Items(get(MissingProperty)))
            {
                int eq = item.IndexOf('=');   // name=path: an '=' inside either is encoded
                if (eq > 0) missing.Add(new MissingWeightsFile(Uri.UnescapeDataString(item.Substring(0, eq)), Uri.UnescapeDataString(item.Substring(eq + 1))));
            }
            return new EmbeddedWeights(true, new EquatableArray<string>(embedded.ToImmutableArray()), new EquatableArray<MissingWeightsFile>(missing.ToImmutableArray()));
        }

        private static IEnumerable<string> Items(string? value)
        {
            if (value is null) yield break;
            foreach (string part in value.Split('|'))
            {
                string item = part.Trim();
                if (item.Length > 0) yield return item;
            }
        }

        public bool IsEmbedded(string file)
        {
            foreach (string name in Embedded)
            {
                if (string.Equals(name, file, StringComparison.Ordinal)) return true;
            }
            return false;
        }

        /// <summary>The full path of a declared but missing file of this name, or null.</summary>
        public string? MissingPath(string file)
        {
            foreach (var missing in Missing)
            {
                if (string.Equals(missing.File, file, StringComparison.Ordinal)) return missing.Path;
            }
            return null;
        }

        /// <summary>A declared, embedded file whose name differs from <paramref name="file"/> only in case, or null.</summary>
        public string? CaseVariant(string file)
        {
            foreach (string name in Embedded)
            {
                if (string.Equals(name, file, StringComparison.OrdinalIgnoreCase)) return name;
            }
            return null;
        }
    }

    /// <summary>A weights file the project declares (&lt;RnnGenWeights&gt;) but that does not exist.</summary>
    internal sealed record MissingWeightsFile(string File, string Path);
}
