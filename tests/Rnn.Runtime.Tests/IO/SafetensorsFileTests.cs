using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;

namespace Rnn.Tests;

public class SafetensorsFileTests
{
    [Fact]
    public void FileShorterThanTheLengthField_IsRejected()
    {
        AssertRejected(new byte[5], "5 bytes long");
        AssertRejected([], "0 bytes long");
    }

    [Fact]
    public void HeaderLengthBeyondTheFile_IsRejected()
    {
        AssertRejected(Raw(100, "{}"), "says 100 bytes, but only 2 bytes follow");
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(ulong.MaxValue)]
    public void HugeHeaderLength_IsRejectedBeforeAllocating(ulong length)
    {
        byte[] file = Raw(length, "{}");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Parse(file));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 10_000);
        Assert.Contains("more than the limit of 100000000 bytes", error.Message);
    }

    [Fact]
    public void HeaderThatIsNotUtf8_IsRejected()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}");
        json[2] = 0xFF;
        AssertRejected(File(json, new byte[4]), "not valid UTF-8");
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("{} {}", "not valid JSON")]
    [InlineData("hello", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{\"__metadata__\":[1]}", "'__metadata__' must be an object of strings")]
    [InlineData("{\"__metadata__\":{\"n\":1}}", "'__metadata__' values must be strings, but 'n' is a Number")]
    public void HeaderThatIsNotTheRightJson_IsRejected(string json, string message)
    {
        AssertRejected(File(json), message);
    }

    [Theory]
    [InlineData("{\"shape\":[1],\"data_offsets\":[0,4]}", "no 'dtype'")]
    [InlineData("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", "no 'shape'")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1]}", "no 'data_offsets'")]
    [InlineData("[\"F32\"]", "the entry must be an object")]
    [InlineData("{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}", "'dtype' must be a string")]
    [InlineData("{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,4]}", "unknown dtype 'F128'")]
    [InlineData("{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}", "unknown dtype 'f32'")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", "'shape' must hold non-negative integers, but it holds -1")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", "'shape' must hold non-negative integers, but it holds 1.5")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}", "'shape' must hold non-negative integers, but it holds String")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[0,4]}", "'shape' must hold non-negative integers, but it holds 3000000000")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}", "'shape' must be an array")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", "must hold two numbers")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}", "'data_offsets' must hold non-negative integers, but it holds -4")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", "reach past the end of the data section, which is 4 bytes long")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}", "begin after they end")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}", "span 4 bytes, but F32 [2] needs 2 × 4 = 8")]
    [InlineData("{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}", "span 4 bytes, but F64 [1] needs 1 × 8 = 8")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}", "has more than 2147483647 elements")]
    public void MalformedTensorEntry_IsRejected_NamingTheTensor(string entry, string message)
    {
        var error = AssertRejected(File($"{{\"w\":{entry}}}", new byte[4]), message);
        Assert.Equal("w", error.TensorName);
        Assert.StartsWith("Tensor 'w': ", error.Message);
    }

    [Fact]
    public void OverlappingTensors_AreRejected()
    {
        string json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        var error = AssertRejected(File(json, new byte[12]), "overlap those of 'a' [0, 8]");
        Assert.Equal("b", error.TensorName);
    }

    [Fact]
    public void SameNameTwice_IsRejected()
    {
        string entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        AssertRejected(File($"{{\"a\":{entry},\"a\":{entry}}}", new byte[1]), "names 'a' twice");
    }

    [Fact]
    public void HostileShape_AllocatesOnlyWhatTheFileHolds()
    {
        byte[] file = File("{\"w\":{\"dtype\":\"F64\",\"shape\":[46340,46340],\"data_offsets\":[0,17179869184]}}", new byte[8]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(file, "reach past the end");
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 20_000);
    }

    [Fact]
    public void ZeroSizedAndScalarTensors_AndGaps_AreAccepted()
    {
        string json = "{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
            + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]},\"extra\":{\"data_offsets\":[0,0],\"dtype\":\"I8\",\"shape\":[0],\"note\":[{\"x\":1}]}}";
        byte[] data = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), 2.5f);
        SafetensorsFile file = SafetensorsFile.Parse(File(json, data));

        Assert.Empty(file.ToArray<float>("empty"));
        Assert.Equal([2.5f], file.ToArray<float>("scalar"));
        Assert.Empty(file.Get("scalar").Shape);
        Assert.Equal(1, file.Get("scalar").ElementCount);
        Assert.Empty(file.Metadata);
        Assert.Equal(["empty", "scalar", "extra"], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Get_OfAMissingTensor_NamesItAndListsTheOthers()
    {
        SafetensorsFile file = SafetensorsFile.Parse(Writer().ToArray());
        var error = Assert.Throws<SafetensorsException>(() => file.Get("dense.bias"));
        Assert.Equal("dense.bias", error.TensorName);
        Assert.Equal("Tensor 'dense.bias': not in the file, which holds 2 tensors (f, n).", error.Message);
        Assert.Throws<SafetensorsException>(() => file.ToArray<float>("dense.bias"));
        Assert.False(file.TryGet("dense.bias", out _));
        Assert.True(file.TryGet("f", out SafetensorsTensorInfo? info));
        Assert.Equal([2, 3], info.Shape);
    }

    [Fact]
    public void CopyTo_OfTheWrongSize_NamesDestinationAndTheCount()
    {
        SafetensorsFile file = SafetensorsFile.Parse(Writer().ToArray());
        var error = Assert.Throws<ArgumentException>(() => file.CopyTo<float>("f", new float[5]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains("must hold the 6 elements of tensor 'f' F32 [2, 3], but it holds 5", error.Message);
    }

    [Fact]
    public void Conversions_BetweenDTypes()
    {
        SafetensorsFile file = SafetensorsFile.Parse(Writer().ToArray());
        Assert.Equal([1.5, -2, 3.25, 0, 1e-3f, 7], file.ToArray<double>("f"));
        Assert.Equal([-3f, 0f, 2147483647f], file.ToArray<float>("n"));
        Assert.Equal([-3L, 0L, int.MaxValue], file.ToArray<long>("n"));

        var noFractions = Assert.Throws<SafetensorsException>(() => file.ToArray<int>("f"));
        Assert.Contains("F32 values, which cannot be read as int", noFractions.Message);
        Assert.Throws<NotSupportedException>(() => file.ToArray<short>("n"));
    }

    [Fact]
    public void IntegerOverflow_IsReported()
    {
        var writer = new SafetensorsWriter();
        writer.Add("big", [1L, 1L << 40], 2);
        SafetensorsFile file = SafetensorsFile.Parse(writer.ToArray());
        Assert.Equal([1L, 1L << 40], file.ToArray<long>("big"));
        Assert.Equal([1f, 1099511627776f], file.ToArray<float>("big"));
        var error = Assert.Throws<SafetensorsException>(() => file.ToArray<int>("big"));
        Assert.Contains("I64 values out of the range of int", error.Message);
        Assert.Equal("big", error.TensorName);
    }

    [Fact]
    public void NarrowDTypes_ConvertToFloatAndInt()
    {
        byte[] f16 = new byte[4], bf16 = new byte[4];
        BinaryPrimitives.WriteHalfLittleEndian(f16, (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(f16.AsSpan(2), (Half)(-0.25f));
        BinaryPrimitives.WriteUInt16LittleEndian(bf16, (ushort)(BitConverter.SingleToInt32Bits(3f) >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(bf16.AsSpan(2), (ushort)(BitConverter.SingleToInt32Bits(-0.5f) >> 16));
        byte[] data = [.. f16, .. bf16, 1, 0, 0xFF, 0xFE, 0xFF, 0x7F, 0x00, 0x80];
        string json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
            + "\"t\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[8,10]},"
            + "\"s\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[10,12]},"
            + "\"i\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[12,16]},"
            + "\"e\":{\"dtype\":\"F8_E4M3\",\"shape\":[0],\"data_offsets\":[16,16]}}";
        SafetensorsFile file = SafetensorsFile.Parse(File(json, data));

        Assert.Equal([1.5f, -0.25f], file.ToArray<float>("h"));
        Assert.Equal([3.0, -0.5], file.ToArray<double>("b"));
        Assert.Equal([1, 0], file.ToArray<int>("t"));
        Assert.Equal([-1, -2], file.ToArray<int>("s"));
        Assert.Equal([32767, -32768], file.ToArray<int>("i"));
        Assert.Equal(SafetensorsDType.F8E4M3, file.Get("e").DType);
        Assert.Contains("cannot convert", Assert.Throws<SafetensorsException>(() => file.ToArray<float>("e")).Message);
        Assert.Equal(4, file.GetBytes("h").Length);
    }

    [Fact]
    public void DTypeNames_RoundTrip()
    {
        foreach (SafetensorsDType dtype in Enum.GetValues<SafetensorsDType>())
        {
            Assert.True(SafetensorsDTypeExtensions.TryParse(dtype.HeaderName(), out SafetensorsDType parsed));
            Assert.Equal(dtype, parsed);
            Assert.InRange(dtype.ElementSize(), 1, 8);
        }

        Assert.Equal("BOOL", SafetensorsDType.Bool.HeaderName());
        Assert.Equal("F8_E5M2", SafetensorsDType.F8E5M2.HeaderName());
        Assert.Equal(2, SafetensorsDType.BF16.ElementSize());
        Assert.False(SafetensorsDTypeExtensions.TryParse("Bool", out _));
    }

    private static SafetensorsWriter Writer()
    {
        var writer = new SafetensorsWriter();
        writer.Add("f", [1.5f, -2f, 3.25f, 0f, 1e-3f, 7f], 2, 3);
        writer.Add("n", [-3, 0, int.MaxValue], 3);
        return writer;
    }

    private static SafetensorsException AssertRejected(byte[] file, string message)
    {
        var error = Assert.Throws<SafetensorsException>(() => SafetensorsFile.Parse(file));
        Assert.Contains(message, error.Message);
        return error;
    }

    /// <summary>A file with the given header JSON (padded as the format asks) and data section.</summary>
    private static byte[] File(string json, byte[]? data = null) => File(Encoding.UTF8.GetBytes(json), data ?? []);

    private static byte[] File(byte[] json, byte[] data)
    {
        int padded = (json.Length + 7) / 8 * 8;
        byte[] header = [.. json, .. Enumerable.Repeat((byte)' ', padded - json.Length)];
        return [.. Raw((ulong)header.Length, ""), .. header, .. data];
    }

    /// <summary>A length field saying <paramref name="headerLength"/> followed by <paramref name="rest"/>.</summary>
    private static byte[] Raw(ulong headerLength, string rest)
    {
        var file = new byte[8 + Encoding.UTF8.GetByteCount(rest)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength);
        Encoding.UTF8.GetBytes(rest, file.AsSpan(8));
        return file;
    }
}
