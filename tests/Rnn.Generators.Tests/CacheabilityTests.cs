using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rnn.Generators.Model;
using Rnn.Generators.Tests.Harness;

namespace Rnn.Generators.Tests
{
    /// <summary>
    /// The incremental pipeline must not redo work the IDE does not need: edits elsewhere leave the parse step's outputs
    /// cached or unchanged, which needs specs that are value-equatable and hold no symbols, syntax or locations.
    /// </summary>
    public sealed class CacheabilityTests
    {
        private const string ModelSource = """
            using Rnn;

            namespace App
            {
                [RnnModel(Returns = Returns.Last)]
                [Embedding(100, 8)]
                [Bidirectional]
                [Gru(8, Layers = 2)]
                [Dense(3, Activation.Softmax)]
                public partial class Tagger
                {
                    public int Helper() { return 1; }
                }
            }
            """;

        private const string OtherModelSource = """
            using Rnn;

            namespace App
            {
                [RnnModel(Input = 2)]
                [Lstm(4)]
                [Dense(1)]
                public partial class Amp { }
            }
            """;

        private static readonly IncrementalStepRunReason[] Reusable = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

        private static List<(object Value, IncrementalStepRunReason Reason)> ParseOutputs(GeneratorRun run) =>
            run.Result.TrackedSteps[RnnModelGenerator.ParseStep].SelectMany(s => s.Outputs).ToList();

        private static List<(object Value, IncrementalStepRunReason Reason)> SourceOutputs(GeneratorRun run) =>
            run.Result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(s => s.Outputs).ToList();

        private static void AssertAllReused(GeneratorRun run)
        {
            var parse = ParseOutputs(run);
            var output = SourceOutputs(run);
            Assert.NotEmpty(parse);
            Assert.NotEmpty(output);
            Assert.All(parse, o => Assert.Contains(o.Reason, Reusable));
            Assert.All(output, o => Assert.Contains(o.Reason, Reusable));
        }

        private static SyntaxTree Tree(Compilation compilation, string path) => compilation.SyntaxTrees.Single(t => t.FilePath == path);

