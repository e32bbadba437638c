using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Generators.Diagnostics;
using Rnn.Generators.Emitting;
using Rnn.Generators.Model;
using Rnn.Generators.Parsing;

namespace Rnn.Generators
{
    /// <summary>
    /// Turns every <c>[RnnModel]</c> partial class into a recurrent network: parse the attributes into a
    /// value-equatable <see cref="ModelSpec"/>, then emit one <c>.g.cs</c> per class.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class RnnModelGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking name of the parse step, for cacheability tests.</summary>
        public const string ParseStep = "RnnGen.Parse";

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "Rnn.RnnModelAttribute",
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (ctx, ct) => ModelParser.Parse(ctx, ct))
                .WithTrackingName(ParseStep);

            // Which [Weights] files the project embeds (RnnGen.targets passes them as build properties): one equatable
            // value, so the models' outputs stay cached while the project file does not change.
            var embeddedWeights = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => EmbeddedWeights.From(key => options.GlobalOptions.TryGetValue(key, out string? value) ? value : null))
                .WithTrackingName(WeightsStep);

            context.RegisterSourceOutput(models.Combine(embeddedWeights), static (spc, pair) => Emit(spc, pair.Left, pair.Right));
        }

        /// <summary>Tracking name of the step that reads the embedded weights files from the build properties.</summary>
        public const string WeightsStep = "RnnGen.EmbeddedWeights";

        private static void Emit(SourceProductionContext context, ParseResult result, EmbeddedWeights embeddedWeights)
        {
            foreach (var info in result.Diagnostics)
                context.ReportDiagnostic(ToDiagnostic(info));
            if (result.Seq2Seq is { } seq2seq) AddSource(context, seq2seq.HintName, seq2seq.ClassName, () => Seq2SeqEmitter.Emit(seq2seq));
            else if (result.Spec is { } spec) AddSource(context, spec.HintName, spec.ClassName, () => ModelEmitter.Emit(spec));
            if (result.Weights is { } weights)
            {
                if (ModelParser.CheckEmbedded(weights, embeddedWeights) is { } problem) context.ReportDiagnostic(ToDiagnostic(problem));
                AddSource(context, weights.HintName, weights.ClassName, () => WeightsEmitter.Emit(weights));
            }
        }

        /// <summary>Adds a generated file; an emitter failure becomes RNN0015 instead of a crash of the generator.</summary>
        private static void AddSource(SourceProductionContext context, string hintName, string className, Func<string> emit)
        {
            try
            {
                context.AddSource(hintName, emit());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, Location.None,
                    className, e.GetType().Name + ": " + e.Message));
            }
        }

        private static Diagnostic ToDiagnostic(DiagnosticInfo info)
        {
            var descriptor = Descriptors.ById(info.Id);
            var arguments = new object[info.Arguments.Count];
            for (int i = 0; i < arguments.Length; i++) arguments[i] = info.Arguments[i];
            return Diagnostic.Create(descriptor, info.Location?.ToLocation() ?? Location.None, arguments);
        }
    }
}
