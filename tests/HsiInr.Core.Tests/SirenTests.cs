using HsiInr.Core.Codec.Inr;
using TorchSharp;

namespace HsiInr.Core.Tests;

[Collection("Torch")]
public class SirenTests
{
    [Theory]
    [InlineData(10, 20, 224, 8120)]   // Jasper Ridge (10, 20) in the paper: 0.116 bpppb at 32 bit
    [InlineData(15, 40, 220, 31280)]  // Indian Pines (15, 40)
    [InlineData(25, 100, 224, 262600)] // Cuprite (25, 100)
    public void PaperFormulaMatchesThePublishedCounts(int layers, int width, int bands, long expected) =>
        Assert.Equal(expected, SirenNetwork.PaperParameterCount(layers, width, bands));

    [Theory]
    [InlineData(1, 8, 5)]
    [InlineData(10, 20, 198)]
    [InlineData(4, 33, 7)]
    public void ParameterCountEqualsTheModelsRealParameters(int layers, int width, int bands)
    {
        using var m = new SirenNetwork(layers, width, bands);
        long real = m.parameters().Sum(p => p.numel());
        Assert.Equal(real, SirenNetwork.ParameterCount(layers, width, bands));
        Assert.Equal(real - (layers * width + bands), SirenNetwork.PaperParameterCount(layers, width, bands));
        Assert.Equal(real, m.OrderedParameters().Sum(p => p.numel()));
    }

    [Fact]
    public void InitialisationFollowsSiren()
    {
        using var m = new SirenNetwork(3, 256, 50);
        using var g = new torch.Generator(123);
        m.InitializeSiren(g);
        var ps = m.OrderedParameters();
        // First layer: U(±1/fan_in) with fan_in = 2.
        AssertUniform(ps[0], 1.0 / 2);
        // Later layers (hidden and output): U(±√(6/fan_in)/ω0) with fan_in = 256.
        double bound = Math.Sqrt(6.0 / 256) / 30.0;
        AssertUniform(ps[2], bound);
        AssertUniform(ps[4], bound);
        AssertUniform(ps[6], bound);
    }

    private static void AssertUniform(torch.Tensor w, double bound)
    {
        var v = w.detach().data<float>().ToArray();
        Assert.All(v, x => Assert.InRange(Math.Abs(x), 0, bound * (1 + 1e-6)));
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        // U(−b, b) has standard deviation b/√3; thousands of samples land within a few percent.
        Assert.InRange(std, bound / Math.Sqrt(3) * 0.93, bound / Math.Sqrt(3) * 1.07);
        Assert.InRange(mean, -bound * 0.1, bound * 0.1);
    }

    [Fact]
    public void SearchGridHoldsThePapersWinnersAndCandidatesFitTheBudget()
    {
        Assert.Contains(15, ArchitectureSearch.Depths);
        Assert.Contains(40, ArchitectureSearch.Widths);
        Assert.Contains(10, ArchitectureSearch.Depths);
        Assert.Contains(20, ArchitectureSearch.Widths);
        Assert.Contains(25, ArchitectureSearch.Depths);
        Assert.Contains(100, ArchitectureSearch.Widths);
        var header = InrCodec.HeaderFor(CodecTestData.SmoothCube(100, 100, 198), 1);
        var c = ArchitectureSearch.Candidates(header, 0.1, Codec.Container.WeightPrecision.Single);
        Assert.NotEmpty(c);
        Assert.All(c, x => Assert.True(ArchitectureSearch.ArchiveBytes(header, x.Layers, x.Width, Codec.Container.WeightPrecision.Single) * 8.0 / header.SampleCount <= 0.1));
    }
}
