using System;
using System.Linq;

namespace Rnn.Tests;

public class GradientsTests
{
    [Fact]
    public void Norm_IsTheL2Norm_AccumulatedInDouble()
    {
        Assert.Equal(5f, Gradients.Norm([3f, 4f]));
        Assert.Equal(0f, Gradients.Norm(ReadOnlySpan<float>.Empty));
        Assert.Equal(13.0, Gradients.Norm([5.0, 12.0]));

        float[] values = Enumerable.Range(0, 1001).Select(i => MathF.Sin(i) * 1e-3f).ToArray();
        double expected = Math.Sqrt(values.Sum(v => (double)v * v));
        Assert.Equal((float)expected, Gradients.Norm(values), tolerance: 1e-7f);
    }

    [Fact]
    public void ClipByNorm_ScalesByMaxNormOverNormPlusEpsilon_AndReturnsTheNormBefore()
    {
        float[] g = [3f, 4f];
        float norm = Gradients.ClipByNorm(g, 1f);
        float coefficient = 1f / (5f + 1e-6f);
        Assert.Equal(5f, norm);
        Assert.Equal([3f * coefficient, 4f * coefficient], g);

        double[] d = [30.0, -40.0, 0.0];
        Assert.Equal(50.0, Gradients.ClipByNorm(d, 2.0));
        Assert.Equal([30.0 * (2.0 / (50.0 + 1e-6)), -40.0 * (2.0 / (50.0 + 1e-6)), 0.0], d);
    }

    [Fact]
    public void ClipByNorm_LeavesSmallGradientsUntouched()
    {
        float[] g = Enumerable.Range(0, 37).Select(i => MathF.Cos(i) * 0.01f).ToArray();
        float[] before = (float[])g.Clone();
        Assert.Equal(Gradients.Norm(before), Gradients.ClipByNorm(g, 1f));
        Assert.Equal(before, g);

        // norm 1, maxNorm 1.001: the coefficient is above 1, so nothing is multiplied.
        double[] d = [0.6, 0.8];
        Gradients.ClipByNorm(d, 1.0 + 1e-3);
        Assert.Equal([0.6, 0.8], d);
    }

    [Fact]
    public void ClipByNorm_OfALongVector_EndsAtMaxNorm()
    {
        float[] g = Enumerable.Range(0, 1000).Select(i => (float)(i % 17) - 8f).ToArray();
        Gradients.ClipByNorm(g, 0.5f);
        Assert.Equal(0.5f, Gradients.Norm(g), 5);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void ClipByNorm_RejectsNonPositiveMaxNorm(float maxNorm)
    {
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => Gradients.ClipByNorm(new float[2], maxNorm)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => Gradients.ClipByNorm(new double[2], maxNorm)).ParamName);
    }

    [Fact]
    public void ClipByNorm_AllocatesNothing()
    {
        float[] g = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        double[] d = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        SteadyState.AssertAllocatesNothing(() =>
        {
            Gradients.ClipByNorm(g, 1e30f);
            Gradients.ClipByNorm(d, 1e300);
        });
    }
}
