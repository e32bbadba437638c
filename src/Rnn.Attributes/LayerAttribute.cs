using System;

namespace Rnn
{
    /// <summary>Base of every layer attribute. Layers run in the order their attributes are written.</summary>
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>Prefix of this layer's tensors in safetensors files (<c>{Name}.weight</c>). Defaults: <c>embedding</c>, <c>recurrent</c>, <c>dense</c> (then <c>recurrent_1</c>, <c>dense_1</c>, … for later layers of the same kind).</summary>
        public string? Name { get; set; }
    }

    /// <summary>Base of the recurrent layer attributes.</summary>
    public abstract class RecurrentAttribute : LayerAttribute
    {
        /// <summary>Creates a recurrent layer with <paramref name="hidden"/> units per direction.</summary>
        protected RecurrentAttribute(int hidden) => Hidden = hidden;

        /// <summary>Hidden units per direction (PyTorch's <c>hidden_size</c>).</summary>
        public int Hidden { get; }

        /// <summary>Stacked layers (PyTorch's <c>num_layers</c>). Layer k &gt; 0 reads D·H features.</summary>
        public int Layers { get; set; } = 1;

        /// <summary>
        /// PyTorch's <c>dropout</c>: inverted dropout on the outputs of every stacked layer but the last, while the model's
        /// <c>Training</c> is on. In [0, 1); needs <see cref="Layers"/> &gt; 1.
        /// </summary>
        public float Dropout { get; set; }

        /// <summary>
        /// Keras' <c>recurrent_dropout</c>: inverted dropout on h_{t−1} where it meets W_hh, one mask per sequence and layer
        /// kept for every step, while the model's <c>Training</c> is on. In [0, 1).
        /// </summary>
        public float RecurrentDropout { get; set; }
    }
}
