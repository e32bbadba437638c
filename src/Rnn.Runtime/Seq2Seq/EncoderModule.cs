using Rnn.Layers;

namespace Rnn.Seq2Seq
{
    /// <summary>One recurrent module of an encoder: a PyTorch RNN/LSTM/GRU with its own layers and directions.</summary>
    /// <param name="Cell">The cell.</param>
    /// <param name="Hidden">Hidden units per direction.</param>
    /// <param name="Layers">Stacked layers.</param>
    /// <param name="Bidirectional">Whether it reads the source both ways.</param>
    /// <param name="Merge">How the directions' outputs combine.</param>
    /// <param name="Name">Prefix of its tensors.</param>
    public readonly record struct EncoderModule(CellType Cell, int Hidden, int Layers, bool Bidirectional, Merge Merge, string Name)
    {
        /// <summary>Features per step it hands on.</summary>
        public int Output => Bidirectional && Merge == Merge.Concat ? 2 * Hidden : Hidden;
    }
}
