using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Generators.Diagnostics;
using Rnn.Generators.Model;

namespace Rnn.Generators.Parsing
{
    /// <summary>Reads an [RnnModel] class's attributes into a <see cref="ModelSpec"/> and its diagnostics.</summary>
    internal static class ModelParser
    {
        private const string Ns = "Rnn.";

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var diagnostics = new List<DiagnosticInfo>();
            var classLocation = LocationInfo.From(((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation());
            try
            {
                var spec = ParseCore(type, context, diagnostics, classLocation, cancellationToken);
                return new ParseResult(diagnostics.Count == 0 ? spec : null, diagnostics.ToEquatableArray());
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                diagnostics.Add(Diag(Descriptors.InternalError, classLocation, type.Name, e.GetType().Name + ": " + e.Message));
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }
        }

        private static ModelSpec? ParseCore(
            INamedTypeSymbol type, GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics,
            LocationInfo? classLocation, CancellationToken cancellationToken)
        {
            CheckPartial(type, diagnostics, classLocation);
            if (type.IsGenericType)
                diagnostics.Add(Diag(Descriptors.GenericModel, classLocation, type.Name));

            var modelAttribute = context.Attributes[0];
            var modelLocation = Locate(modelAttribute) ?? classLocation;
            int inputFeatures = Named(modelAttribute, "Input", 0);
            var returns = (ReturnsKind)Named(modelAttribute, "Returns", 0);
            bool inputSet = modelAttribute.NamedArguments.Any(a => a.Key == "Input");
            if (inputSet && inputFeatures <= 0)
                diagnostics.Add(Diag(Descriptors.NonPositiveSize, modelLocation, "RnnModel.Input", inputFeatures.ToString()));

            var layers = type.GetAttributes()
                .Where(a => a.AttributeClass is { } c && c.ContainingNamespace?.ToDisplayString() == "Rnn" && c.Name != "RnnModelAttribute")
                .Select(a => (Attribute: a, Syntax: a.ApplicationSyntaxReference))
                .OrderBy(a => a.Syntax?.SyntaxTree.FilePath, StringComparer.Ordinal)
                .ThenBy(a => a.Syntax?.Span.Start ?? 0)
                .Select(a => a.Attribute)
                .ToList();
            cancellationToken.ThrowIfCancellationRequested();

            InputSpec? input = null;
            if (inputSet) input = new InputSpec(InputKind.Features, inputFeatures, inputFeatures, "input");
            var recurrent = new List<RecurrentSpec>();
            var dense = new List<DenseSpec>();
            var names = new Dictionary<string, bool>(StringComparer.Ordinal);
            AttributeData? pendingBidirectional = null;
            int features = input?.Dim ?? 0;
            bool sawDense = false;

            foreach (var attribute in layers)
            {
                var location = Locate(attribute) ?? classLocation;
                string kind = attribute.AttributeClass!.Name;
                if (pendingBidirectional is not null && kind != "SimpleRnnAttribute" && kind != "LstmAttribute" && kind != "GruAttribute")
                {
                    diagnostics.Add(Diag(kind == "BidirectionalAttribute" ? Descriptors.BidirectionalRepeated : Descriptors.BidirectionalWithoutRecurrent,
                        kind == "BidirectionalAttribute" ? location : Locate(pendingBidirectional) ?? classLocation));
                    if (kind == "BidirectionalAttribute") continue;
                    pendingBidirectional = null;
                }

                switch (kind)
                {
                    case "EmbeddingAttribute":
                    case "OneHotAttribute":
                    {
                        bool embedding = kind == "EmbeddingAttribute";
                        int vocab = Ctor(attribute, 0);
                        int dim = embedding ? Ctor(attribute, 1) : vocab;
                        Positive(diagnostics, location, embedding ? "Embedding vocab" : "OneHot vocab", vocab);
                        if (embedding) Positive(diagnostics, location, "Embedding dim", dim);
                        if (input is not null)
                        {
                            diagnostics.Add(Diag(Descriptors.ConflictingInput, location,
                                input.Kind == InputKind.Features ? "RnnModel.Input is set and " + Short(kind) + " is declared too" : "more than one token input is declared"));
                            break;
                        }
                        if (recurrent.Count > 0 || sawDense)
                            diagnostics.Add(Diag(Descriptors.LayerOrder, location, "[" + Short(kind) + "] comes after other layers"));
                        string name = LayerName(attribute, embedding ? "embedding" : "onehot", names, diagnostics, location);
                        input = new InputSpec(embedding ? InputKind.Embedding : InputKind.OneHot, vocab, dim, name);
                        features = dim;
                        break;
                    }
                    case "BidirectionalAttribute":
                        pendingBidirectional = attribute;
                        break;
                    case "SimpleRnnAttribute":
                    case "LstmAttribute":
                    case "GruAttribute":
                    {
                        var cell = kind == "LstmAttribute" ? CellKind.Lstm : kind == "GruAttribute" ? CellKind.Gru : CellKind.SimpleRnn;
                        int hidden = Ctor(attribute, 0);
                        int layerCount = Named(attribute, "Layers", 1);
                        Positive(diagnostics, location, Short(kind) + " hidden", hidden);
                        Positive(diagnostics, location, Short(kind) + " Layers", layerCount);
                        var activation = ActivationKind.Tanh;
                        if (cell == CellKind.SimpleRnn)
                        {
                            activation = (ActivationKind)Named(attribute, "Activation", (int)ActivationKind.Tanh);
                            if (activation != ActivationKind.Tanh && activation != ActivationKind.Relu)
                                diagnostics.Add(Diag(Descriptors.UnsupportedActivation, location, "[SimpleRnn]", activation.ToString(), "Activation.Tanh or Activation.Relu"));
                        }
                        if (sawDense)
                            diagnostics.Add(Diag(Descriptors.LayerOrder, location, "[" + Short(kind) + "] comes after a [Dense] layer"));
                        bool bidirectional = pendingBidirectional is not null;
                        var merge = bidirectional ? (MergeKind)Named(pendingBidirectional!, "Merge", 0) : MergeKind.Concat;
                        pendingBidirectional = null;
                        string name = LayerName(attribute, recurrent.Count == 0 ? "recurrent" : "recurrent_" + recurrent.Count, names, diagnostics, location);
                        var spec = new RecurrentSpec(cell, features, hidden, layerCount, bidirectional, merge, activation, name);
                        recurrent.Add(spec);
                        features = spec.Output;
                        break;
                    }
                    case "DenseAttribute":
                    {
                        int units = Ctor(attribute, 0);
                        var activation = (ActivationKind)Ctor(attribute, 1);
                        Positive(diagnostics, location, "Dense units", units);
                        sawDense = true;
                        string name = LayerName(attribute, dense.Count == 0 ? "dense" : "dense_" + dense.Count, names, diagnostics, location);
                        dense.Add(new DenseSpec(features, units, activation, name));
                        features = units;
                        break;
                    }
                }
            }

            if (pendingBidirectional is not null)
                diagnostics.Add(Diag(Descriptors.BidirectionalWithoutRecurrent, Locate(pendingBidirectional) ?? classLocation));
            if (input is null)
                diagnostics.Add(Diag(Descriptors.NoInput, modelLocation, type.Name));
            if (recurrent.Count == 0)
                diagnostics.Add(Diag(Descriptors.NoRecurrentLayer, modelLocation, type.Name));
            if (dense.Count == 0)
                diagnostics.Add(Diag(Descriptors.NoHead, modelLocation, type.Name));
            for (int i = 0; i < dense.Count - 1; i++)
            {
                if (dense[i].Activation == ActivationKind.Softmax)
                    diagnostics.Add(Diag(Descriptors.UnsupportedActivation, Locate(FindDense(layers, i)) ?? classLocation,
                        "A [Dense] layer before the head", "Softmax", "Activation.Linear, Tanh, Relu or Sigmoid (Softmax belongs to the last [Dense])"));
            }
            if (diagnostics.Count > 0 || input is null) return null;

            var spec2 = new ModelSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                ContainingTypes(type),
                type.Name,
                returns,
                input,
                recurrent.ToEquatableArray(),
                dense.ToEquatableArray());
            long count = ParameterLayout.Count(spec2);
            if (count > int.MaxValue)
            {
                diagnostics.Add(Diag(Descriptors.TooManyParameters, modelLocation, type.Name, count.ToString()));
                return null;
            }
            return spec2;
        }

