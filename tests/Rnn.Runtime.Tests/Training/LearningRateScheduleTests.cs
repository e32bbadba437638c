using System;

namespace Rnn.Tests;

public class LearningRateScheduleTests
{
    [Fact]
    public void Constant_IsTheSameEverywhere()
    {
        var schedule = new ConstantSchedule(3e-4f);
        Assert.Equal(3e-4f, schedule.At(0));
        Assert.Equal(3e-4f, schedule.At(123456));
        Assert.Equal(3e-4f, schedule.LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.At(-1));
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(-1f)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(float.NaN)).ParamName);
    }

    [Theory]
    [InlineData(0, 0.25)]            // (0 + 1) / 4
    [InlineData(1, 0.5)]
    [InlineData(2, 0.75)]
    [InlineData(3, 1.0)]             // the last warm-up step reaches the peak
    [InlineData(4, 1.0)]             // decay starts at the peak
    [InlineData(6, 0.86819805)]      // 0.1 + 0.9 · ½ · (1 + cos(π/4))
    [InlineData(8, 0.55)]            // 0.1 + 0.9 · ½ · (1 + cos(π/2))
    [InlineData(10, 0.23180195)]     // 0.1 + 0.9 · ½ · (1 + cos(3π/4))
    [InlineData(11, 0.13425422)]     // 0.1 + 0.9 · ½ · (1 + cos(7π/8)) = 0.1 + 0.45 · 0.0761205
    [InlineData(12, 0.1)]
    [InlineData(1000, 0.1)]
    public void Cosine_MatchesHandComputedValues(int step, double expected)
    {
        var schedule = new CosineSchedule(peak: 1f, warmupSteps: 4, totalSteps: 12, minimum: 0.1f);
        Assert.Equal(expected, schedule.At(step), 6);
    }

    [Fact]
    public void Cosine_WithoutWarmup_StartsAtThePeak_AndDefaultsToZero()
    {
        var schedule = new CosineSchedule(2f, 0, 4);
        Assert.Equal(2f, schedule.At(0));
        Assert.Equal(1.7071067811865475, schedule.At(1), 6);
        Assert.Equal(1f, schedule.At(2), 6);
        Assert.Equal(0f, schedule.At(4));
        Assert.Equal(0f, schedule.At(5));
        Assert.Equal((2f, 0, 4, 0f), (schedule.Peak, schedule.WarmupSteps, schedule.TotalSteps, schedule.Minimum));
    }

    [Fact]
    public void Cosine_IsMonotoneAfterWarmup()
    {
        var schedule = new CosineSchedule(1e-3f, 100, 1000, 1e-5f);
        for (int step = 1; step < 1100; step++)
        {
            if (step < 100)
            {
                Assert.True(schedule.At(step) > schedule.At(step - 1));
            }
            else
            {
                Assert.True(schedule.At(step) <= schedule.At(step - 1));
            }
        }
    }

    [Fact]
    public void Cosine_InvalidArguments_ThrowNamingThem()
    {
        Assert.Equal("peak", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(-1f, 0, 10)).ParamName);
        Assert.Equal("warmupSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, -1, 10)).ParamName);
        Assert.Equal("totalSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 10, 5)).ParamName);
        Assert.Equal("minimum", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 0, 10, 2f)).ParamName);
        Assert.Equal("minimum", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 0, 10, -0.5f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1f, 0, 10).At(-1));
    }

    [Fact]
    public void SettingTheOptimizerEveryStep_AllocatesNothing()
    {
        LearningRateSchedule schedule = new CosineSchedule(1e-3f, 10, 100, 1e-5f);
        var adam = new Adam();
        int step = 0;
        SteadyState.AssertAllocatesNothing(() => adam.LearningRate = schedule.At(step++ % 120));
    }
}
