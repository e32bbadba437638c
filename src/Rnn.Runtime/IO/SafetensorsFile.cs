using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;

namespace Rnn;

/// <summary>
/// A parsed <a href="https://github.com/huggingface/safetensors">safetensors</a> file: the header is validated
/// on load, tensors are converted to float, double, int or long on request.
/// </summary>
/// <example>
/// <code>
/// var file = SafetensorsFile.Read("lstm_mse.safetensors");
/// float[] w = file.ToArray&lt;float&gt;("recurrent.weight_ih_l0");   // shape file.Get(...).Shape = [16, 3]
/// string config = file.Metadata["config"];
/// </code>
/// </example>
public sealed class SafetensorsFile
{
    private readonly ReadOnlyMemory<byte> data;
    private readonly Dictionary<string, SafetensorsTensorInfo> byName;

    private SafetensorsFile(ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafetensorsTensorInfo> tensors)
    {
        this.data = data;
        Metadata = metadata;
        Tensors = tensors;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The string pairs in the header's <c>__metadata__</c> entry; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in the order the header lists them.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Reads and validates a file.</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="SafetensorsException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafetensorsFile Read(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Validates a whole file held in memory. The returned object reads tensors from <paramref name="bytes"/>, which must not change.</summary>
    /// <param name="bytes">The file's contents.</param>
    /// <exception cref="SafetensorsException">The file is malformed.</exception>
    public static SafetensorsFile Parse(ReadOnlyMemory<byte> bytes)
    {
        SafetensorsHeader header = SafetensorsHeader.Parse(bytes.Span);
        return new SafetensorsFile(bytes[header.DataStart..], header.Metadata, header.Tensors);
    }

    /// <summary>Whether the file holds a tensor of this name.</summary>
    /// <param name="name">The tensor's name.</param>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="info">The tensor's entry, when it is there.</param>
    /// <returns>Whether the file holds the tensor.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out SafetensorsTensorInfo? info) => byName.TryGetValue(name, out info);

    /// <summary>The entry of a tensor.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <exception cref="SafetensorsException">The file holds no tensor of this name; the message lists those it holds.</exception>
    public SafetensorsTensorInfo Get(string name)
    {
        if (byName.TryGetValue(name, out SafetensorsTensorInfo? info))
        {
            return info;
        }

        const int Listed = 12;
        string names = string.Join(", ", Tensors.Take(Listed).Select(t => t.Name)) + (Tensors.Count > Listed ? ", …" : "");
        throw SafetensorsException.ForTensor(name, $"not in the file, which holds {Tensors.Count} tensors ({names}).");
    }

    /// <summary>The stored little-endian bytes of a tensor, whatever its dtype.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <exception cref="SafetensorsException">The file holds no tensor of this name.</exception>
    public ReadOnlyMemory<byte> GetBytes(string name)
    {
        SafetensorsTensorInfo info = Get(name);
        return data.Slice((int)info.DataBegin, (int)info.ByteLength);
    }

    /// <summary>
    /// Copies a tensor into <paramref name="destination"/>, converting from the stored dtype. <typeparamref name="T"/>
    /// may be float or double (any dtype but the 8-bit floats converts; wider values round to nearest) or int or long
    /// (integer and bool dtypes only; a value out of range throws).
    /// </summary>
    /// <typeparam name="T">float, double, int or long.</typeparam>
    /// <param name="name">The tensor's name.</param>
    /// <param name="destination">Exactly <see cref="SafetensorsTensorInfo.ElementCount"/> elements, in row-major order.</param>
    /// <exception cref="SafetensorsException">The tensor is missing or its values cannot be represented as <typeparamref name="T"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not hold the tensor's element count.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, int or long.</exception>
    public void CopyTo<T>(string name, Span<T> destination)
        where T : unmanaged
    {
        SafetensorsTensorInfo info = Get(name);
        if (destination.Length != info.ElementCount)
        {
            throw new ArgumentException(
                $"destination must hold the {info.ElementCount} elements of tensor '{name}' {info.DType.HeaderName()} [{string.Join(", ", info.Shape)}], but it holds {destination.Length}.",
                nameof(destination));
        }

        SafetensorsConversion.Convert(info, data.Span.Slice((int)info.DataBegin, (int)info.ByteLength), destination);
    }

    /// <summary>A new array with a tensor's elements in row-major order, converted as <see cref="CopyTo{T}(string, Span{T})"/> does.</summary>
    /// <typeparam name="T">float, double, int or long.</typeparam>
    /// <param name="name">The tensor's name.</param>
    /// <exception cref="SafetensorsException">The tensor is missing or its values cannot be represented as <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, int or long.</exception>
    public T[] ToArray<T>(string name)
        where T : unmanaged
    {
        var array = new T[Get(name).ElementCount];
        CopyTo<T>(name, array);
        return array;
    }
}
