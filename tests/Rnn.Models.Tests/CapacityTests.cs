using System;

namespace Rnn.Models.Tests
{
    [RnnModel(Input = 1)]
    [Lstm(256)]
    [Dense(1)]
    public partial class WideLstm { }

    /// <summary>A batch whose workspaces would not fit in an array is refused with a clear message, before anything is allocated.</summary>
    public class CapacityTests
    {
        [Fact]
        public void Too_long_a_sequence_for_the_widest_workspace_is_refused()
        {
            var model = new WideLstm();
            int steps = Array.MaxLength / 1024 + 1;                  // gates: steps · 4·256 values > Array.MaxLength
            var inputs = new float[steps];
            var outputs = new float[steps];
            var error = Assert.Throws<ArgumentException>(() => model.Forward(inputs, 1, outputs));
            Assert.Equal("batch", error.ParamName);
            Assert.Contains("too large for this model", error.Message);
            Assert.Contains("Split the batch or the sequences", error.Message);
        }

        [Fact]
        public void A_long_sequence_that_fits_runs()
        {
            var model = new WideLstm();
            var inputs = new float[3000];
            var outputs = new float[3000];
            model.Forward(inputs, 1, outputs);
            Assert.True(float.IsFinite(outputs[^1]));
        }
    }
}
