using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rnn;

/// <summary>
/// Saves and restores a training run in one safetensors file: the parameters under their tensor names (F32, PyTorch's
/// shapes, so the file also loads as a model's weights), each optimizer buffer as one flat F32 tensor
/// <c>optimizer.&lt;state name&gt;</c> (e.g. <c>optimizer.exp_avg</c>), and in <c>__metadata__</c> the optimizer's type,
/// step count and learning rate (keys <c>optimizer.type</c>, <c>optimizer.step_count</c>,
/// <c>optimizer.learning_rate</c>), a format tag <c>checkpoint.format</c>, and the caller's own string pairs
/// (training step, data position, <see cref="FormatRandomState"/>'s text, …).
/// Restoring everything and continuing gives bit for bit the run that was not interrupted.
/// </summary>
/// <example>
/// <code>
/// Checkpoint.Save("run.ckpt", model.Parameters, MyModel.Tensors, adam, new Dictionary&lt;string, string&gt;
/// {
///     ["position"] = batcher.Position.ToString(CultureInfo.InvariantCulture),
///     ["random"] = Checkpoint.FormatRandomState(random),
/// });
/// var metadata = Checkpoint.Load("run.ckpt", model.Parameters, MyModel.Tensors, adam);
/// batcher.Seek(int.Parse(metadata["position"], CultureInfo.InvariantCulture));
/// Checkpoint.RestoreRandomState(random, metadata["random"]);
/// </code>
/// </example>
public static class Checkpoint
{
    /// <summary>The prefix of the optimizer's tensors and metadata keys; caller metadata keys must not start with it.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>The prefix of the checkpoint's own metadata keys; caller metadata keys must not start with it.</summary>
    public const string CheckpointPrefix = "checkpoint.";

    private const string FormatKey = CheckpointPrefix + "format";
    private const string FormatValue = "rnngen-checkpoint-1";
    private const string TypeKey = OptimizerPrefix + "type";
    private const string StepCountKey = OptimizerPrefix + "step_count";
    private const string LearningRateKey = OptimizerPrefix + "learning_rate";

    /// <summary>
    /// Writes the checkpoint atomically (temporary file, flushed, then renamed over <paramref name="path"/>): if saving
    /// fails, an existing file at <paramref name="path"/> is left as it was.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="parameters">The flat parameter block.</param>
    /// <param name="tensors">The tensors of the block, each saved under its name and shape.</param>
    /// <param name="optimizer">The optimizer whose state to save, or null. An optimizer that has taken no step saves zeroed buffers.</param>
    /// <param name="metadata">The caller's string pairs; keys must not start with <see cref="OptimizerPrefix"/> or <see cref="CheckpointPrefix"/>.</param>
    /// <param name="arrays">The caller's float arrays (carried recurrent state, loss history, …), saved as flat F32 tensors <c>checkpoint.&lt;key&gt;</c>.</param>
    /// <exception cref="ArgumentException">
    /// A tensor lies outside <paramref name="parameters"/> or is named with a reserved prefix, a metadata key is reserved,
    /// or the optimizer's state is for another number of parameters.
    /// </exception>
    /// <exception cref="System.IO.IOException">The file cannot be written.</exception>
    public static void Save(string path, ReadOnlySpan<float> parameters, IReadOnlyList<TensorInfo> tensors, Optimizer? optimizer,
        IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, float[]>? arrays = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        CheckLayout(parameters.Length, tensors);

        var writer = new SafetensorsWriter();
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            if (IsReserved(pair.Key))
            {
                throw new ArgumentException(
                    $"Metadata key '{pair.Key}' is reserved: keys starting with '{OptimizerPrefix}' or '{CheckpointPrefix}' belong to the checkpoint.",
                    nameof(metadata));
            }

            writer.Metadata[pair.Key] = pair.Value;
        }

        writer.Metadata[FormatKey] = FormatValue;
        foreach (TensorInfo tensor in tensors)
        {
            writer.Add(tensor.Name, parameters.Slice(tensor.Offset, tensor.Length), tensor.Shape);
        }

