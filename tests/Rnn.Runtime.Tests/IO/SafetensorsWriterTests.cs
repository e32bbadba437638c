using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;

namespace Rnn.Tests;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("rnn-safetensors-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void EveryDType_RoundTrips_WithShapesAndMetadata()
    {
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Metadata["config"] = "{\"cell\": \"lstm\", \"note\": \"é ü \\\\ \\\"q\\\"\"}";
        float[] floats = [1.5f, float.MaxValue, -0f, float.Epsilon, float.NaN, 3f];
        double[] doubles = [Math.PI, -1e300, double.NegativeInfinity];
        int[] ints = [int.MinValue, -1, 0, 1, int.MaxValue, 42];
        long[] longs = [long.MinValue, long.MaxValue];
        writer.Add("layer.f32", floats, 2, 3);
        writer.Add("f64", doubles, 3);
        writer.Add("i32", ints, 3, 1, 2);
        writer.Add("i64", longs, 2);
        writer.Add("scalar", [7f]);
        writer.Add("empty", ReadOnlySpan<int>.Empty, 0, 4);

        SafetensorsFile file = SafetensorsFile.Parse(writer.ToArray());

        Assert.Equal(floats, file.ToArray<float>("layer.f32"));
        Assert.Equal(doubles, file.ToArray<double>("f64"));
        Assert.Equal(ints, file.ToArray<int>("i32"));
        Assert.Equal(longs, file.ToArray<long>("i64"));
        Assert.Equal([7f], file.ToArray<float>("scalar"));
        Assert.Empty(file.ToArray<int>("empty"));
        Assert.Equal([SafetensorsDType.F32, SafetensorsDType.F64, SafetensorsDType.I32, SafetensorsDType.I64, SafetensorsDType.F32, SafetensorsDType.I32],
            file.Tensors.Select(t => t.DType));
        Assert.Equal([2, 3], file.Get("layer.f32").Shape);
        Assert.Equal([3, 1, 2], file.Get("i32").Shape);
        Assert.Empty(file.Get("scalar").Shape);
        Assert.Equal([0, 4], file.Get("empty").Shape);
        Assert.Equal(writer.Metadata["config"], file.Metadata["config"]);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Layout_IsACompactHeaderPaddedToEightBytes_ThenLittleEndianData()
    {
        var writer = new SafetensorsWriter();
        writer.Add("w", [1f, 2f], 2);
        writer.Add("n", [258], 1);
        byte[] bytes = writer.ToArray();

        const string Json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"n\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        int padded = (Json.Length + 7) / 8 * 8;
        Assert.Equal((ulong)padded, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(Json + new string(' ', padded - Json.Length), Encoding.UTF8.GetString(bytes, 8, padded));
        Assert.Equal(8 + padded + 12, bytes.Length);
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + padded + 4)));
        Assert.Equal([2, 1, 0, 0], bytes[^4..]);
    }

    [Fact]
    public void Add_ChecksTheShapeAndTheName()
    {
        var writer = new SafetensorsWriter();
        var error = Assert.Throws<ArgumentException>(() => writer.Add("w", new float[6], 4, 2));
        Assert.Equal("shape", error.ParamName);
        Assert.Contains("shape [4, 2]", error.Message);
        Assert.Contains("6 elements of 'w'", error.Message);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => writer.Add("w", new int[0], -2, 0)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => writer.Add("w", new long[2])).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => writer.Add("w", new double[1], 65536, 65536, 65536, 65536, 65536)).ParamName);

        writer.Add("w", new float[2], 2);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => writer.Add("w", new float[2], 2)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", new float[2], 2)).ParamName);
        Assert.Throws<ArgumentException>(() => writer.Add("", new float[2], 2));
    }

    [Fact]
    public void Add_CopiesTheData()
    {
        var writer = new SafetensorsWriter();
        float[] data = [1f, 2f];
        writer.Add("w", data, 2);
        data[0] = 99f;
        Assert.Equal([1f, 2f], SafetensorsFile.Parse(writer.ToArray()).ToArray<float>("w"));
    }

    [Fact]
    public void Save_ThenRead_AndSaveOverAnExistingFile()
    {
        string path = Path.Combine(directory, "model.safetensors");
        var first = new SafetensorsWriter();
        first.Add("w", [1f], 1);
        first.Save(path);
        Assert.Equal([1f], SafetensorsFile.Read(path).ToArray<float>("w"));

        var second = new SafetensorsWriter();
        second.Add("w", [2f, 3f], 2);
        second.Save(path);
        Assert.Equal([2f, 3f], SafetensorsFile.Read(path).ToArray<float>("w"));
        Assert.Equal(second.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], FileNames(directory));
    }

    [Fact]
    public void Save_IntoAMissingDirectory_ThrowsAndCreatesNothing()
    {
        var writer = new SafetensorsWriter();
        writer.Add("w", [1f], 1);
        Assert.ThrowsAny<IOException>(() => writer.Save(Path.Combine(directory, "missing", "model.safetensors")));
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    [Fact]
    public void Save_OverADirectory_FailsAfterWriting_AndLeavesNoTemporaryFile()
    {
        string target = Directory.CreateDirectory(Path.Combine(directory, "taken")).FullName;
        File.WriteAllText(Path.Combine(target, "inside.txt"), "kept");
        var writer = new SafetensorsWriter();
        writer.Add("w", [1f], 1);

        Assert.ThrowsAny<IOException>(() => writer.Save(target));

        Assert.Equal(["taken"], FileNames(directory));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(target, "inside.txt")));
    }

    [Fact]
    public void AtomicWrite_ThatFailsMidway_LeavesTheOldFileIntact_AndNoTemporaryFile()
    {
        string path = Path.Combine(directory, "model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("disk full", error.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], FileNames(directory));
    }

    private static string[] FileNames(string directory)
    {
        string[] names = Array.ConvertAll(Directory.GetFileSystemEntries(directory), p => Path.GetFileName(p)!);
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
