using System;

namespace Rnn;

/// <summary>
/// The element types of the safetensors format, named as they are written in a file's header.
/// <see cref="SafetensorsFile.CopyTo{T}(string, Span{T})"/> converts all of them except the 8-bit floats.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>Boolean, one byte (0 or 1); header name <c>BOOL</c>.</summary>
    Bool,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>8-bit float with 5 exponent and 2 mantissa bits; header name <c>F8_E5M2</c>.</summary>
    F8E5M2,
    /// <summary>8-bit float with 4 exponent and 3 mantissa bits; header name <c>F8_E4M3</c>.</summary>
    F8E4M3,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>IEEE 754 half precision float.</summary>
    F16,
    /// <summary>bfloat16: the upper 16 bits of an IEEE 754 single precision float.</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>IEEE 754 single precision float.</summary>
    F32,
    /// <summary>IEEE 754 double precision float.</summary>
    F64,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>Sizes and header names of <see cref="SafetensorsDType"/> values.</summary>
public static class SafetensorsDTypeExtensions
{
    // Indexed by the enum's value.
    private static readonly string[] HeaderNames =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    private static readonly int[] ElementSizes = [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8];

    /// <summary>The size of one element in bytes.</summary>
    /// <param name="dtype">The element type.</param>
    public static int ElementSize(this SafetensorsDType dtype) => ElementSizes[Index(dtype)];

    /// <summary>The name written in a file's header, e.g. <c>F32</c> or <c>F8_E4M3</c>.</summary>
    /// <param name="dtype">The element type.</param>
    public static string HeaderName(this SafetensorsDType dtype) => HeaderNames[Index(dtype)];

    /// <summary>Parses a header name (case-sensitive, as the format specifies).</summary>
    /// <param name="headerName">The name as written in a header, e.g. <c>F32</c>.</param>
    /// <param name="dtype">The element type, when the name is known.</param>
    /// <returns>Whether the name is a known dtype.</returns>
    public static bool TryParse(string headerName, out SafetensorsDType dtype)
    {
        int index = Array.IndexOf(HeaderNames, headerName);
        dtype = (SafetensorsDType)Math.Max(index, 0);
        return index >= 0;
    }

    private static int Index(SafetensorsDType dtype) =>
        (uint)dtype < (uint)HeaderNames.Length
            ? (int)dtype
            : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype.");
}
