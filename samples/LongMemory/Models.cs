using Rnn;

namespace LongMemorySample;

// The three contenders, one declaration each per hidden size: sizes are compile-time constants in RnnGen, so
// --hidden picks one of the sizes declared here. Many-to-one: the head reads the last hidden state only.

[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [SimpleRnn(16)] [Dense(1)] public partial class VanillaAdder16 { }
[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [Gru(16)] [Dense(1)] public partial class GruAdder16 { }
[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [Lstm(16)] [Dense(1)] public partial class LstmAdder16 { }

[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [SimpleRnn(32)] [Dense(1)] public partial class VanillaAdder32 { }
[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [Gru(32)] [Dense(1)] public partial class GruAdder32 { }
[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [Lstm(32)] [Dense(1)] public partial class LstmAdder32 { }

[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [SimpleRnn(64)] [Dense(1)] public partial class VanillaAdder64 { }
[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [Gru(64)] [Dense(1)] public partial class GruAdder64 { }
[RnnModel(Input = AddingProblem.Features, Returns = Returns.Last)] [Lstm(64)] [Dense(1)] public partial class LstmAdder64 { }

/// <summary>Builds the three contenders for a hidden size, each behind the uniform <see cref="Contender"/> face.</summary>
public static class Models
{
    /// <summary>The hidden sizes declared above.</summary>
    public static readonly int[] HiddenSizes = [16, 32, 64];

    /// <summary>Vanilla RNN, GRU and LSTM with <paramref name="hidden"/> units, initialised from <paramref name="seed"/>.</summary>
    public static Contender[] Create(int hidden, int seed) => hidden switch
    {
        16 => Trio(new VanillaAdder16(seed), new GruAdder16(seed), new LstmAdder16(seed)),
        32 => Trio(new VanillaAdder32(seed), new GruAdder32(seed), new LstmAdder32(seed)),
        64 => Trio(new VanillaAdder64(seed), new GruAdder64(seed), new LstmAdder64(seed)),
        _ => throw new System.ArgumentOutOfRangeException(nameof(hidden), hidden, $"hidden must be one of {string.Join(", ", HiddenSizes)}."),
    };

    // The generated classes share IRnnModel<float>, which has no Forward/Backward/InputGradients, so each
    // contender is built from its model's own members.
    private static Contender[] Trio(VanillaAdder16 rnn, GruAdder16 gru, LstmAdder16 lstm) =>
    [
        new("vanilla RNN", rnn, rnn.Forward, rnn.Backward, () => rnn.InputGradients),
        new("GRU", gru, gru.Forward, gru.Backward, () => gru.InputGradients),
        new("LSTM", lstm, lstm.Forward, lstm.Backward, () => lstm.InputGradients),
    ];

    private static Contender[] Trio(VanillaAdder32 rnn, GruAdder32 gru, LstmAdder32 lstm) =>
    [
        new("vanilla RNN", rnn, rnn.Forward, rnn.Backward, () => rnn.InputGradients),
        new("GRU", gru, gru.Forward, gru.Backward, () => gru.InputGradients),
        new("LSTM", lstm, lstm.Forward, lstm.Backward, () => lstm.InputGradients),
    ];

    private static Contender[] Trio(VanillaAdder64 rnn, GruAdder64 gru, LstmAdder64 lstm) =>
    [
        new("vanilla RNN", rnn, rnn.Forward, rnn.Backward, () => rnn.InputGradients),
        new("GRU", gru, gru.Forward, gru.Backward, () => gru.InputGradients),
        new("LSTM", lstm, lstm.Forward, lstm.Backward, () => lstm.InputGradients),
    ];
}
