using Rnn;

namespace StreamingAot;

/// <summary>
/// A guitar-amp-like effect learned from examples: one float in, one float out, per sample. The declaration is shared
/// with Training/, which trains it and writes amp.safetensors; the app adds [Weights] in AmpModel.Weights.cs.
/// </summary>
[RnnModel(Input = 1)]   // many-to-many (Returns.Sequence) is the default; Step streams it
[Lstm(16)]
[Dense(1)]              // linear head → mean squared error
public partial class AmpModel { }
