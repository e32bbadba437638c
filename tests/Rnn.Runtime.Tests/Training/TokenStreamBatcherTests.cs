using System;
using System.Collections.Generic;
using System.Linq;

namespace Rnn.Tests;

public class TokenStreamBatcherTests
{
    private static int[] Text(int n) => Enumerable.Range(0, n).Select(i => (i * 7919) % 1000).ToArray();

    [Fact]
    public void Sizes_FollowTheStreams()
    {
        var batcher = new TokenStreamBatcher(Text(103), batch: 3, steps: 4);
        Assert.Equal((3, 4, 34, 8, 0), (batcher.Batch, batcher.Steps, batcher.StreamLength, batcher.ChunksPerEpoch, batcher.Position));
    }

    [Fact]
    public void ChunksOfAStream_ConcatenateToItsSlice_AndTargetsAreShifted()
    {
        int[] text = Text(103);
        var batcher = new TokenStreamBatcher(text, batch: 3, steps: 4);
        var inputs = new int[12];
        var targets = new int[12];
        var streams = new List<int>[] { [], [], [] };
        var shifted = new List<int>[] { [], [], [] };
        for (int k = 0; k < batcher.ChunksPerEpoch; k++)
        {
            batcher.Next(inputs, targets);
            for (int b = 0; b < 3; b++)
            {
                streams[b].AddRange(inputs.Skip(b * 4).Take(4));
                shifted[b].AddRange(targets.Skip(b * 4).Take(4));
            }
        }

        for (int b = 0; b < 3; b++)
        {
            Assert.Equal(text.Skip(b * 34).Take(32), streams[b]);
            Assert.Equal(text.Skip((b * 34) + 1).Take(32), shifted[b]);
        }
    }

    [Fact]
    public void WrapFlag_IsTrueOnChunkZero_AndTheSecondEpochRepeatsTheFirst()
    {
        var batcher = new TokenStreamBatcher(Text(103), batch: 3, steps: 4);
        var inputs = new int[12];
        var targets = new int[12];
        var flags = new List<bool>();
        var first = new List<int[]>();
        for (int call = 0; call < 17; call++)
        {
            flags.Add(batcher.Next(inputs, targets));
            if (call < 8)
            {
                first.Add((int[])inputs.Clone());
            }
            else if (call < 16)
            {
                Assert.Equal(first[call - 8], inputs);
            }
        }

        Assert.Equal([true, false, false, false, false, false, false, false, true, false, false, false, false, false, false, false, true], flags);
        Assert.Equal(1, batcher.Position);
    }

    [Fact]
    public void Seek_ResumesAtTheSameChunk()
    {
        int[] text = Text(500);
        var straight = new TokenStreamBatcher(text, 4, 7);
        var inputs = new int[28];
        var targets = new int[28];
        for (int i = 0; i < 11; i++)
        {
            straight.Next(inputs, targets);
        }

        var resumed = new TokenStreamBatcher(text, 4, 7);
        resumed.Seek(straight.Position);
        var inputs2 = new int[28];
        var targets2 = new int[28];
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(straight.Next(inputs, targets), resumed.Next(inputs2, targets2));
            Assert.Equal(inputs, inputs2);
            Assert.Equal(targets, targets2);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => resumed.Seek(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => resumed.Seek(resumed.ChunksPerEpoch));
    }

    [Fact]
    public void TinyTexts_Throw_NamingTheTextAndTheMinimum()
    {
        var e = Assert.Throws<ArgumentException>(() => new TokenStreamBatcher(Text(14), batch: 3, steps: 4));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("15", e.Message);
        Assert.Throws<ArgumentException>(() => new TokenStreamBatcher(Array.Empty<int>(), 1, 1));

        var smallest = new TokenStreamBatcher(Text(15), batch: 3, steps: 4);   // exactly B·(T+1): one chunk
        Assert.Equal(1, smallest.ChunksPerEpoch);
        var inputs = new int[12];
        var targets = new int[12];
        Assert.True(smallest.Next(inputs, targets));
        Assert.True(smallest.Next(inputs, targets));
        Assert.Equal(Text(15)[11..15], targets[8..]);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenStreamBatcher(Text(100), 0, 4)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => new TokenStreamBatcher(Text(100), 2, 0)).ParamName);
        var batcher = new TokenStreamBatcher(Text(100), 2, 4);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => batcher.Next(new int[7], new int[8])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => batcher.Next(new int[8], new int[9])).ParamName);
        Assert.Equal(0, batcher.Position);
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var batcher = new TokenStreamBatcher(Text(10000), 16, 32);
        var inputs = new int[16 * 32];
        var targets = new int[16 * 32];
        SteadyState.AssertAllocatesNothing(() => batcher.Next(inputs, targets));
    }
}
