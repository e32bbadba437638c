using Rnn;

namespace StreamingAot;

// The trained weights, baked into the assembly: StreamingAot.csproj declares <RnnGenWeights Include="amp.safetensors" />,
// and the generator adds AmpModel.FromEmbeddedWeights() / LoadEmbeddedWeights(), which read the manifest resource.
[Weights("amp.safetensors")]
public partial class AmpModel { }
