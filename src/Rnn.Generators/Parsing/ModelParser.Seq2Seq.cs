using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Generators.Diagnostics;
using Rnn.Generators.Model;

namespace Rnn.Generators.Parsing
{
    /// <summary>Encoder–decoder declarations: [Encoder] [Embedding] recurrent… [Decoder] [Embedding] [Lstm|Gru] [Attention] [Dense(V, Softmax)].</summary>
    internal static partial class ModelParser
    {
        private static bool IsRnnAttribute(AttributeData a, params string[] names) =>
            a.AttributeClass is { } c && c.ContainingNamespace is { Name: "Rnn", ContainingNamespace.IsGlobalNamespace: true } && names.Contains(c.Name);

        /// <summary>Whether the class declares an encoder–decoder (any of [Encoder], [Decoder], [Attention]).</summary>
        private static bool IsSeq2Seq(INamedTypeSymbol type) =>
            type.GetAttributes().Any(a => IsRnnAttribute(a, "EncoderAttribute", "DecoderAttribute", "AttentionAttribute"));

        private static Seq2SeqSpec? ParseSeq2Seq(
            INamedTypeSymbol type, TypeDeclarationSyntax declaration, GeneratorAttributeSyntaxContext context,
            List<DiagnosticInfo> diagnostics, LocationInfo? classLocation, CancellationToken cancellationToken)
        {
            CheckDeclaration(type, declaration, diagnostics, classLocation);
            CheckPartial(type, diagnostics, classLocation);
            CheckFileName(type, context.SemanticModel.Compilation, diagnostics, classLocation, cancellationToken);
            if (type.IsGenericType)
                diagnostics.Add(Diag(Descriptors.GenericModel, classLocation, type.ToDisplayString(TypeFormat)));

            var modelAttribute = context.Attributes[0];
            var modelLocation = Locate(modelAttribute) ?? classLocation;
            var layers = type.GetAttributes()
                .Where(a => IsRnnAttribute(a, "EncoderAttribute", "DecoderAttribute", "AttentionAttribute") || (a.AttributeClass is { } c
                    && c.ContainingNamespace is { Name: "Rnn", ContainingNamespace.IsGlobalNamespace: true } && LayerAttributes.Contains(c.Name)))
                .OrderBy(a => a.ApplicationSyntaxReference?.SyntaxTree.FilePath, StringComparer.Ordinal)
                .ThenBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0)
                .ToList();
            cancellationToken.ThrowIfCancellationRequested();
            if (HasErrors(modelAttribute, cancellationToken) || layers.Any(a => HasErrors(a, cancellationToken)))
                return null;

            string name = type.Name;
            // Only the first structural problem is reported: the ones after it are usually its echoes.
            bool reported = false;
            void Invalid(LocationInfo? location, string problem)
            {
                if (reported) return;
                reported = true;
                diagnostics.Add(Diag(Descriptors.InvalidSeq2Seq, location ?? classLocation, name, problem));
            }
            foreach (var pair in modelAttribute.NamedArguments)
            {
                if (pair.Key is "Input" or "Returns")
                    Invalid(modelLocation, "RnnModel." + pair.Key + " does not apply to an encoder–decoder: the encoder reads tokens through [Embedding] and the decoder returns a sequence; remove it");
            }

            int part = 0;   // 0 before [Encoder], 1 in the encoder, 2 in the decoder
            int? sourceVocabulary = null, sourceEmbedding = null, targetVocabulary = null, targetEmbedding = null;
            var encoder = new List<RecurrentSpec>();
            RecurrentSpec? decoder = null;
            AttentionKind? score = null;
            int units = 0, start = 1, end = 2;
            AttributeData? decoderAttribute = null, denseAttribute = null, pendingBidirectional = null;
            int headUnits = 0;
            int features = 0;
            var parameterCount = BigInteger.Zero;

