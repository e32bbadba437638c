using Rnn;

namespace AmpModelSample;

/// <summary>A guitar-amp-like effect learned from examples: one float in, one float out, per sample.</summary>
[RnnModel(Input = 1)]   // many-to-many (Returns.Sequence) is the default
[Lstm(16)]
[Dense(1)]              // linear head → mean squared error
public partial class AmpModel { }