        if (optimizer is not null)
        {
            writer.Metadata[TypeKey] = optimizer.GetType().Name;
            writer.Metadata[StepCountKey] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
            writer.Metadata[LearningRateKey] = optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture);
            bool hasState = HasState(optimizer);
            foreach (string name in optimizer.StateNames)
            {
                ReadOnlySpan<float> state = hasState ? optimizer.GetState(name) : new float[parameters.Length];
                if (state.Length != parameters.Length)
                {
                    throw new ArgumentException(
                        $"The optimizer's state '{name}' holds {state.Length} values, but parameters holds {parameters.Length}.", nameof(optimizer));
                }

                writer.Add(OptimizerPrefix + name, state, state.Length);
            }
        }

        if (arrays is not null)
        {
            foreach (KeyValuePair<string, float[]> pair in arrays)
            {
                writer.Add(CheckpointPrefix + pair.Key, pair.Value, pair.Value.Length);
            }
        }

        writer.Save(path);
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="Save"/>: the parameters of every tensor in <paramref name="tensors"/>
    /// and, when <paramref name="optimizer"/> is given, its buffers, step count and learning rate. Everything is checked
    /// before anything changes: when the file is malformed or truncated, or a tensor is missing, has another shape or
    /// dtype, or the optimizer state is missing or of another optimizer type, this throws and leaves
    /// <paramref name="parameters"/> and <paramref name="optimizer"/> as they were.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="parameters">The flat parameter block to overwrite (values outside <paramref name="tensors"/> are kept).</param>
    /// <param name="tensors">The tensors of the block.</param>
    /// <param name="optimizer">The optimizer to restore, or null to restore the parameters only.</param>
    /// <param name="arrays">When given, receives the caller's arrays saved with the checkpoint, by key.</param>
    /// <returns>The caller's metadata as saved (the checkpoint's own keys left out).</returns>
    /// <exception cref="SafetensorsException">The file is not a valid checkpoint for these tensors and optimizer; the message names the problem.</exception>
    /// <exception cref="ArgumentException">A tensor lies outside <paramref name="parameters"/>.</exception>
    /// <exception cref="System.IO.IOException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<string, string> Load(string path, Span<float> parameters, IReadOnlyList<TensorInfo> tensors, Optimizer? optimizer,
        IDictionary<string, float[]>? arrays = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        CheckLayout(parameters.Length, tensors);

        SafetensorsFile file = SafetensorsFile.Read(path);
        if (!file.Metadata.TryGetValue(FormatKey, out string? format) || format != FormatValue)
        {
            throw new SafetensorsException(
                $"'{path}' is not a checkpoint: its metadata has {FormatKey} = {(format is null ? "nothing" : $"'{format}'")}, expected '{FormatValue}'.");
        }

        foreach (TensorInfo tensor in tensors)
        {
            CheckTensor(file, tensor.Name, tensor.Shape, "the model expects");
        }

        int stepCount = 0;
        float learningRate = 0;
        float[][] states = [];
        if (optimizer is not null)
        {
            string expectedType = optimizer.GetType().Name;
            if (!file.Metadata.TryGetValue(TypeKey, out string? type))
            {
                throw new SafetensorsException($"The checkpoint holds no optimizer state ({TypeKey} is missing), but a {expectedType} is to be restored.");
            }

            if (type != expectedType)
            {
                throw new SafetensorsException($"The checkpoint holds the state of a {type}, not of a {expectedType}.");
            }

            if (!file.Metadata.TryGetValue(StepCountKey, out string? stepText)
                || !int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out stepCount))
            {
                throw new SafetensorsException($"Metadata {StepCountKey} = '{stepText}' is not a step count.");
            }

            if (!file.Metadata.TryGetValue(LearningRateKey, out string? rateText)
                || !float.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out learningRate)
                || !(learningRate >= 0))
            {
                throw new SafetensorsException($"Metadata {LearningRateKey} = '{rateText}' is not a learning rate.");
            }

            int[] flat = [parameters.Length];
            states = new float[optimizer.StateNames.Count][];
            for (int i = 0; i < states.Length; i++)
            {
                string name = OptimizerPrefix + optimizer.StateNames[i];
                CheckTensor(file, name, flat, $"the {expectedType} expects");
                states[i] = file.ToArray<float>(name);
            }
        }

        var staged = parameters.ToArray();
        foreach (TensorInfo tensor in tensors)
        {
            file.CopyTo(tensor.Name, staged.AsSpan(tensor.Offset, tensor.Length));
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in file.Metadata)
        {
            if (!IsReserved(pair.Key))
            {
                result[pair.Key] = pair.Value;
            }
        }

        var savedArrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (SafetensorsTensorInfo info in file.Tensors)
        {
            if (info.Name.StartsWith(CheckpointPrefix, StringComparison.Ordinal))
            {
                CheckTensor(file, info.Name, info.Shape, "a saved array is");
                savedArrays[info.Name[CheckpointPrefix.Length..]] = file.ToArray<float>(info.Name);
            }
        }

        // Everything is read and checked: commit.
        if (arrays is not null)
        {
            foreach (KeyValuePair<string, float[]> pair in savedArrays)
            {
                arrays[pair.Key] = pair.Value;
            }
        }

        staged.CopyTo(parameters);
        if (optimizer is not null)
        {
            optimizer.Initialize(parameters.Length, stepCount);
            for (int i = 0; i < states.Length; i++)
            {
                states[i].CopyTo(optimizer.GetState(optimizer.StateNames[i]));
            }

            optimizer.LearningRate = learningRate;
        }

        return result;
    }

    /// <summary>
    /// A <see cref="RandomSource"/>'s state (<see cref="RandomSource.GetState"/>) as text for checkpoint metadata: six
    /// 16-digit hexadecimal words separated by commas.
    /// </summary>
    /// <param name="random">The generator.</param>
    public static string FormatRandomState(RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return string.Join(",", Array.ConvertAll(random.GetState(), word => word.ToString("x16", CultureInfo.InvariantCulture)));
    }

    /// <summary>Sets <paramref name="random"/> to the state <see cref="FormatRandomState"/> wrote.</summary>
    /// <param name="random">The generator to restore.</param>
    /// <param name="state">The text from <see cref="FormatRandomState"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="state"/> is not such a text; the generator is unchanged.</exception>
    public static void RestoreRandomState(RandomSource random, string state)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(state);
        string[] parts = state.Split(',');
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!ulong.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i]))
            {
                throw new ArgumentException($"'{state}' is not a random state from FormatRandomState.", nameof(state));
            }
        }

        try
        {
            random.SetState(words);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{state}' is not a random state from FormatRandomState: {e.Message}", nameof(state), e);
        }
    }

    private static bool IsReserved(string key) =>
        key.StartsWith(OptimizerPrefix, StringComparison.Ordinal) || key.StartsWith(CheckpointPrefix, StringComparison.Ordinal);

    /// <summary>Whether the optimizer has buffers (it has stepped or been initialised), so that GetState works.</summary>
    private static bool HasState(Optimizer optimizer)
    {
        if (optimizer.StateNames.Count == 0)
        {
            return true;
        }

        try
        {
            optimizer.GetState(optimizer.StateNames[0]);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void CheckLayout(int parameterCount, IReadOnlyList<TensorInfo> tensors)
    {
        foreach (TensorInfo tensor in tensors)
        {
            if (tensor.Offset < 0 || tensor.Length < 0 || (long)tensor.Offset + tensor.Length > parameterCount)
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' {tensor.ShapeText} at offset {tensor.Offset} lies outside the {parameterCount} parameters.", nameof(tensors));
            }

            if (IsReserved(tensor.Name))
            {
                throw new ArgumentException($"Tensor name '{tensor.Name}' is reserved for the checkpoint's own tensors.", nameof(tensors));
            }
        }
    }

    private static void CheckTensor(SafetensorsFile file, string name, int[] shape, string expects)
    {
        string shapeText = "[" + string.Join(", ", shape) + "]";
        if (!file.TryGet(name, out SafetensorsTensorInfo? info))
        {
            throw new SafetensorsException($"Tensor '{name}' is missing: {expects} it with shape {shapeText}.", name);
        }

        if (info.DType != SafetensorsDType.F32 || !info.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new SafetensorsException(
                $"Tensor '{name}' is {info.DType} [{string.Join(", ", info.Shape)}], but {expects} F32 {shapeText}.", name);
        }
    }
}
