namespace Rnn.Layers
{
    /// <summary>The recurrent cell a <see cref="RecurrentBlock{T}"/> runs.</summary>
    public enum CellType
    {
        /// <summary>h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
        RnnTanh,
        /// <summary>h' = relu(W_ih x + b_ih + W_hh h + b_hh).</summary>
        RnnRelu,
        /// <summary>LSTM, gates [i|f|g|o].</summary>
        Lstm,
        /// <summary>GRU, gates [r|z|n].</summary>
        Gru,
    }

    internal static class CellTypeExtensions
    {
        public static int Gates(this CellType cell) => cell switch
        {
            CellType.Lstm => 4,
            CellType.Gru => 3,
            _ => 1,
        };
    }
}