        [Fact]
        public void Adding_an_unrelated_file_reuses_every_step()
        {
            var first = GeneratorHarness.Run(ModelSource);
            Assert.All(ParseOutputs(first), o => Assert.Equal(IncrementalStepRunReason.New, o.Reason));

            var second = GeneratorHarness.Rerun(first, first.Input.AddSyntaxTrees(
                GeneratorHarness.Parse("namespace App { internal static class Unrelated { public static int Two() => 2; } }", "Unrelated.cs")));

            AssertAllReused(second);
            // The parse transform may re-run on a new compilation (Unchanged) or not at all (Cached); emitting must not.
            Assert.All(SourceOutputs(second), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
            Assert.Equal(first.Source("App.Tagger.g.cs"), second.Source("App.Tagger.g.cs"));
        }

        [Fact]
        public void Editing_a_method_body_in_the_models_file_reparses_to_an_equal_spec()
        {
            var first = GeneratorHarness.Run(ModelSource);
            var oldTree = Tree(first.Input, "Model.cs");
            var newTree = oldTree.WithChangedText(SourceText.From(ModelSource.Replace("return 1;", "return 1 + 41;")));

            var second = GeneratorHarness.Rerun(first, first.Input.ReplaceSyntaxTree(oldTree, newTree));

            AssertAllReused(second);
            Assert.Contains(ParseOutputs(second), o => o.Reason == IncrementalStepRunReason.Unchanged);   // it did re-run
            Assert.All(SourceOutputs(second), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        [Fact]
        public void Moving_a_valid_model_down_the_file_changes_nothing()
        {
            // The spec of a valid model holds no location, so inserting lines above it does not invalidate it.
            var first = GeneratorHarness.Run(ModelSource);
            var oldTree = Tree(first.Input, "Model.cs");
            var newTree = oldTree.WithChangedText(SourceText.From("// a comment\n// and another\n\n" + ModelSource));

            var second = GeneratorHarness.Rerun(first, first.Input.ReplaceSyntaxTree(oldTree, newTree));

            AssertAllReused(second);
        }

        [Fact]
        public void Editing_one_model_leaves_the_other_cached()
        {
            var first = GeneratorHarness.Run(ModelSource, OtherModelSource);
            var oldTree = Tree(first.Input, "Model1.cs");
            var newTree = oldTree.WithChangedText(SourceText.From(OtherModelSource.Replace("[Lstm(4)]", "[Lstm(5)]")));

            var second = GeneratorHarness.Rerun(first, first.Input.ReplaceSyntaxTree(oldTree, newTree));

            var parse = ParseOutputs(second);
            Assert.Equal(2, parse.Count);
            Assert.Single(parse, o => Reusable.Contains(o.Reason));
            Assert.Single(parse, o => o.Reason == IncrementalStepRunReason.Modified);
            var output = SourceOutputs(second);
            Assert.Single(output, o => o.Reason == IncrementalStepRunReason.Cached);
            Assert.Single(output, o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.Contains("hidden: 5", second.Source("App.Amp.g.cs"));
        }

        [Fact]
        public void Changing_the_model_is_seen_as_a_modification()
        {
            // The counterpart of the tests above: a real change must not be mistaken for a cached value.
            var first = GeneratorHarness.Run(ModelSource);
            var oldTree = Tree(first.Input, "Model.cs");
            var newTree = oldTree.WithChangedText(SourceText.From(ModelSource.Replace("[Gru(8, Layers = 2)]", "[Gru(8, Layers = 3)]")));

            var second = GeneratorHarness.Rerun(first, first.Input.ReplaceSyntaxTree(oldTree, newTree));

            Assert.All(ParseOutputs(second), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
            Assert.All(SourceOutputs(second), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
            Assert.NotEqual(first.Source("App.Tagger.g.cs"), second.Source("App.Tagger.g.cs"));
        }

        [Fact]
        public void Two_parses_of_the_same_source_give_equal_specs()
        {
            var a = (ParseResult)ParseOutputs(GeneratorHarness.Run(ModelSource)).Single().Value;
            var b = (ParseResult)ParseOutputs(GeneratorHarness.Run(ModelSource)).Single().Value;
            Assert.NotNull(a.Spec);
            Assert.NotSame(a, b);
            Assert.Equal(a, b);
            Assert.Equal(a.Spec, b.Spec);
            Assert.Equal(a.GetHashCode(), b.GetHashCode());

            var c = (ParseResult)ParseOutputs(GeneratorHarness.Run(ModelSource.Replace("Dense(3,", "Dense(4,"))).Single().Value;
            Assert.NotEqual(a, c);
        }

        [Fact]
        public void Two_parses_of_the_same_invalid_source_give_equal_diagnostics()
        {
            string invalid = ModelSource.Replace("[Gru(8, Layers = 2)]", "[Gru(0, Layers = 2)]").Replace("public partial class", "public class");
            var a = (ParseResult)ParseOutputs(GeneratorHarness.Run(invalid)).Single().Value;
            var b = (ParseResult)ParseOutputs(GeneratorHarness.Run(invalid)).Single().Value;
            Assert.Null(a.Spec);
            Assert.Equal(2, a.Diagnostics.Count);
            Assert.Equal(a, b);
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }

        // ── what the pipeline carries ───────────────────────────────────────

        /// <summary>Types that tie a value to one compilation: holding one keeps the compilation alive and defeats caching.</summary>
        private static readonly Type[] Forbidden =
        {
            typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(SyntaxTree), typeof(SyntaxReference), typeof(Location),
            typeof(Compilation), typeof(SemanticModel), typeof(AttributeData), typeof(TypedConstant), typeof(Diagnostic),
            typeof(DiagnosticDescriptor),
        };

        private static IEnumerable<Type> ModelTypes() =>
            typeof(RnnModelGenerator).Assembly.GetTypes().Where(t => t.Namespace == "Rnn.Generators.Model" && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)));

        [Fact]
        public void Model_types_hold_no_symbols_syntax_or_locations()
        {
            var types = ModelTypes().ToList();
            Assert.Contains(typeof(ModelSpec), types);
            Assert.Contains(typeof(ParseResult), types);
            foreach (var type in types)
            {
                foreach (var (path, fieldType) in Fields(type, new HashSet<Type>()))
                    Assert.False(Forbidden.Any(f => f.IsAssignableFrom(fieldType)), type.Name + "." + path + " is a " + fieldType.Name);
            }
        }

        [Fact]
        public void Everything_the_parse_step_returns_compares_by_value()
        {
            // Records, enums, primitives, strings and EquatableArray (whose only field is the array it compares
            // element by element). A plain array, list or ImmutableArray would compare by reference.
            var checkedTypes = new HashSet<Type>();
            var pending = new Stack<Type>(new[] { typeof(ParseResult) });
            while (pending.Count > 0)
            {
                var type = pending.Pop();
                if (!checkedTypes.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string)) continue;
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
                {
                    pending.Push(type.GetGenericArguments()[0]);
                    continue;
                }
                bool valueEquatable = type.GetMethod("<Clone>$") is not null                                 // record class
                    || (type.IsValueType && type.GetInterfaces().Contains(typeof(IEquatable<>).MakeGenericType(type)));   // equatable struct
                Assert.True(valueEquatable, type.Name + " does not compare by value");
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    Assert.False(field.FieldType.IsArray, type.Name + "." + field.Name + " is an array (compared by reference)");
                    Assert.False(field.FieldType.IsGenericType && field.FieldType.GetGenericTypeDefinition() == typeof(ImmutableArray<>),
                        type.Name + "." + field.Name + " is an ImmutableArray (compared by reference): use EquatableArray");
                    Assert.False(typeof(System.Collections.IEnumerable).IsAssignableFrom(field.FieldType) && field.FieldType != typeof(string)
                        && !(field.FieldType.IsGenericType && field.FieldType.GetGenericTypeDefinition() == typeof(EquatableArray<>)),
                        type.Name + "." + field.Name + " is a collection compared by reference");
                    pending.Push(field.FieldType);
                }
            }
            Assert.Contains(typeof(ModelSpec), checkedTypes);
            Assert.Contains(typeof(RecurrentSpec), checkedTypes);
            Assert.Contains(typeof(LocationInfo), checkedTypes);
        }

        /// <summary>Every instance field's type, walking into field types, generic arguments and array elements.</summary>
        private static IEnumerable<(string Path, Type Type)> Fields(Type type, HashSet<Type> seen)
        {
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || type.IsPointer) yield break;
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                yield return (field.Name, field.FieldType);
                var nested = new List<Type> { field.FieldType };
                if (field.FieldType.IsArray) nested.Add(field.FieldType.GetElementType()!);
                if (field.FieldType.IsGenericType) nested.AddRange(field.FieldType.GetGenericArguments());
                foreach (var inner in nested)
                {
                    // Roslyn's own types are checked by the forbidden list; do not walk into them (nor into the BCL).
                    if (inner.Assembly != typeof(RnnModelGenerator).Assembly && !inner.IsArray && !inner.IsGenericType) continue;
                    foreach (var (path, t) in Fields(inner, seen)) yield return (field.Name + "." + path, t);
                }
            }
        }
    }
}
