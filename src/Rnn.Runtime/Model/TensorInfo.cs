using System;

namespace Rnn
{
    /// <summary>One tensor of a model's flat parameter block: its PyTorch name, where it starts and its shape.</summary>
    public sealed class TensorInfo
    {
        /// <summary>Creates a tensor description.</summary>
        public TensorInfo(string name, int offset, int[] shape)
        {
            Name = name;
            Offset = offset;
            Shape = shape;
            int length = 1;
            foreach (int d in shape) length *= d;
            Length = length;
        }

        /// <summary>PyTorch's name, e.g. <c>recurrent.weight_ih_l0</c>.</summary>
        public string Name { get; }

        /// <summary>Index of the first value in the parameter block.</summary>
        public int Offset { get; }

        /// <summary>PyTorch's shape.</summary>
        public int[] Shape { get; }

        /// <summary>Number of values.</summary>
        public int Length { get; }

        /// <summary>The shape as PyTorch prints it, e.g. <c>[16, 3]</c>.</summary>
        public string ShapeText => "[" + string.Join(", ", Shape) + "]";

        /// <inheritdoc />
        public override string ToString() => Name + " " + ShapeText;
    }
}
