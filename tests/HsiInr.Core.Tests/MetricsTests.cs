using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Tests;

public class MetricsTests
{
    [Fact]
    public void PsnrUsesTheReferenceRangeAndAllSamples()
    {
        var reference = new HsiCube("ref", 1, 2, 2, [0f, 10f, 100f, 50f]);
        var test = new HsiCube("test", 1, 2, 2, [1f, 10f, 100f, 49f]);
        var q = QualityMetrics.Compare(reference, test);
        double mse = (1 + 0 + 0 + 1) / 4.0;
        Assert.Equal(mse, q.Mse, 12);
        Assert.Equal(10 * Math.Log10(100.0 * 100.0 / mse), q.Psnr, 9);
        Assert.Equal(1.0, q.MaxAbsError);
        Assert.Equal(Math.Sqrt(mse), q.Rmse, 12);
        // Band 0 spans 0..100 with MSE 0.5; band 1 spans 10..50 with MSE 0.5.
        double expectedMean = (10 * Math.Log10(100.0 * 100 / 0.5) + 10 * Math.Log10(40.0 * 40 / 0.5)) / 2;
        Assert.Equal(expectedMean, q.MeanBandPsnr, 9);
    }

    [Fact]
    public void SpectralAngleIgnoresScaleAndMeasuresDirection()
    {
        var reference = new HsiCube("r", 1, 1, 2, [1f, 0f]);
        Assert.Equal(0, QualityMetrics.Compare(reference, new HsiCube("s", 1, 1, 2, [3f, 0f])).SamDegrees, 9);
        Assert.Equal(45, QualityMetrics.Compare(reference, new HsiCube("t", 1, 1, 2, [1f, 1f])).SamDegrees, 9);
    }

    [Fact]
    public void IdenticalCubesHaveInfinitePsnr() =>
        Assert.True(double.IsPositiveInfinity(QualityMetrics.Compare(CodecTestData.SmoothCube(), CodecTestData.SmoothCube()).Psnr));

    [Fact]
    public void ShapeMismatchIsAClearError()
    {
        var e = Assert.Throws<HsiException>(() => QualityMetrics.Compare(CodecTestData.SmoothCube(8, 8, 4), CodecTestData.SmoothCube(8, 8, 5)));
        Assert.Equal(HsiErrorKind.ShapeMismatch, e.Kind);
        Assert.Contains("8×8×5", e.Message);
    }
}