            foreach (var attribute in layers)
            {
                var location = Locate(attribute) ?? classLocation;
                string kind = attribute.AttributeClass!.Name;
                if (attribute.NamedArguments.Any(p => p.Key == "Name"))
                    Invalid(location, "tensor names are fixed in an encoder–decoder (encoder_embedding, encoder, bridge, decoder_embedding, decoder, attention, combine, dense); remove Name");
                if (pendingBidirectional is not null && !IsRecurrent(kind))
                {
                    diagnostics.Add(Diag(Descriptors.BidirectionalWithoutRecurrent, Locate(pendingBidirectional) ?? classLocation));
                    pendingBidirectional = null;
                }
                switch (kind)
                {
                    case "EncoderAttribute":
                        if (part != 0) Invalid(location, "[Encoder] must come once, before [Decoder]");
                        part = 1;
                        break;
                    case "DecoderAttribute":
                        if (part != 1) Invalid(location, "[Decoder] must follow [Encoder] and the encoder's layers");
                        else if (encoder.Count == 0) Invalid(location, "the encoder needs a recurrent layer ([Lstm], [Gru] or [SimpleRnn]) before [Decoder]");
                        part = 2;
                        decoderAttribute = attribute;
                        start = Named(attribute, "StartToken") ?? 1;
                        end = Named(attribute, "EndToken") ?? 2;
                        break;
                    case "EmbeddingAttribute":
                    case "OneHotAttribute":
                    {
                        if (kind == "OneHotAttribute") { Invalid(location, "the encoder and the decoder read tokens through [Embedding(vocab, dim)], not [OneHot]"); break; }
                        int? vocab = Ctor(attribute, 0), dim = Ctor(attribute, 1);
                        Positive(diagnostics, location, "Embedding vocab", vocab);
                        Positive(diagnostics, location, "Embedding dim", dim);
                        if (attribute.NamedArguments.Any(p => p.Key == "Dropout"))
                            Invalid(location, "dropout is not supported in encoder–decoder models; remove Dropout");
                        if (part == 1 && sourceVocabulary is null && encoder.Count == 0) { sourceVocabulary = vocab ?? 0; sourceEmbedding = dim ?? 0; features = dim ?? 0; }
                        else if (part == 2 && targetVocabulary is null && decoder is null) { targetVocabulary = vocab ?? 0; targetEmbedding = dim ?? 0; }
                        else Invalid(location, part == 0 ? "[Embedding] must follow [Encoder] or [Decoder]" : "each of the encoder and the decoder starts with exactly one [Embedding]");
                        if (vocab > 0 && dim > 0) parameterCount += new BigInteger(vocab.Value) * dim.Value;
                        break;
                    }
                    case "BidirectionalAttribute":
                        if (part == 2) Invalid(location, "the decoder runs one step at a time, so it cannot be bidirectional; make the encoder bidirectional instead");
                        else pendingBidirectional = attribute;
                        break;
                    case "SimpleRnnAttribute":
                    case "LstmAttribute":
                    case "GruAttribute":
                    {
                        var cell = kind == "LstmAttribute" ? CellKind.Lstm : kind == "GruAttribute" ? CellKind.Gru : CellKind.SimpleRnn;
                        int? hidden = Ctor(attribute, 0);
                        int layerCount = Named(attribute, "Layers") ?? 1;
                        Positive(diagnostics, location, Short(kind) + " hidden", hidden);
                        Positive(diagnostics, location, Short(kind) + " Layers", layerCount);
                        if (layerCount > MaxLayers)
                            diagnostics.Add(Diag(Descriptors.TooManyLayers, location, Short(kind) + " Layers", Text(layerCount), Text(MaxLayers)));
                        if (attribute.NamedArguments.Any(p => p.Key is "Dropout" or "RecurrentDropout"))
                            Invalid(location, "dropout is not supported in encoder–decoder models; remove Dropout and RecurrentDropout");
                        var activation = (ActivationKind)(Named(attribute, "Activation") ?? (int)ActivationKind.Tanh);
                        if (cell == CellKind.SimpleRnn && activation != ActivationKind.Tanh && activation != ActivationKind.Relu)
                            diagnostics.Add(Diag(Descriptors.UnsupportedActivation, location, "[SimpleRnn]", activation.ToString(), "Activation.Tanh or Activation.Relu"));
                        int h = hidden ?? 0;
                        bool bidirectional = pendingBidirectional is not null;
                        var merge = bidirectional ? (MergeKind)(Named(pendingBidirectional!, "Merge") ?? 0) : MergeKind.Concat;
                        pendingBidirectional = null;
                        if (part == 1)
                        {
                            if (sourceVocabulary is null) Invalid(location, "the encoder starts with [Embedding(vocab, dim)] before its recurrent layers");
                            var spec = new RecurrentSpec(cell, features, h, layerCount, bidirectional, merge, activation,
                                encoder.Count == 0 ? "encoder" : "encoder_" + encoder.Count.ToString(CultureInfo.InvariantCulture));
                            encoder.Add(spec);
                            features = spec.Output;
                            if (h > 0 && layerCount > 0 && layerCount <= MaxLayers)
                                parameterCount += new BigInteger(spec.Directions) * spec.Gates * h * ((long)spec.Input + h + 2 + (layerCount - 1L) * (spec.Directions * (long)h + h + 2));
                        }
                        else if (part == 2)
                        {
                            if (cell == CellKind.SimpleRnn) Invalid(location, "the decoder is an [Lstm] or a [Gru]");
                            if (decoder is not null) Invalid(location, "the decoder has exactly one recurrent layer (use Layers = n to stack it)");
                            else if (targetVocabulary is null) Invalid(location, "the decoder starts with [Embedding(vocab, dim)] before its recurrent layer");
                            decoder ??= new RecurrentSpec(cell, 0, h, layerCount, false, MergeKind.Concat, activation, "decoder");
                        }
                        else Invalid(location, "recurrent layers belong after [Encoder] or [Decoder]");
                        break;
                    }
                    case "AttentionAttribute":
                    {
                        int value = Ctor(attribute, 0) ?? (int)AttentionKind.Bahdanau;
                        if (!IsDefined(value, 4))
                            diagnostics.Add(Diag(Descriptors.UndefinedValue, location, "AttentionScore", Text(value), "AttentionScore.Dot, General, Concat or Bahdanau"));
                        units = Named(attribute, "Units") ?? 0;
                        if (units < 0) diagnostics.Add(Diag(Descriptors.NonPositiveSize, location, "Attention Units", Text(units)));
                        if (part != 2 || decoder is null) Invalid(location, "[Attention] follows the decoder's recurrent layer");
                        else if (score is not null) Invalid(location, "the decoder has one [Attention]");
                        score = (AttentionKind)value;
                        break;
                    }
                    case "DenseAttribute":
                    {
                        int? u = Ctor(attribute, 0);
                        int activation = Ctor(attribute, 1) ?? 0;
                        if (part != 2) Invalid(location, "[Dense] is the decoder's head: it comes after [Decoder], its layers and [Attention]");
                        else if (score is null) Invalid(location, "the decoder needs [Attention] before its [Dense] head");
                        else if (denseAttribute is not null) Invalid(location, "the decoder has exactly one [Dense], its softmax head");
                        else if (activation != (int)ActivationKind.Softmax) Invalid(location, "the decoder's [Dense] head is a softmax over the target vocabulary: use Activation.Softmax");
                        denseAttribute ??= attribute;
                        headUnits = u ?? 0;
                        break;
                    }
                }
            }
            if (pendingBidirectional is not null)
                diagnostics.Add(Diag(Descriptors.BidirectionalWithoutRecurrent, Locate(pendingBidirectional) ?? classLocation));
            if (part < 2 || decoder is null || targetVocabulary is null || score is null || denseAttribute is null || encoder.Count == 0 || sourceVocabulary is null)
            {
                string missing =
                    part == 0 ? "[Encoder]" : encoder.Count == 0 || sourceVocabulary is null ? "the encoder's [Embedding] and a recurrent layer" : part < 2 ? "[Decoder]"
                    : targetVocabulary is null ? "the decoder's [Embedding]" : decoder is null ? "the decoder's [Lstm] or [Gru]" : score is null ? "[Attention]" : "the [Dense(target vocab, Activation.Softmax)] head";
                Invalid(modelLocation, "it needs " + missing + " (docs/seq2seq.md shows the full declaration)");
                return null;
            }

