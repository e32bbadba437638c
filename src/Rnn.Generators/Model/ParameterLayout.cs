using System.Collections.Generic;

namespace Rnn.Generators.Model
{
    /// <summary>One tensor in the flat parameter block: PyTorch name, shape and offset.</summary>
    internal sealed record TensorSlot(string Name, int[] Shape, long Offset)
    {
        public long Length
        {
            get
            {
                long n = 1;
                foreach (int d in Shape) n *= d;
                return n;
            }
        }
    }

    /// <summary>
    /// Lays the parameters out in one block, in PyTorch's state_dict order: embedding.weight;
    /// per recurrent module, per layer, per direction weight_ih, weight_hh, bias_ih, bias_hh; per dense weight, bias.
    /// </summary>
    internal static class ParameterLayout
    {
        public static long Count(ModelSpec spec)
        {
            long total = 0;
            foreach (var slot in Slots(spec)) total += slot.Length;
            return total;
        }

        public static List<TensorSlot> Slots(ModelSpec spec)
        {
            var slots = new List<TensorSlot>();
            long offset = 0;
            void Add(string name, params int[] shape)
            {
                var slot = new TensorSlot(name, shape, offset);
                slots.Add(slot);
                offset += slot.Length;
            }

            if (spec.Input.Kind == InputKind.Embedding)
                Add(spec.Input.Name + ".weight", spec.Input.Size, spec.Input.Dim);
            foreach (var r in spec.Recurrent)
            {
                for (int layer = 0; layer < r.Layers; layer++)
                {
                    for (int d = 0; d < r.Directions; d++)
                    {
                        string suffix = "_l" + layer + (d == 1 ? "_reverse" : "");
                        Add(r.Name + ".weight_ih" + suffix, r.Gates * r.Hidden, r.LayerInput(layer));
                        Add(r.Name + ".weight_hh" + suffix, r.Gates * r.Hidden, r.Hidden);
                        Add(r.Name + ".bias_ih" + suffix, r.Gates * r.Hidden);
                        Add(r.Name + ".bias_hh" + suffix, r.Gates * r.Hidden);
                    }
                }
            }
            foreach (var d in spec.Dense)
            {
                Add(d.Name + ".weight", d.Units, d.Input);
                Add(d.Name + ".bias", d.Units);
            }
            return slots;
        }
    }
}
