using System;
using System.Collections.Generic;

namespace Rnn
{
    /// <summary>What every generated model offers, whatever its layers: its parameter and gradient blocks and their layout.</summary>
    /// <typeparam name="T">float, or double for a model's Float64 twin.</typeparam>
    public interface IRnnModel<T> where T : unmanaged
    {
        /// <summary>Number of parameters.</summary>
        int ParameterCount { get; }

        /// <summary>Every parameter in one block.</summary>
        Span<T> Parameters { get; }

        /// <summary>Gradients accumulated by Backward, same layout as <see cref="Parameters"/>.</summary>
        Span<T> Gradients { get; }

        /// <summary>The tensors of the parameter block.</summary>
        IReadOnlyList<TensorInfo> Tensors { get; }

        /// <summary>Sets every gradient to zero.</summary>
        void ZeroGradients();

        /// <summary>Clears the streaming state.</summary>
        void ResetState();

        /// <summary>Saves the parameters as safetensors.</summary>
        void SaveSafetensors(string path);

        /// <summary>Loads parameters from safetensors.</summary>
        void LoadSafetensors(string path);
    }
}