            int v = targetVocabulary.Value, de = encoder[encoder.Count - 1].Output, hd = decoder.Hidden;
            if (headUnits != v && headUnits > 0)
                Invalid(Locate(denseAttribute), "the head has " + Text(headUnits) + " units but the target vocabulary has " + Text(v) + ": they must be equal");
            if (score == AttentionKind.Dot && hd != de && hd > 0 && de > 0)
                diagnostics.Add(Diag(Descriptors.DotAttentionSize, Locate(layers.First(a => a.AttributeClass!.Name == "AttentionAttribute")) ?? classLocation, Text(hd), Text(de)));
            var tokenLocation = Locate(decoderAttribute) ?? classLocation;
            if (v > 0)
            {
                if (start < 0 || start >= v) diagnostics.Add(Diag(Descriptors.SpecialToken, tokenLocation, "StartToken", Text(start), Text(v), Text(v - 1)));
                if (end < 0 || end >= v || end == start) diagnostics.Add(Diag(Descriptors.SpecialToken, tokenLocation, "EndToken", Text(end), Text(v), Text(v - 1)));
            }
            if (HasErrors(diagnostics)) return null;

            int decoderInput = targetEmbedding!.Value + (score == AttentionKind.Bahdanau ? de : 0);
            decoder = decoder with { Input = decoderInput };
            int a = units > 0 ? units : hd;
            parameterCount += new BigInteger(decoder.Gates) * hd * ((long)decoderInput + hd + 2 + (decoder.Layers - 1L) * (2L * hd + 2));
            parameterCount += new BigInteger(decoder.Layers) * hd * (de + 1L) + (long)hd * (de + hd + 1) + (long)v * (hd + 1) + (long)a * (hd + de + 2);
            if (parameterCount > int.MaxValue)
            {
                diagnostics.Add(Diag(Descriptors.TooManyParameters, modelLocation, type.Name, parameterCount.ToString(CultureInfo.InvariantCulture)));
                return null;
            }

            return new Seq2SeqSpec(
                NamespaceName(type.ContainingNamespace), ContainingTypes(type), type.Name,
                sourceVocabulary.Value, sourceEmbedding!.Value, encoder.ToEquatableArray(),
                v, targetEmbedding.Value, decoder, score.Value, units, start, end);
        }
    }
}
