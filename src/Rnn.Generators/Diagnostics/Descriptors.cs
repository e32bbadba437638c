using Microsoft.CodeAnalysis;

namespace Rnn.Generators.Diagnostics
{
    /// <summary>Every diagnostic the generator reports. Keep AnalyzerReleases.Unshipped.md and docs/diagnostics in step.</summary>
    internal static class Descriptors
    {
        public static DiagnosticDescriptor ById(string id)
        {
            foreach (var descriptor in All)
            {
                if (descriptor.Id == id) return descriptor;
            }
            return InternalError;
        }

        private const string Category = "RnnGen";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                helpLinkUri: "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics/" + id + ".md");

        private static DiagnosticDescriptor Warning(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
                helpLinkUri: "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics/" + id + ".md");

        /// <summary>Whether a diagnostic with this id stops the model from being generated.</summary>
        public static bool IsError(string id) => ById(id).DefaultSeverity == DiagnosticSeverity.Error;

        public static readonly DiagnosticDescriptor NotPartial = Error("RNN0001",
            "Model class must be partial",
            "'{0}' must be declared partial so RnnGen can add the generated members: write 'partial {1} {0}'");

        public static readonly DiagnosticDescriptor NonPositiveSize = Error("RNN0002",
            "Size must be positive",
            "{0} must be a positive number, but it is {1}: write a value of 1 or more");

        public static readonly DiagnosticDescriptor BidirectionalWithoutRecurrent = Error("RNN0003",
            "[Bidirectional] must be followed by a recurrent layer",
            "[Bidirectional] applies to the recurrent layer written right after it: put [SimpleRnn], [Lstm] or [Gru] directly after it");

        public static readonly DiagnosticDescriptor BidirectionalRepeated = Error("RNN0004",
            "[Bidirectional] repeated",
            "[Bidirectional] is written twice before the same recurrent layer: remove one of them");

        public static readonly DiagnosticDescriptor NoRecurrentLayer = Error("RNN0005",
            "Model has no recurrent layer",
            "'{0}' has no recurrent layer: add [SimpleRnn(hidden)], [Lstm(hidden)] or [Gru(hidden)] before the [Dense] head");

        public static readonly DiagnosticDescriptor NoInput = Error("RNN0006",
            "Model has no input",
            "'{0}' declares no input: set [RnnModel(Input = features)] for float inputs, or add [Embedding(vocab, dim)] or [OneHot(vocab)] for tokens");

        public static readonly DiagnosticDescriptor ConflictingInput = Error("RNN0007",
            "Conflicting input declarations",
            "{0}: declare exactly one input: [RnnModel(Input = n)] for float features, or one [Embedding] or [OneHot] for tokens");

        public static readonly DiagnosticDescriptor DuplicateName = Error("RNN0008",
            "Duplicate layer name",
            "Layer name '{0}' is used twice, so their tensors would collide: give this layer another Name");

        public static readonly DiagnosticDescriptor UnsupportedActivation = Error("RNN0009",
            "Activation not supported by this layer",
            "{0} does not take Activation.{1}: use {2}");

        public static readonly DiagnosticDescriptor TooManyParameters = Error("RNN0010",
            "Model too large",
            "'{0}' would have {1} parameters, more than an int can count (2147483647): make the layers smaller");

        public static readonly DiagnosticDescriptor LayerOrder = Error("RNN0011",
            "Layer in the wrong place",
            "{0}: layers run in attribute order: input ([Embedding] or [OneHot]) first, then recurrent layers, then [Dense] layers");

        public static readonly DiagnosticDescriptor NoHead = Error("RNN0012",
            "Model has no [Dense] head",
            "'{0}' has no output layer: add [Dense(units, activation)] after the last recurrent layer (Linear → MSE, Sigmoid → BCE, Softmax → cross-entropy)");

        public static readonly DiagnosticDescriptor InvalidName = Error("RNN0013",
            "Invalid layer name",
            "Layer name '{0}' is not usable as a tensor prefix: {1}");

