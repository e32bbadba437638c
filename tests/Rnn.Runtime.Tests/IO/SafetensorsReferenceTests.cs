using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Rnn.Tests;

/// <summary>Reads the PyTorch-made reference cases in <c>../shared/reference</c> beside the repository.</summary>
public class SafetensorsReferenceTests
{
    public static TheoryData<string> Files => new(Directory.GetFiles(ReferenceDirectory(), "*.safetensors").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryReferenceFile_Parses_AndEveryTensorConverts(string fileName)
    {
        string path = Path.Combine(ReferenceDirectory(), fileName);
        SafetensorsFile file = SafetensorsFile.Read(path);

        using JsonDocument config = JsonDocument.Parse(file.Metadata["config"]);
        Assert.Equal(JsonValueKind.Object, config.RootElement.ValueKind);
        Assert.Contains(file.Tensors, t => t.Name == "loss");
        Assert.Contains(file.Tensors, t => t.Name == "lengths");
        foreach (SafetensorsTensorInfo tensor in file.Tensors)
        {
            Assert.True(tensor.DType is SafetensorsDType.F32 or SafetensorsDType.I32, tensor.ToString());
            Assert.Equal(tensor.Shape.Aggregate(1L, (a, b) => a * b), tensor.ElementCount);
            double[] values = file.ToArray<double>(tensor.Name);
            Assert.Equal(tensor.ElementCount, values.Length);
            Assert.All(values, v => Assert.True(double.IsFinite(v)));
        }

        int batch = file.Get("lengths").Shape[0];
        Assert.All(file.ToArray<int>("lengths"), length => Assert.InRange(length, 1, config.RootElement.GetProperty("steps").GetInt32()));
        Assert.Equal(batch, config.RootElement.GetProperty("batch").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Writer_ReproducesEveryReferenceFile_ByteForByte(string fileName)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(ReferenceDirectory(), fileName));
        SafetensorsFile file = SafetensorsFile.Parse(original);

        var writer = new SafetensorsWriter();
        foreach ((string key, string value) in file.Metadata)
        {
            writer.Metadata[key] = value;
        }

        foreach (SafetensorsTensorInfo tensor in file.Tensors)
        {
            if (tensor.DType == SafetensorsDType.I32)
            {
                writer.Add(tensor.Name, file.ToArray<int>(tensor.Name), tensor.Shape);
            }
            else
            {
                writer.Add(tensor.Name, file.ToArray<float>(tensor.Name), tensor.Shape);
            }
        }

        Assert.Equal(original, writer.ToArray());
    }

    [Fact]
    public void LstmMse_HoldsPyTorchsNamesShapesAndConfig()
    {
        SafetensorsFile file = SafetensorsFile.Read(Path.Combine(ReferenceDirectory(), "lstm_mse.safetensors"));

        SafetensorsTensorInfo weights = file.Get("recurrent.weight_ih_l0");
        Assert.Equal(SafetensorsDType.F32, weights.DType);
        Assert.Equal([16, 3], weights.Shape);
        Assert.Equal(48, weights.ElementCount);
        Assert.Equal(48 * 4, weights.ByteLength);
        Assert.Equal("recurrent.weight_ih_l0 F32 [16, 3]", weights.ToString());
        Assert.Equal([16, 4], file.Get("recurrent.weight_hh_l0").Shape);
        Assert.Equal([2, 4], file.Get("dense.weight").Shape);
        Assert.Equal([2, 5, 3], file.Get("input").Shape);
        Assert.Equal([5, 5], file.ToArray<int>("lengths"));
        Assert.Equal([1], file.Get("loss").Shape);
        Assert.True(file.Contains("grad.input"));
        Assert.False(file.Contains("embedding.weight"));

        using JsonDocument config = JsonDocument.Parse(file.Metadata["config"]);
        Assert.Equal("lstm", config.RootElement.GetProperty("cell").GetString());
        Assert.Equal(4, config.RootElement.GetProperty("hidden").GetInt32());

        float[] asFloat = file.ToArray<float>("recurrent.weight_ih_l0");
        double[] asDouble = file.ToArray<double>("recurrent.weight_ih_l0");
        Assert.Equal(asFloat.Select(x => (double)x), asDouble);
        Assert.All(asFloat, w => Assert.InRange(w, -0.6f, 0.6f));   // the cases draw weights from U(−0.6, 0.6)
    }

    /// <summary><c>../shared/reference</c> relative to the repository root (the folder holding RnnGen.sln).</summary>
    internal static string ReferenceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RnnGen.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "reference"));
            }
        }

        throw new DirectoryNotFoundException($"No RnnGen.sln above {AppContext.BaseDirectory}.");
    }
}
