using System.Collections.Generic;
using System.Globalization;
using Rnn.Layers;

namespace Rnn
{
    /// <summary>Builds a parameter block's tensor table in order: each tensor starts where the previous one ended.</summary>
    internal sealed class TensorTable
    {
        private readonly List<TensorInfo> _tensors = new();

        /// <summary>Where the next tensor starts (the block's size so far).</summary>
        public int Offset { get; private set; }

        public void Add(string name, params int[] shape)
        {
            var tensor = new TensorInfo(name, Offset, shape);
            _tensors.Add(tensor);
            Offset += tensor.Length;
        }

        /// <summary>
        /// PyTorch's nn.RNN/LSTM/GRU tensors in its state_dict order: per layer and direction <c>weight_ih</c>,
        /// <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c> with the suffix <c>_l{k}</c> (and <c>_reverse</c>).
        /// </summary>
        public void AddRecurrent(string prefix, CellType cell, int input, int hidden, int layers, int directions)
        {
            int g = cell.Gates() * hidden;
            for (int l = 0; l < layers; l++)
            {
                for (int d = 0; d < directions; d++)
                {
                    string suffix = "_l" + l.ToString(CultureInfo.InvariantCulture) + (d == 1 ? "_reverse" : "");
                    Add(prefix + ".weight_ih" + suffix, g, l == 0 ? input : directions * hidden);
                    Add(prefix + ".weight_hh" + suffix, g, hidden);
                    Add(prefix + ".bias_ih" + suffix, g);
                    Add(prefix + ".bias_hh" + suffix, g);
                }
            }
        }

        public TensorInfo[] ToArray() => _tensors.ToArray();
    }
}