        public static readonly DiagnosticDescriptor GenericModel = Error("RNN0014",
            "Generic model classes are not supported",
            "'{0}' is generic: declare the model as a non-generic partial class (sizes are compile-time constants)");

        public static readonly DiagnosticDescriptor InternalError = Error("RNN0015",
            "RnnGen internal error",
            "RnnGen could not generate '{0}': {1}. Please report this with the declaration that caused it.");

        public static readonly DiagnosticDescriptor UndefinedValue = Error("RNN0016",
            "Enum value not defined",
            "{0} = {1} is not a defined value: use {2}");

        public static readonly DiagnosticDescriptor UnsupportedDeclaration = Error("RNN0017",
            "Model must be a plain class",
            "'{0}' is {1}, which RnnGen cannot extend with the model's instance members: declare the model as a plain partial class (not static, not a record, not file-local)");

        public static readonly DiagnosticDescriptor ReservedName = Error("RNN0018",
            "Model class name is reserved",
            "'{0}' is the name of the double-precision twin that RnnGen nests in every model, and a nested type cannot share its container's name: rename the class");

        public static readonly DiagnosticDescriptor FileNameCollision = Error("RNN0019",
            "Generated file name collides",
            "'{0}' and '{1}' would be generated into the same file '{2}' (file names are compared ignoring case): rename one of the classes");

        public static readonly DiagnosticDescriptor TooManyLayers = Error("RNN0020",
            "Too many stacked layers",
            "{0} = {1} is more than RnnGen generates code for: stack at most {2} layers in one recurrent attribute");

        public static readonly DiagnosticDescriptor SingleUnitSoftmax = Warning("RNN0021",
            "Softmax over one unit",
            "Dense({0}, Activation.Softmax) always outputs 1, so its cross-entropy is 0 and nothing learns: use [Dense(1, Activation.Sigmoid)] for a yes/no output, or give the softmax 2 or more units");

        public static readonly DiagnosticDescriptor DropoutRate = Error("RNN0022",
            "Dropout rate out of range",
            "{0} = {1} is not a dropout rate: use a value in [0, 1) (0 turns dropout off)");

        public static readonly DiagnosticDescriptor DropoutWithoutLayers = Warning("RNN0023",
            "Dropout between layers of a single layer",
            "{0}.Dropout = {1} drops between stacked layers, but this module has one layer, so it does nothing (as PyTorch warns): set Layers > 1, or use RecurrentDropout or the embedding's Dropout");

        public static readonly DiagnosticDescriptor InvalidSeq2Seq = Error("RNN0024",
            "Invalid encoder–decoder",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor DotAttentionSize = Error("RNN0025",
            "Dot attention between different sizes",
            "Dot attention multiplies the decoder's state ({0} features) with the encoder's outputs ({1} features): make them equal, or use AttentionScore.General, Concat or Bahdanau");

        public static readonly DiagnosticDescriptor SpecialToken = Error("RNN0026",
            "Start or end token outside the target vocabulary",
            "{0} = {1} is not a usable token of the {2}-token target vocabulary: use distinct ids in 0 … {3}");

        public static readonly DiagnosticDescriptor WeightsFile = Error("RNN0027",
            "Weights file cannot be embedded",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor[] All =
        {
            NotPartial, NonPositiveSize, BidirectionalWithoutRecurrent, BidirectionalRepeated, NoRecurrentLayer,
            NoInput, ConflictingInput, DuplicateName, UnsupportedActivation, TooManyParameters, LayerOrder,
            NoHead, InvalidName, GenericModel, InternalError, UndefinedValue, UnsupportedDeclaration, ReservedName,
            FileNameCollision, TooManyLayers, SingleUnitSoftmax, DropoutRate, DropoutWithoutLayers,
            InvalidSeq2Seq, DotAttentionSize, SpecialToken, WeightsFile,
        };
    }
}
