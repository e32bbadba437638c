using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rnn;

/// <summary>Converts a tensor's little-endian stored bytes to float, double, int or long elements.</summary>
internal static class SafetensorsConversion
{
    /// <summary>The C# name of a supported element type, for messages.</summary>
    private static string Describe<T>() =>
        typeof(T) == typeof(float) ? "float" : typeof(T) == typeof(double) ? "double" : typeof(T) == typeof(int) ? "int" : "long";

    /// <summary>Converts <paramref name="source"/>, which holds exactly <paramref name="destination"/>'s elements.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, int or long.</exception>
    /// <exception cref="SafetensorsException">The stored values cannot be represented as <typeparamref name="T"/>.</exception>
    internal static void Convert<T>(SafetensorsTensorInfo info, ReadOnlySpan<byte> source, Span<T> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Convert(info, source, MemoryMarshal.Cast<T, float>(destination), SafetensorsDType.F32);
        }
        else if (typeof(T) == typeof(double))
        {
            Convert(info, source, MemoryMarshal.Cast<T, double>(destination), SafetensorsDType.F64);
        }
        else if (typeof(T) == typeof(int))
        {
            Convert(info, source, MemoryMarshal.Cast<T, int>(destination), SafetensorsDType.I32);
        }
        else if (typeof(T) == typeof(long))
        {
            Convert(info, source, MemoryMarshal.Cast<T, long>(destination), SafetensorsDType.I64);
        }
        else
        {
            throw new NotSupportedException("Tensors can be read as float, double, int or long.");
        }
    }

    private static void Convert<T>(SafetensorsTensorInfo info, ReadOnlySpan<byte> s, Span<T> d, SafetensorsDType same)
        where T : unmanaged, INumber<T>
    {
        if (info.DType == same && BitConverter.IsLittleEndian)
        {
            s.CopyTo(MemoryMarshal.AsBytes(d));
            return;
        }

        bool storedFloating = info.DType is SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F32 or SafetensorsDType.F64;
        if (storedFloating && (typeof(T) == typeof(int) || typeof(T) == typeof(long)))
        {
            throw SafetensorsException.ForTensor(
                info.Name,
                $"it holds {info.DType.HeaderName()} values, which cannot be read as {Describe<T>()} without losing their fractions.");
        }

        try
        {
            Widen(info, s, d);
        }
        catch (OverflowException e)
        {
            throw SafetensorsException.ForTensor(info.Name, $"it holds {info.DType.HeaderName()} values out of the range of {Describe<T>()}.", e);
        }
    }

    private static void Widen<T>(SafetensorsTensorInfo info, ReadOnlySpan<byte> s, Span<T> d)
        where T : INumber<T>
    {
        switch (info.DType)
        {
            case SafetensorsDType.Bool or SafetensorsDType.U8:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(s[i]);
                break;
            case SafetensorsDType.I8:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked((sbyte)s[i]);
                break;
            case SafetensorsDType.I16:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadInt16LittleEndian(s[(2 * i)..]));
                break;
            case SafetensorsDType.U16:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]));
                break;
            case SafetensorsDType.F16:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked((float)BinaryPrimitives.ReadHalfLittleEndian(s[(2 * i)..]));
                break;
            case SafetensorsDType.BF16:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]) << 16));
                break;
            case SafetensorsDType.I32:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadInt32LittleEndian(s[(4 * i)..]));
                break;
            case SafetensorsDType.U32:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadUInt32LittleEndian(s[(4 * i)..]));
                break;
            case SafetensorsDType.F32:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadSingleLittleEndian(s[(4 * i)..]));
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadDoubleLittleEndian(s[(8 * i)..]));
                break;
            case SafetensorsDType.I64:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadInt64LittleEndian(s[(8 * i)..]));
                break;
            case SafetensorsDType.U64:
                for (int i = 0; i < d.Length; i++) d[i] = T.CreateChecked(BinaryPrimitives.ReadUInt64LittleEndian(s[(8 * i)..]));
                break;
            default:
                throw SafetensorsException.ForTensor(info.Name, $"it holds {info.DType.HeaderName()} values, which this library cannot convert.");
        }
    }
}
