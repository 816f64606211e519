using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Tests;

/// <summary>When the compact codec tiles a scene on its own (<see cref="CompactTiling"/>).</summary>
public class CompactTilingTests
{
    private static HsiCube Blank(int height, int width, int bands) =>
        new("blank", height, width, bands, new float[(long)height * width * bands]);

    private static int? Auto(int height, int width, int bands, InrOptions o, CodecId codec = CodecId.Inr) =>
        CompactTiling.AutoTileSize(Blank(height, width, bands), codec, o);

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.2)]
    [InlineData(0.4)]
    public void ALargeSceneWithEnoughRateIsCutIntoTilesOneTrunkFitsWell(double bpppb)
    {
        Assert.Equal(CompactTiling.MaxTrunkSide, Auto(150, 150, 188, new InrOptions { Bpppb = bpppb }));
        // What the cmdlet then codes: four 75 × 75 tiles.
        var tiles = TileGrid.Plan(150, 150, 188, Auto(150, 150, 188, new InrOptions { Bpppb = bpppb }))!;
        Assert.Equal(4, tiles.Count);
        Assert.All(tiles, t => Assert.Equal((75, 75), (t.Width, t.Height)));
    }

    [Theory]
    [InlineData(0.025)]
    [InlineData(0.05)]
    public void ALowRateKeepsTheSceneWholeBecauseTileTrunksWouldBeTooNarrow(double bpppb) =>
        Assert.Null(Auto(150, 150, 188, new InrOptions { Bpppb = bpppb }));

    [Fact]
    public void ScenesOneTrunkFitsWellStayWhole()
    {
        Assert.Null(Auto(100, 100, 198, new InrOptions { Bpppb = 0.4 }));
        Assert.Null(Auto(100, 101, 198, new InrOptions { Bpppb = 0.4 }));   // no slivers just past 100
        Assert.Null(Auto(120, 125, 198, new InrOptions { Bpppb = 0.4 }));   // 15,000 pixels: the limit itself
        Assert.NotNull(Auto(120, 126, 198, new InrOptions { Bpppb = 0.4 }));
    }

    [Fact]
    public void OnlyTheCompactRateDrivenFitTilesOnItsOwn()
    {
        Assert.Null(Auto(150, 150, 188, new InrOptions { Bpppb = 0.2, Recipe = InrRecipe.Paper }));
        Assert.Null(Auto(150, 150, 188, new InrOptions { Layers = 6, Width = 64 }));               // a fixed trunk
        Assert.Null(Auto(150, 150, 188, new InrOptions { Bpppb = 0.2 }, CodecId.PcaJpeg2000));   // baselines tile by size only
    }

    [Fact]
    public void MoreBitsPerWeightMeanNarrowerTileTrunksAndSoLessTiling()
    {
        // 0.1 bpppb buys 44-wide tile trunks at 8 bits but narrower ones at 16.
        Assert.NotNull(Auto(150, 150, 188, new InrOptions { Bpppb = 0.1 }));
        Assert.Null(Auto(150, 150, 188, new InrOptions { Bpppb = 0.1, WeightBits = 16 }));
    }
}
