using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rnn
{
    /// <summary>Saves and loads a model's parameter block as safetensors under PyTorch's names and shapes.</summary>
    public static class ModelFiles
    {
        /// <summary>Writes every tensor (F32 for float models, F64 for double ones) atomically: the old file stays intact until the new one is complete.</summary>
        public static void Save<T>(string path, ReadOnlySpan<T> parameters, IReadOnlyList<TensorInfo> tensors)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var writer = new SafetensorsWriter();
            foreach (var tensor in tensors)
            {
                var values = parameters.Slice(tensor.Offset, tensor.Length);
                if (typeof(T) == typeof(float)) writer.Add(tensor.Name, MemoryMarshal.Cast<T, float>(values), tensor.Shape);
                else writer.Add(tensor.Name, MemoryMarshal.Cast<T, double>(values), tensor.Shape);
            }
            writer.Save(path);
        }

        /// <summary>
        /// Copies every tensor of the model from <paramref name="file"/>. Other tensors in the file are ignored. When a
        /// tensor is missing, has another shape or is not floating point, throws <see cref="SafetensorsException"/> naming it
        /// and the expected shape, and leaves <paramref name="parameters"/> unchanged.
        /// </summary>
        public static void Load<T>(SafetensorsFile file, Span<T> parameters, IReadOnlyList<TensorInfo> tensors)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            foreach (var tensor in tensors)
            {
                if (!file.TryGet(tensor.Name, out var info))
                    throw new SafetensorsException($"Tensor '{tensor.Name}' is missing: the model expects it with shape {tensor.ShapeText}.", tensor.Name);
                if (!SameShape(info.Shape, tensor.Shape))
                    throw new SafetensorsException(
                        $"Tensor '{tensor.Name}' has shape [{string.Join(", ", info.Shape)}], but the model expects {tensor.ShapeText}.", tensor.Name);
                if (info.DType is not (SafetensorsDType.F32 or SafetensorsDType.F64))
                    throw new SafetensorsException($"Tensor '{tensor.Name}' is {info.DType}; the model expects F32 or F64 values.", tensor.Name);
            }
            var staged = new T[parameters.Length];
            foreach (var tensor in tensors) file.CopyTo(tensor.Name, staged.AsSpan(tensor.Offset, tensor.Length));
            staged.CopyTo(parameters);
        }

        private static bool SameShape(int[] a, int[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }
    }
}
