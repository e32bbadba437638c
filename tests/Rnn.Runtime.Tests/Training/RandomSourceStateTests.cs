using System;
using System.Linq;

namespace Rnn.Tests;

public class RandomSourceStateTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]   // a pending Box–Muller value must be carried over too
    public void SetState_ContinuesTheSavedSequence(int normalsBefore)
    {
        var original = new RandomSource(77);
        original.NextUInt64();
        for (int i = 0; i < normalsBefore; i++)
        {
            original.NextNormal();
        }

        ulong[] state = original.GetState();
        Assert.Equal(6, state.Length);
        Assert.Equal((ulong)normalsBefore, state[4]);

        var copy = new RandomSource(1);
        copy.NextNormal();   // its own pending value must be replaced
        copy.SetState(state);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(original.NextNormal(), copy.NextNormal());
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(_ => original.NextUInt64()), Enumerable.Range(0, 20).Select(_ => copy.NextUInt64()));
        Assert.Equal(original.GetState(), copy.GetState());
    }

    [Fact]
    public void SetState_RejectsInvalidStates_AndKeepsItsOwn()
    {
        var random = new RandomSource(3);
        ulong[] before = random.GetState();
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => random.SetState(new ulong[5])).ParamName);
        Assert.Throws<ArgumentException>(() => random.SetState(new ulong[6]));
        Assert.Throws<ArgumentException>(() => random.SetState([1, 2, 3, 4, 2, 0]));
        Assert.Equal(before, random.GetState());
    }
}
