using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Generators.Diagnostics;
using Rnn.Generators.Model;

namespace Rnn.Generators.Parsing
{
    /// <summary>
    /// Reads an [RnnModel] class's attributes into a <see cref="ModelSpec"/> and its diagnostics. Every problem in a
    /// class is reported (not only the first); a class with any problem, or whose attributes do not compile, gets no spec.
    /// </summary>
    internal static partial class ModelParser
    {
        private static readonly SymbolDisplayFormat TypeFormat = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

        /// <summary>
        /// Most stacked layers one recurrent attribute may have. The emitted code lists every tensor (four per layer and
        /// direction, in float and in double), so a typo such as Layers = 100000 must not make the generator write
        /// millions of lines while the IDE waits.
        /// </summary>
        public const int MaxLayers = 256;

        /// <summary>The nested double-precision twin the emitter adds to every model.</summary>
        private const string TwinName = "Float64";

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            var classLocation = LocationInfo.From(declaration.Identifier.GetLocation());
            try
            {
                // A class written in several parts with [RnnModel] on more than one part (CS0579) is seen once per
                // part: only the part holding the first [RnnModel] speaks for the class, so its source is added once.
                // While a declaration is being typed its name may be missing; there is nothing to generate yet.
                // [RnnModel] on a struct or a record struct is the compiler's error (CS0592), not a model.
                if (declaration.Identifier.IsMissing || type.Name.Length == 0 || type.TypeKind != TypeKind.Class
                    || !IsFirstModelDeclaration(type, declaration))
                    return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
                if (IsSeq2Seq(type))
                {
                    var seq2seq = ParseSeq2Seq(type, declaration, context, diagnostics, classLocation, cancellationToken);
                    bool seq2seqFailed = HasErrors(diagnostics);
                    var seq2seqWeights = ParseWeights(type, diagnostics, cancellationToken);
                    return new ParseResult(null, diagnostics.ToEquatableArray(), seq2seqFailed ? null : seq2seq, seq2seqFailed ? null : seq2seqWeights);
                }
                var spec = ParseCore(type, declaration, context, diagnostics, classLocation, cancellationToken);
                // A [Weights] problem is reported, but the model itself is still generated (only its weights members are not).
                bool failed = HasErrors(diagnostics);
                var weights = ParseWeights(type, diagnostics, cancellationToken);
                return new ParseResult(failed ? null : spec, diagnostics.ToEquatableArray(), Weights: failed ? null : weights);
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
            INamedTypeSymbol type, TypeDeclarationSyntax declaration, GeneratorAttributeSyntaxContext context,
            List<DiagnosticInfo> diagnostics, LocationInfo? classLocation, CancellationToken cancellationToken)
        {
            CheckDeclaration(type, declaration, diagnostics, classLocation);
            CheckPartial(type, diagnostics, classLocation);
            CheckFileName(type, context.SemanticModel.Compilation, diagnostics, classLocation, cancellationToken);
            if (type.IsGenericType)
                diagnostics.Add(Diag(Descriptors.GenericModel, classLocation, type.ToDisplayString(TypeFormat)));

            // Attributes that do not compile (wrong argument types, missing arguments, syntax errors) already carry
            // a compiler error, and their values are unknown: then only the declaration's own problems above are
            // reported, and nothing is emitted until the attributes compile.
            var modelAttribute = context.Attributes[0];
            var modelLocation = Locate(modelAttribute) ?? classLocation;
            var layers = type.GetAttributes()
                .Where(a => a.AttributeClass is { } c && c.ContainingNamespace is { Name: "Rnn", ContainingNamespace.IsGlobalNamespace: true }
                    && LayerAttributes.Contains(c.Name))
                .Select(a => (Attribute: a, Syntax: a.ApplicationSyntaxReference))
                .OrderBy(a => a.Syntax?.SyntaxTree.FilePath, StringComparer.Ordinal)
                .ThenBy(a => a.Syntax?.Span.Start ?? 0)
                .Select(a => a.Attribute)
                .ToList();
            cancellationToken.ThrowIfCancellationRequested();
            if (HasErrors(modelAttribute, cancellationToken) || layers.Any(a => HasErrors(a, cancellationToken)))
                return null;

            int? inputValue = Named(modelAttribute, "Input");
            int inputFeatures = inputValue ?? 0;
            int returnsValue = Named(modelAttribute, "Returns") ?? 0;
            if (!IsDefined(returnsValue, 2))
                diagnostics.Add(Diag(Descriptors.UndefinedValue, modelLocation, "Returns", Text(returnsValue), "Returns.Sequence or Returns.Last"));
            var returns = (ReturnsKind)returnsValue;
            // Input = 0 is what the attribute's documentation says to leave for token inputs, so it means "not set".
            bool featureInput = inputFeatures != 0;
            if (inputFeatures < 0)
                diagnostics.Add(Diag(Descriptors.NonPositiveSize, modelLocation, "RnnModel.Input", Text(inputFeatures)));

            InputSpec? input = null;
            if (featureInput) input = new InputSpec(InputKind.Features, inputFeatures, inputFeatures, "input");
            var recurrent = new List<RecurrentSpec>();
            var dense = new List<DenseSpec>();
            var denseAttributes = new List<AttributeData>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            AttributeData? pendingBidirectional = null;
            int features = input?.Dim ?? 0;
            bool sawDense = false;

            // Parameters counted exactly (BigInteger: sizes up to int.MaxValue multiply past long). Layers with an
            // unknown or non-positive size count as 0, so the count never overestimates; the model is reported on the
            // layer where it first passes int.MaxValue, with the total of all layers.
            var parameterCount = BigInteger.Zero;
            BigInteger featureCount = Math.Max(inputFeatures, 0);
            LocationInfo? overflowLocation = null;
            bool overflow = false;
            void Count(BigInteger parameters, LocationInfo? location)
            {
                parameterCount += parameters;
                if (!overflow && parameterCount > int.MaxValue)
                {
                    overflow = true;
                    overflowLocation = location;
                }
            }

            foreach (var attribute in layers)
            {
                var location = Locate(attribute) ?? classLocation;
                string kind = attribute.AttributeClass!.Name;
                if (pendingBidirectional is not null && !IsRecurrent(kind))
                {
                    if (kind == "BidirectionalAttribute")
                    {
                        diagnostics.Add(Diag(Descriptors.BidirectionalRepeated, location));
                        continue;
                    }
                    diagnostics.Add(Diag(Descriptors.BidirectionalWithoutRecurrent, Locate(pendingBidirectional) ?? classLocation));
                    pendingBidirectional = null;
                }

                switch (kind)
                {
                    case "EmbeddingAttribute":
                    case "OneHotAttribute":
                    {
                        bool embedding = kind == "EmbeddingAttribute";
                        int? vocab = Ctor(attribute, 0);
                        int? dim = embedding ? Ctor(attribute, 1) : vocab;
                        Positive(diagnostics, location, Short(kind) + " vocab", vocab);
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
                        float embeddingDropout = embedding ? Rate(attribute, "Dropout", "Embedding.Dropout", diagnostics, location) : 0f;
                        input = new InputSpec(embedding ? InputKind.Embedding : InputKind.OneHot, vocab ?? 0, dim ?? 0, name, embeddingDropout);
                        features = dim ?? 0;
                        featureCount = Math.Max(dim ?? 0, 0);
                        if (embedding && vocab > 0 && dim > 0) Count(new BigInteger(vocab.Value) * dim.Value, location);
                        break;
                    }
                    case "BidirectionalAttribute":
                    {
                        int merge = Named(attribute, "Merge") ?? 0;
                        if (!IsDefined(merge, 4))
                            diagnostics.Add(Diag(Descriptors.UndefinedValue, location, "Merge", Text(merge), "Merge.Concat, Merge.Sum, Merge.Mul or Merge.Average"));
                        pendingBidirectional = attribute;
                        break;
                    }
                    case "SimpleRnnAttribute":
                    case "LstmAttribute":
                    case "GruAttribute":
                    {
                        var cell = kind == "LstmAttribute" ? CellKind.Lstm : kind == "GruAttribute" ? CellKind.Gru : CellKind.SimpleRnn;
                        int? hidden = Ctor(attribute, 0);
                        int? layerCount = Named(attribute, "Layers") ?? 1;
                        Positive(diagnostics, location, Short(kind) + " hidden", hidden);
                        Positive(diagnostics, location, Short(kind) + " Layers", layerCount);
                        if (layerCount > MaxLayers)
                            diagnostics.Add(Diag(Descriptors.TooManyLayers, location, Short(kind) + " Layers", Text(layerCount.Value), Text(MaxLayers)));
                        var activation = ActivationKind.Tanh;
                        if (cell == CellKind.SimpleRnn)
                        {
                            int value = Named(attribute, "Activation") ?? (int)ActivationKind.Tanh;
                            activation = (ActivationKind)value;
                            if (!IsDefined(value, 5))
                                diagnostics.Add(Diag(Descriptors.UndefinedValue, location, "Activation", Text(value), "Activation.Tanh or Activation.Relu"));
                            else if (activation != ActivationKind.Tanh && activation != ActivationKind.Relu)
                                diagnostics.Add(Diag(Descriptors.UnsupportedActivation, location, "[SimpleRnn]", activation.ToString(), "Activation.Tanh or Activation.Relu"));
                        }
                        if (sawDense)
                            diagnostics.Add(Diag(Descriptors.LayerOrder, location, "[" + Short(kind) + "] comes after a [Dense] layer"));
                        bool bidirectional = pendingBidirectional is not null;
                        var merge = bidirectional ? (MergeKind)(Named(pendingBidirectional!, "Merge") ?? 0) : MergeKind.Concat;
                        pendingBidirectional = null;
                        string name = LayerName(attribute, recurrent.Count == 0 ? "recurrent" : "recurrent_" + recurrent.Count.ToString(CultureInfo.InvariantCulture),
                            names, diagnostics, location);
                        int h = hidden ?? 0, layersValue = layerCount ?? 0;
                        float dropout = Rate(attribute, "Dropout", Short(kind) + ".Dropout", diagnostics, location);
                        float recurrentDropout = Rate(attribute, "RecurrentDropout", Short(kind) + ".RecurrentDropout", diagnostics, location);
                        if (dropout > 0f && layersValue == 1)
                            diagnostics.Add(Diag(Descriptors.DropoutWithoutLayers, location, Short(kind), Text(dropout)));
                        var spec = new RecurrentSpec(cell, features, h, layersValue, bidirectional, merge, activation, name, dropout, recurrentDropout);
                        recurrent.Add(spec);

                        int directions = bidirectional ? 2 : 1;
                        int gates = spec.Gates;
                        if (h > 0 && layersValue > 0 && layersValue <= MaxLayers)
                        {
                            // Per layer and direction: W_ih [G·H, in], W_hh [G·H, H], b_ih and b_hh [G·H]; layer k > 0 reads D·H.
                            var perLayer = directions * gates * new BigInteger(h);
                            Count(perLayer * (featureCount + h + 2) + (layersValue - 1) * perLayer * (directions * new BigInteger(h) + h + 2), location);
                        }
                        featureCount = Math.Max(h, 0) * (bidirectional && merge == MergeKind.Concat ? new BigInteger(2) : BigInteger.One);
                        features = featureCount <= int.MaxValue ? (int)featureCount : int.MaxValue;
                        break;
                    }
                    case "DenseAttribute":
                    {
                        int? units = Ctor(attribute, 0);
                        int activationValue = Ctor(attribute, 1) ?? 0;
                        if (!IsDefined(activationValue, 5))
                            diagnostics.Add(Diag(Descriptors.UndefinedValue, location, "Activation", Text(activationValue),
                                "Activation.Linear, Activation.Sigmoid, Activation.Softmax, Activation.Tanh or Activation.Relu"));
                        Positive(diagnostics, location, "Dense units", units);
                        sawDense = true;
                        string name = LayerName(attribute, dense.Count == 0 ? "dense" : "dense_" + dense.Count.ToString(CultureInfo.InvariantCulture),
                            names, diagnostics, location);
                        dense.Add(new DenseSpec(features, units ?? 0, (ActivationKind)activationValue, name));
                        denseAttributes.Add(attribute);
                        if (units > 0) Count(new BigInteger(units.Value) * (featureCount + 1), location);
                        featureCount = Math.Max(units ?? 0, 0);
                        features = units ?? 0;
                        break;
                    }
                }
            }

            if (overflow)
                diagnostics.Add(Diag(Descriptors.TooManyParameters, overflowLocation ?? classLocation, type.Name, parameterCount.ToString(CultureInfo.InvariantCulture)));
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
                    diagnostics.Add(Diag(Descriptors.UnsupportedActivation, Locate(denseAttributes[i]) ?? classLocation,
                        "A [Dense] layer before the head", "Softmax", "Activation.Linear, Tanh, Relu or Sigmoid (Softmax belongs to the last [Dense])"));
            }
            if (dense.Count > 0 && dense[dense.Count - 1] is { Activation: ActivationKind.Softmax, Units: 1 })
                diagnostics.Add(Diag(Descriptors.SingleUnitSoftmax, Locate(denseAttributes[dense.Count - 1]) ?? classLocation, "1"));
            if (HasErrors(diagnostics) || input is null) return null;

