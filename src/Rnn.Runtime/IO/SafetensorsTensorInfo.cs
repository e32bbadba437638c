using System;

namespace Rnn;

/// <summary>One tensor's entry in a safetensors header: its name, element type, shape and where its bytes are.</summary>
public sealed class SafetensorsTensorInfo
{
    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, int[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name, e.g. <c>recurrent.weight_ih_l0</c>.</summary>
    public string Name { get; }

    /// <summary>The stored element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The shape, outermost dimension first; empty for a scalar. Do not modify the array.</summary>
    public int[] Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Offset of the tensor's first byte, counted from the start of the data section (after the header).</summary>
    public long DataBegin { get; }

    /// <summary>Offset one past the tensor's last byte, counted from the start of the data section.</summary>
    public long DataEnd { get; }

    /// <summary>The number of bytes the tensor's data takes.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Formats the entry as <c>name F32 [16, 3]</c>.</summary>
    public override string ToString() => $"{Name} {DType.HeaderName()} [{string.Join(", ", Shape)}]";
}
