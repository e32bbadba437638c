using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Rnn;

/// <summary>
/// Reads and validates the header of a safetensors file: an 8-byte little-endian length, then that many
/// bytes of UTF-8 JSON naming each tensor's dtype, shape and byte range within the data section that follows.
/// Parsing streams through <see cref="Utf8JsonReader"/>, so what it allocates is bounded by the header's
/// actual bytes, never by sizes the header claims.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The largest header accepted, as in the reference implementation.</summary>
    internal const int MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private SafetensorsHeader(int dataStart, Dictionary<string, string> metadata, List<SafetensorsTensorInfo> tensors)
    {
        DataStart = dataStart;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>Offset of the data section from the start of the file.</summary>
    internal int DataStart { get; }

    internal Dictionary<string, string> Metadata { get; }

    /// <summary>The tensors in header order.</summary>
    internal List<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Parses and validates the header of a whole file held in <paramref name="file"/>.</summary>
    /// <exception cref="SafetensorsException">The file is malformed.</exception>
    internal static SafetensorsHeader Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < sizeof(ulong))
        {
            throw new SafetensorsException(
                $"The file is {file.Length} bytes long; a safetensors file starts with an 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderLength)
        {
            throw new SafetensorsException(
                $"The header length field says {headerLength} bytes, more than the limit of {MaxHeaderLength} bytes.");
        }

        if (headerLength > (ulong)(file.Length - sizeof(ulong)))
        {
            throw new SafetensorsException(
                $"The header length field says {headerLength} bytes, but only {file.Length - sizeof(ulong)} bytes follow it.");
        }

        int dataStart = sizeof(ulong) + (int)headerLength;
        ReadOnlySpan<byte> json = file[sizeof(ulong)..dataStart];
        if (!Utf8.IsValid(json))
        {
            throw new SafetensorsException("The header is not valid UTF-8.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new List<SafetensorsTensorInfo>();
        try
        {
            ReadJson(json, metadata, tensors);
        }
        catch (JsonException e)
        {
            throw new SafetensorsException($"The header is not valid JSON: {e.Message}", e);
        }

        CheckDataRanges(tensors, file.Length - dataStart);
        return new SafetensorsHeader(dataStart, metadata, tensors);
    }

    private static void ReadJson(ReadOnlySpan<byte> json, Dictionary<string, string> metadata, List<SafetensorsTensorInfo> tensors)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsException($"The header must be a JSON object, but it starts with a {reader.TokenType}.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            if (!names.Add(name))
            {
                throw new SafetensorsException($"The header names '{name}' twice.");
            }

            reader.Read();
            if (name == MetadataKey)
            {
                ReadMetadata(ref reader, metadata);
            }
            else
            {
                tensors.Add(ReadTensor(ref reader, name));
            }
        }

        // Anything after the closing brace other than the space padding makes Utf8JsonReader throw.
        while (reader.Read())
        {
        }
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsException($"'{MetadataKey}' must be an object of strings, but it is a {reader.TokenType}.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new SafetensorsException($"'{MetadataKey}' values must be strings, but '{key}' is a {reader.TokenType}.");
            }

            metadata[key] = reader.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ReadTensor(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw SafetensorsException.ForTensor(name, $"the entry must be an object, but it is a {reader.TokenType}.");
        }

        string? dtypeName = null;
        List<int>? shape = null;
        List<long>? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "dtype":
                    dtypeName = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw SafetensorsException.ForTensor(name, $"'dtype' must be a string, but it is a {reader.TokenType}.");
                    break;
                case "shape":
                    shape = ReadIntegers(ref reader, name, "shape", (ref Utf8JsonReader r, out int value) => r.TryGetInt32(out value) && value >= 0);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(ref reader, name, "data_offsets", (ref Utf8JsonReader r, out long value) => r.TryGetInt64(out value) && value >= 0);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (dtypeName is null || shape is null || offsets is null)
        {
            string missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw SafetensorsException.ForTensor(name, $"the entry has no '{missing}'.");
        }

        if (!SafetensorsDTypeExtensions.TryParse(dtypeName, out SafetensorsDType dtype))
        {
            throw SafetensorsException.ForTensor(name, $"unknown dtype '{dtypeName}'.");
        }

        if (offsets.Count != 2)
        {
            throw SafetensorsException.ForTensor(name, $"'data_offsets' must hold two numbers [begin, end], but it holds {offsets.Count}.");
        }

        return new SafetensorsTensorInfo(name, dtype, shape.ToArray(), ElementCount(shape, name), offsets[0], offsets[1]);
    }

    /// <summary>The product of the dimensions, which must not exceed <see cref="int.MaxValue"/> (spans are int-indexed).</summary>
    private static long ElementCount(List<int> shape, string tensor)
    {
        if (shape.Contains(0))
        {
            return 0;
        }

        long count = 1;
        foreach (int dimension in shape)
        {
            if (count > int.MaxValue / dimension)
            {
                throw SafetensorsException.ForTensor(tensor, $"the shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements.");
            }

            count *= dimension;
        }

        return count;
    }

    private delegate bool TryGetInteger<T>(ref Utf8JsonReader reader, out T value);

    private static List<T> ReadIntegers<T>(ref Utf8JsonReader reader, string tensor, string key, TryGetInteger<T> tryGet)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw SafetensorsException.ForTensor(tensor, $"'{key}' must be an array, but it is a {reader.TokenType}.");
        }

        var values = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !tryGet(ref reader, out T value))
            {
                string token = reader.TokenType == JsonTokenType.Number
                    ? Encoding.UTF8.GetString(reader.ValueSpan)
                    : reader.TokenType.ToString();
                throw SafetensorsException.ForTensor(tensor, $"'{key}' must hold non-negative integers, but it holds {token}.");
            }

            values.Add(value);
        }

        return values;
    }

    private static void CheckDataRanges(List<SafetensorsTensorInfo> tensors, long dataLength)
    {
        foreach (SafetensorsTensorInfo t in tensors)
        {
            if (t.DataBegin > t.DataEnd)
            {
                throw SafetensorsException.ForTensor(t.Name, $"data_offsets [{t.DataBegin}, {t.DataEnd}] begin after they end.");
            }

            if (t.DataEnd > dataLength)
            {
                throw SafetensorsException.ForTensor(
                    t.Name,
                    $"data_offsets [{t.DataBegin}, {t.DataEnd}] reach past the end of the data section, which is {dataLength} bytes long.");
            }

            long expected = t.ElementCount * t.DType.ElementSize();
            if (t.ByteLength != expected)
            {
                throw SafetensorsException.ForTensor(
                    t.Name,
                    $"data_offsets [{t.DataBegin}, {t.DataEnd}] span {t.ByteLength} bytes, but {t.DType.HeaderName()} [{string.Join(", ", t.Shape)}] needs {t.ElementCount} × {t.DType.ElementSize()} = {expected}.");
            }
        }

        SafetensorsTensorInfo[] byOffset = tensors.ToArray();
        Array.Sort(byOffset, (a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
        for (int i = 1; i < byOffset.Length; i++)
        {
            SafetensorsTensorInfo previous = byOffset[i - 1], current = byOffset[i];
            if (current.DataBegin < previous.DataEnd)
            {
                throw SafetensorsException.ForTensor(
                    current.Name,
                    $"data_offsets [{current.DataBegin}, {current.DataEnd}] overlap those of '{previous.Name}' [{previous.DataBegin}, {previous.DataEnd}].");
            }
        }
    }
}
