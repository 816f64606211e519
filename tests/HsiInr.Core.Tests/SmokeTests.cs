using HsiInr.Core.Cube;
using TorchSharp;

namespace HsiInr.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var t = torch.arange(10, dtype: torch.ScalarType.Float64);
        using var s = t.sum();
        Assert.Equal(45.0, s.item<double>());
    }

    [Fact]
    public void CubeIndexIsBandInterleavedByPixel()
    {
        var cube = new HsiCube("t", 2, 3, 4, new float[24]);
        cube[1, 2, 3] = 7f;
        Assert.Equal(7f, cube.Data[(1 * 3 + 2) * 4 + 3]);
    }
}