            return new ModelSpec(
                NamespaceName(type.ContainingNamespace),
                ContainingTypes(type),
                type.Name,
                returns,
                input,
                recurrent.ToEquatableArray(),
                dense.ToEquatableArray());
        }

        private static bool IsRecurrent(string kind) => kind is "SimpleRnnAttribute" or "LstmAttribute" or "GruAttribute";

        /// <summary>Whether <paramref name="declaration"/> holds the first [RnnModel] written on <paramref name="type"/>.</summary>
        private static bool IsFirstModelDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
        {
            var first = type.GetAttributes()
                .Where(a => a.AttributeClass is { Name: "RnnModelAttribute" } c && c.ContainingNamespace is { Name: "Rnn", ContainingNamespace.IsGlobalNamespace: true })
                .Select(a => a.ApplicationSyntaxReference)
                .Where(r => r is not null)
                .OrderBy(r => r!.SyntaxTree.FilePath, StringComparer.Ordinal)
                .ThenBy(r => r!.Span.Start)
                .FirstOrDefault();
            return first is null
                || (first.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(first.Span));
        }

        /// <summary>Kinds of class the emitter cannot extend with a <c>partial class</c> part holding instance members.</summary>
        private static void CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, LocationInfo? classLocation)
        {
            string? what =
                type.IsRecord ? "a record"
                : type.IsStatic ? "a static class"
                : declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.FileKeyword)) ? "a file-local class"
                : null;
            if (what is not null)
                diagnostics.Add(Diag(Descriptors.UnsupportedDeclaration, classLocation, type.Name, what));
            if (type.Name == TwinName)
                diagnostics.Add(Diag(Descriptors.ReservedName, classLocation, type.Name));
        }

        /// <summary>
        /// Generated file names must differ ignoring case: classes Model and model, or class B nested in class N.A and
        /// class B in namespace N.A, would both be written to one file, which the generator driver refuses.
        /// </summary>
        private static void CheckFileName(INamedTypeSymbol type, Compilation compilation, List<DiagnosticInfo> diagnostics,
            LocationInfo? classLocation, CancellationToken cancellationToken)
        {
            if (!MayEmit(type)) return;
            string hint = HintName(type);
            foreach (var symbol in compilation.GetSymbolsWithName(n => string.Equals(n, type.Name, StringComparison.OrdinalIgnoreCase), SymbolFilter.Type, cancellationToken))
            {
                if (symbol is not INamedTypeSymbol other || SymbolEqualityComparer.Default.Equals(other, type) || !MayEmit(other)) continue;
                bool isModel = other.GetAttributes().Any(a => a.AttributeClass is { Name: "RnnModelAttribute" } c
                    && c.ContainingNamespace is { Name: "Rnn", ContainingNamespace.IsGlobalNamespace: true });
                if (isModel && string.Equals(HintName(other), hint, StringComparison.OrdinalIgnoreCase))
                {
                    diagnostics.Add(Diag(Descriptors.FileNameCollision, classLocation,
                        type.ToDisplayString(), other.ToDisplayString(), hint));
                    return;
                }
            }
        }

        /// <summary>Whether the class can be emitted at all (generic, static and record models are errors of their own).</summary>
        private static bool MayEmit(INamedTypeSymbol type) =>
            type.TypeKind == TypeKind.Class && !type.IsGenericType && !type.IsStatic && !type.IsRecord;

        /// <summary>The hint name <see cref="ModelSpec.HintName"/> gives this class.</summary>
        private static string HintName(INamedTypeSymbol type)
        {
            string name = type.Name + ".g.cs";
            for (var t = type.ContainingType; t is not null; t = t.ContainingType) name = t.Name + "." + name;
            return NamespaceName(type.ContainingNamespace) is { } ns ? ns + "." + name : name;
        }

        /// <summary>The namespace as plain identifiers joined by dots (no '@': the emitter escapes keywords), or null for the global one.</summary>
        private static string? NamespaceName(INamespaceSymbol? ns)
        {
            if (ns is null || ns.IsGlobalNamespace) return null;
            string? outer = NamespaceName(ns.ContainingNamespace);
            return outer is null ? ns.Name : outer + "." + ns.Name;
        }

        private static void CheckPartial(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, LocationInfo? classLocation)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                foreach (var reference in t.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is TypeDeclarationSyntax declaration
                        && !declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)))
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

        /// <summary>The attributes that describe layers; other attributes (in namespace Rnn or not) are not the parser's business.</summary>
        private static readonly HashSet<string> LayerAttributes = new(StringComparer.Ordinal)
        {
            "EmbeddingAttribute", "OneHotAttribute", "SimpleRnnAttribute", "LstmAttribute", "GruAttribute",
            "BidirectionalAttribute", "DenseAttribute",
        };

        private static string Keyword(INamedTypeSymbol t) => t.TypeKind switch
        {
            TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => t.IsRecord ? "record" : "class",
        };

        private static string LayerName(AttributeData attribute, string fallback, HashSet<string> names,
            List<DiagnosticInfo> diagnostics, LocationInfo? location)
        {
            string? name = null;
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == "Name" && pair.Value.Kind == TypedConstantKind.Primitive) name = pair.Value.Value as string;
            }
            name ??= fallback;
            if (!IsValidName(name))
                diagnostics.Add(Diag(Descriptors.InvalidName, location, name, "use letters, digits and '_' only, starting with a letter or '_'"));
            else if (name is "optimizer" or "checkpoint")
                diagnostics.Add(Diag(Descriptors.InvalidName, location, name, "'optimizer' and 'checkpoint' prefix the optimizer state in checkpoint files; choose another name"));
            else if (!names.Add(name))
                diagnostics.Add(Diag(Descriptors.DuplicateName, location, name));
            return name;
        }

        private static bool IsValidName(string name)
        {
            if (name.Length == 0 || !(IsAsciiLetter(name[0]) || name[0] == '_')) return false;
            foreach (char ch in name)
            {
                if (!(IsAsciiLetter(ch) || (ch >= '0' && ch <= '9') || ch == '_')) return false;
            }
            return true;
        }

        private static bool IsAsciiLetter(char ch) => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');

        private static bool IsDefined(int value, int count) => value >= 0 && value < count;

        private static void Positive(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, int? value)
        {
            // An unknown value (the attribute does not compile) is left to the compiler's error.
            if (value <= 0) diagnostics.Add(Diag(Descriptors.NonPositiveSize, location, what, Text(value.Value)));
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A dropout rate written as a named argument (0 when not written); outside [0, 1) it is reported and read as 0.</summary>
        private static float Rate(AttributeData attribute, string property, string what, List<DiagnosticInfo> diagnostics, LocationInfo? location)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key != property || pair.Value is not { Kind: not TypedConstantKind.Error, Value: float rate }) continue;
                if (rate >= 0f && rate < 1f) return rate;
                diagnostics.Add(Diag(Descriptors.DropoutRate, location, what, Text(rate)));
                return 0f;
            }
            return 0f;
        }

        private static string Short(string attributeName) =>
            attributeName.EndsWith("Attribute", StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - 9) : attributeName;

        /// <summary>Whether the compiler could not bind this attribute application (its values are then unknown).</summary>
        private static bool HasErrors(AttributeData attribute, CancellationToken cancellationToken)
        {
            if (attribute.AttributeConstructor is null) return true;
            // A named argument that does not convert (Layers = 2.5, Returns = 1) is left out of NamedArguments.
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list }
                && list.Arguments.Count(a => a.NameEquals is not null) != attribute.NamedArguments.Length)
                return true;
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Error) return true;
            }
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Value.Kind == TypedConstantKind.Error) return true;
                // A named argument whose value is not of its member's type (not seen from Roslyn 4.14, which converts).
                ITypeSymbol? memberType = null;
                for (var t = attribute.AttributeClass; t is not null && memberType is null; t = t.BaseType)
                {
                    memberType = t.GetMembers(pair.Key).FirstOrDefault() switch { IPropertySymbol p => p.Type, IFieldSymbol f => f.Type, _ => null };
                }
                if (memberType is null || !SymbolEqualityComparer.Default.Equals(memberType, pair.Value.Type)) return true;
            }
            return false;
        }

        /// <summary>A constructor argument (int or enum), or null when it is missing or does not compile.</summary>
        private static int? Ctor(AttributeData attribute, int index) =>
            index < attribute.ConstructorArguments.Length && attribute.ConstructorArguments[index] is { Kind: not TypedConstantKind.Error, Value: int v } ? v : null;

        /// <summary>A named argument (int or enum), or null when it is not written or does not compile.</summary>
        private static int? Named(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value is { Kind: not TypedConstantKind.Error, Value: int v }) return v;
            }
            return null;
        }

        private static LocationInfo? Locate(AttributeData? attribute) =>
            attribute?.ApplicationSyntaxReference is { } r ? LocationInfo.From(r.GetSyntax().GetLocation()) : null;

        private static DiagnosticInfo Diag(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, arguments.ToImmutableArray().ToEquatableArray());
    
        private static bool HasErrors(List<DiagnosticInfo> diagnostics)
        {
            foreach (var d in diagnostics)
            {
                if (Descriptors.IsError(d.Id)) return true;
            }
            return false;
        }
    }
}