        private static AttributeData? FindDense(List<AttributeData> layers, int index) =>
            layers.Where(a => a.AttributeClass!.Name == "DenseAttribute").ElementAtOrDefault(index);

        private static void CheckPartial(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, LocationInfo? classLocation)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                foreach (var reference in t.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is TypeDeclarationSyntax declaration
                        && !declaration.Modifiers.Any(m => m.Text == "partial"))
                    {
                        diagnostics.Add(Diag(Descriptors.NotPartial,
                            LocationInfo.From(declaration.Identifier.GetLocation()) ?? classLocation, t.Name, Keyword(t)));
                        break;
                    }
                }
            }
        }

        private static EquatableArray<ContainingTypeSpec> ContainingTypes(INamedTypeSymbol type)
        {
            var list = new List<ContainingTypeSpec>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType)
                list.Insert(0, new ContainingTypeSpec(Keyword(t), t.Name));
            return list.ToEquatableArray();
        }

        private static string Keyword(INamedTypeSymbol t) => t.TypeKind switch
        {
            TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => t.IsRecord ? "record" : "class",
        };

        private static string LayerName(AttributeData attribute, string fallback, Dictionary<string, bool> names,
            List<DiagnosticInfo> diagnostics, LocationInfo? location)
        {
            string? name = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
            name ??= fallback;
            if (!IsValidName(name))
                diagnostics.Add(Diag(Descriptors.InvalidName, location, name));
            else if (names.ContainsKey(name))
                diagnostics.Add(Diag(Descriptors.DuplicateName, location, name));
            names[name] = true;
            return name;
        }

        private static bool IsValidName(string name)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_')) return false;
            foreach (char ch in name)
            {
                if (!(ch < 128 && (char.IsLetterOrDigit(ch) || ch == '_'))) return false;
            }
            return true;
        }

        private static void Positive(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, int value)
        {
            if (value <= 0) diagnostics.Add(Diag(Descriptors.NonPositiveSize, location, what, value.ToString()));
        }

        private static string Short(string attributeName) =>
            attributeName.EndsWith("Attribute", StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - 9) : attributeName;

        private static int Ctor(AttributeData attribute, int index) =>
            index < attribute.ConstructorArguments.Length && attribute.ConstructorArguments[index].Value is int v ? v : 0;

        private static int Named(AttributeData attribute, string name, int fallback)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Value is int v) return v;
            }
            return fallback;
        }

        private static LocationInfo? Locate(AttributeData? attribute) =>
            attribute?.ApplicationSyntaxReference is { } r ? LocationInfo.From(r.GetSyntax().GetLocation()) : null;

        private static DiagnosticInfo Diag(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, arguments.ToImmutableArray().ToEquatableArray());
    }
}
