using Rnn.Generators.Model;

namespace Rnn.Generators.Emitting
{
    /// <summary>The equations each layer computes, as comments in the generated code (the course notes' names).</summary>
    internal static class Equations
    {
        public static string[] Recurrent(RecurrentSpec r) => r.Cell switch
        {
            CellKind.Lstm => new[]
            {
                "i = σ(W_ii x + b_ii + W_hi h + b_hi)        input gate",
                "f = σ(W_if x + b_if + W_hf h + b_hf)        forget gate",
                "g = tanh(W_ig x + b_ig + W_hg h + b_hg)     candidate",
                "o = σ(W_io x + b_io + W_ho h + b_ho)        output gate",
                "c' = f ⊙ c + i ⊙ g",
                "h' = o ⊙ tanh(c')",
            },
            CellKind.Gru => new[]
            {
                "r = σ(W_ir x + b_ir + W_hr h + b_hr)        reset gate",
                "z = σ(W_iz x + b_iz + W_hz h + b_hz)        update gate",
                "n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))",
                "h' = (1 − z) ⊙ n + z ⊙ h",
            },
            _ => new[]
            {
                "h' = " + (r.Activation == ActivationKind.Relu ? "relu" : "tanh") + "(W_ih x + b_ih + W_hh h + b_hh)",
            },
        };

        /// <summary>The cell with its sizes, e.g. <c>LSTM(4 → 8)</c> or <c>RNN(3 → 5, relu)</c>.</summary>
        public static string Signature(RecurrentSpec r) => r.Cell switch
        {
            CellKind.Lstm => "LSTM(" + r.Input + " → " + r.Hidden + ")",
            CellKind.Gru => "GRU(" + r.Input + " → " + r.Hidden + ")",
            _ => "RNN(" + r.Input + " → " + r.Hidden + ", " + (r.Activation == ActivationKind.Relu ? "relu" : "tanh") + ")",
        };

        public static string Dense(DenseSpec d, bool head) => d.Activation switch
        {
            ActivationKind.Linear => "y = W x + b",
            ActivationKind.Softmax => "y = softmax(W x + b)" + (head ? "        loss: cross-entropy over class ids" : ""),
            ActivationKind.Sigmoid => "y = σ(W x + b)" + (head ? "        loss: binary cross-entropy" : ""),
            ActivationKind.Tanh => "y = tanh(W x + b)",
            _ => "y = relu(W x + b)",
        } + (head && d.Activation is ActivationKind.Linear or ActivationKind.Tanh or ActivationKind.Relu ? "        loss: mean squared error" : "");
    }
}
