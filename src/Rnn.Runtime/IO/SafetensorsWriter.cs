using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rnn;

/// <summary>
/// Collects tensors and metadata and writes them as a safetensors file, in the layout PyTorch's and
/// Hugging Face's tools write: compact JSON header (tensors in the order added, metadata keys sorted),
/// padded with spaces to a multiple of 8 bytes, then each tensor's little-endian data in the same order.
/// </summary>
/// <example>
/// <code>
/// var writer = new SafetensorsWriter();
/// writer.Metadata["config"] = "{\"hidden\":16}";
/// writer.Add("dense.weight", weights, 2, 16);
/// writer.Save("model.safetensors");
/// </code>
/// </example>
public sealed class SafetensorsWriter
{
    private const string MetadataKey = "__metadata__";

    private readonly List<Entry> entries = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>String pairs written to the header's <c>__metadata__</c> entry (omitted when empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Adds a tensor of 32-bit floats (<c>F32</c>); the data is copied.</summary>
    /// <param name="name">The tensor's name, unique within the file.</param>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The dimensions, outermost first; none for a scalar. Their product must equal <paramref name="data"/>'s length.</param>
    /// <exception cref="ArgumentException">The name is empty, reserved or taken, or the shape does not fit the data.</exception>
    public void Add(string name, ReadOnlySpan<float> data, params int[] shape) => Add(name, SafetensorsDType.F32, data, shape);

    /// <summary>Adds a tensor of 64-bit floats (<c>F64</c>); the data is copied.</summary>
    /// <inheritdoc cref="Add(string, ReadOnlySpan{float}, int[])"/>
    public void Add(string name, ReadOnlySpan<double> data, params int[] shape) => Add(name, SafetensorsDType.F64, data, shape);

    /// <summary>Adds a tensor of 32-bit integers (<c>I32</c>); the data is copied.</summary>
    /// <inheritdoc cref="Add(string, ReadOnlySpan{float}, int[])"/>
    public void Add(string name, ReadOnlySpan<int> data, params int[] shape) => Add(name, SafetensorsDType.I32, data, shape);

    /// <summary>Adds a tensor of 64-bit integers (<c>I64</c>); the data is copied.</summary>
    /// <inheritdoc cref="Add(string, ReadOnlySpan{float}, int[])"/>
    public void Add(string name, ReadOnlySpan<long> data, params int[] shape) => Add(name, SafetensorsDType.I64, data, shape);

    /// <summary>Writes the file to a stream.</summary>
    /// <param name="stream">Where to write.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Header());
        foreach (Entry entry in entries)
        {
            stream.Write(entry.Data);
        }
    }

    /// <summary>The file's bytes.</summary>
    public byte[] ToArray()
    {
        byte[] header = Header();
        var file = new byte[header.Length + entries.Sum(e => (long)e.Data.Length)];
        header.CopyTo(file, 0);
        int offset = header.Length;
        foreach (Entry entry in entries)
        {
            entry.Data.CopyTo(file, offset);
            offset += entry.Data.Length;
        }

        return file;
    }

    /// <summary>
    /// Writes the file atomically: to a temporary file in the same directory, flushed to disk, then moved over
    /// <paramref name="path"/>. On failure the temporary file is deleted and an existing file is left as it was.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, WriteTo);
    }

    private void Add<T>(string name, SafetensorsDType dtype, ReadOnlySpan<T> data, int[] shape)
        where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == MetadataKey)
        {
            throw new ArgumentException($"'{MetadataKey}' is reserved for the header's metadata; use Metadata.", nameof(name));
        }

        if (names.Contains(name))
        {
            throw new ArgumentException($"A tensor named '{name}' has already been added.", nameof(name));
        }

        if (shape.Any(d => d < 0) || ElementCount(shape) != data.Length)
        {
            throw new ArgumentException(
                $"shape [{string.Join(", ", shape)}] must be non-negative with a product equal to the {data.Length} elements of '{name}'.",
                nameof(shape));
        }

        byte[] bytes = MemoryMarshal.AsBytes(data).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < bytes.Length; i += dtype.ElementSize())
            {
                Array.Reverse(bytes, i, dtype.ElementSize());
            }
        }

        names.Add(name);
        entries.Add(new Entry(name, dtype, (int[])shape.Clone(), bytes));
    }

    /// <summary>The product of the dimensions, or <see cref="long.MaxValue"/> when it overflows.</summary>
    private static long ElementCount(int[] shape)
    {
        if (shape.Contains(0))
        {
            return 0;
        }

        long count = 1;
        foreach (int dimension in shape)
        {
            if (count > long.MaxValue / dimension)
            {
                return long.MaxValue;
            }

            count *= dimension;
        }

        return count;
    }

    /// <summary>The length field and the JSON header padded with spaces to a multiple of 8 bytes.</summary>
    private byte[] Header()
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (Metadata.Count > 0)
            {
                writer.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(pair.Key, pair.Value ?? throw new InvalidOperationException($"Metadata['{pair.Key}'] is null."));
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (Entry entry in entries)
            {
                writer.WriteStartObject(entry.Name);
                writer.WriteString("dtype", entry.DType.HeaderName());
                writer.WriteStartArray("shape");
                foreach (int dimension in entry.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += entry.Data.Length;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        int padded = (json.WrittenCount + 7) & ~7;
        var header = new byte[sizeof(ulong) + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        json.WrittenSpan.CopyTo(header.AsSpan(sizeof(ulong)));
        header.AsSpan(sizeof(ulong) + json.WrittenCount).Fill((byte)' ');
        return header;
    }

    private sealed record Entry(string Name, SafetensorsDType DType, int[] Shape, byte[] Data);
}
