using System;
using System.Collections.Generic;
using System.Numerics;

namespace Rnn
{
    /// <summary>
    /// A PyTorch reference case: weights under PyTorch names, a batch (<c>input</c> [B, T, I] or <c>tokens</c> [B, T]),
    /// <c>lengths</c> [B], <c>target</c>, the head's pre-activation <c>output</c>, <c>loss</c> [1], <c>grad.&lt;param&gt;</c>
    /// and <c>grad.input</c> for float inputs. tools/export_reference.py writes them.
    /// </summary>
    public sealed class ReferenceCase
    {
        private ReferenceCase(string path, SafetensorsFile file)
        {
            Path = path;
            File = file;
            var batchTensor = file.Contains("tokens") ? file.Get("tokens") : file.Get("input");
            if (batchTensor.Shape.Length < 2)
                throw new SafetensorsException($"'{batchTensor.Name}' must be [batch, steps, …], but its shape is [{string.Join(", ", batchTensor.Shape)}].", batchTensor.Name);
            Batch = batchTensor.Shape[0];
            Steps = batchTensor.Shape[1];
            Lengths = file.Contains("lengths") ? file.ToArray<int>("lengths") : Array.Empty<int>();
        }

        /// <summary>Reads a reference file.</summary>
        public static ReferenceCase Read(string path) => new(path, SafetensorsFile.Read(path));

        /// <summary>Where the case was read from.</summary>
        public string Path { get; }

        /// <summary>The whole file.</summary>
        public SafetensorsFile File { get; }

        /// <summary>Sequences in the batch.</summary>
        public int Batch { get; }

        /// <summary>Steps per sequence (padded).</summary>
        public int Steps { get; }

        /// <summary>Each sequence's length (empty: all full).</summary>
        public int[] Lengths { get; }

        /// <summary>Token ids [B, T].</summary>
        public int[] Tokens => File.ToArray<int>("tokens");

        /// <summary>Float inputs [B, T, I].</summary>
        public T[] Input<T>() where T : unmanaged => File.ToArray<T>("input");

        /// <summary>Class-id targets.</summary>
        public int[] TargetClasses => File.ToArray<int>("target");

        /// <summary>Float targets.</summary>
        public T[] Target<T>() where T : unmanaged => File.ToArray<T>("target");

        /// <summary>
        /// Compares a model's logits (0 at padding), loss, parameter gradients and input gradients with the case's.
        /// Padded output rows are left out, as their values mean nothing.
        /// </summary>
        public ReferenceReport Compare<T>(ReadOnlySpan<T> logits, T loss, ReadOnlySpan<T> gradients, IReadOnlyList<TensorInfo> tensors,
            ReadOnlySpan<T> inputGradients, double tolerance)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var report = new ReferenceReport(Path, tolerance);
            var expected = File.ToArray<double>("output");
            var actual = ToDouble(logits);
            var outputShape = File.Get("output").Shape;
            if (outputShape.Length == 3 && Lengths.Length == Batch)
            {
                int steps = outputShape[1], units = outputShape[2];
                for (int b = 0; b < Batch; b++)
                {
                    int from = (b * steps + Lengths[b]) * units, count = (steps - Lengths[b]) * units;
                    Array.Clear(expected, from, count);
                    if (from + count <= actual.Length) Array.Clear(actual, from, count);
                }
            }
            report.Add("output", actual, expected);
            report.Add("loss", new[] { double.CreateChecked(loss) }, File.ToArray<double>("loss"));
            foreach (var tensor in tensors)
            {
                string name = "grad." + tensor.Name;
                if (File.Contains(name)) report.Add(name, ToDouble(gradients.Slice(tensor.Offset, tensor.Length)), File.ToArray<double>(name));
                else report.Missing(name);
            }
            if (File.Contains("grad.input") && !inputGradients.IsEmpty)
                report.Add("grad.input", ToDouble(inputGradients), File.ToArray<double>("grad.input"));
            return report;
        }

        private static double[] ToDouble<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = double.CreateChecked(values[i]);
            return result;
        }
    }
}
