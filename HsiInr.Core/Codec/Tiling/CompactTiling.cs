using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Tiling;

/// <summary>
/// When the compact codec splits a scene into tiles on its own. One SIREN trunk fits up to about 100 × 100 pixels
/// well (every scene the defaults were tuned on): split, those scenes lost 1.4–3.6 dB at 0.1 bpppb (−1.0 to +0.2 at
/// 0.4). On the 150 × 150 abu-beach-1 the whole-scene trunk stopped gaining with the rate (55.6, 56.9, 56.3, 55.3 dB
/// at 0.05, 0.1, 0.2, 0.4), while tiles of at most 100 pixels (four of 75 × 75) reached 58.7, 61.7 and 63.2 dB at
/// 0.1, 0.2 and 0.4. Tiles pay only while each tile can still afford a fair trunk: at 0.05 the four tiles' trunks
/// were 29 wide and lost 2.8 dB (docs/codec.md).
/// </summary>
public static class CompactTiling
{
    /// <summary>The largest tile side one trunk codes when the codec tiles on its own.</summary>
    public const int MaxTrunkSide = 100;
    /// <summary>Scenes up to this many pixels stay whole: 1.5 × 100 × 100, so a scene a little over 100 pixels a side
    /// is not cut into slivers. Between the 100 × 100 scenes that one trunk fits well and the 150 × 150 one it did not.</summary>
    public const long MaxTrunkPixels = 15_000;
    /// <summary>Tiling only when each tile's trunk would be at least this wide (by <see cref="CompactCodec.WidestWithin"/>
    /// at <see cref="EstimateRank"/>): 45-wide tile trunks gained 1.8 dB, 29-wide ones lost 2.8.</summary>
    public const int MinTileTrunkWidth = 40;
    /// <summary>The rank assumed for a tile before its PCA is known (the benchmark's tiles chose 3 to 23).</summary>
    public const int EstimateRank = 8;

    /// <summary>The tile side for <see cref="TileGrid.Plan"/> when the caller left tiling to the codec: <see cref="MaxTrunkSide"/>
    /// for a compact INR fit under a rate budget on a scene of more than <see cref="MaxTrunkPixels"/> pixels, if each tile's share of the
    /// budget still buys a trunk <see cref="MinTileTrunkWidth"/> wide; otherwise null (the size-based rule alone).</summary>
    public static int? AutoTileSize(HsiCube cube, CodecId codec, InrOptions o)
    {
        if (codec != CodecId.Inr || o.Recipe != InrRecipe.Compact || o.Width is not null || o.Bpppb is not { } bpppb) return null;
        if (cube.PixelCount <= MaxTrunkPixels) return null;
        int tileHeight = TileGrid.Split(cube.Height, MaxTrunkSide).Min(r => r.Length);
        int tileWidth = TileGrid.Split(cube.Width, MaxTrunkSide).Min(r => r.Length);
        // Tiles carry neither name nor wavelengths (TiledCodec); the outer header and table are left out of this estimate.
        var tile = ArchiveHeaders.For(cube, CodecId.Inr, o.Seed) with
        {
            Height = tileHeight, Width = tileWidth, Name = "", Wavelengths = null, FormatVersion = 2,
        };
        long budget = tile.BytesAt(bpppb);
        int width = CompactCodec.WidestWithin(tile, o.Layers ?? CompactDefaults.Layers, Math.Min(EstimateRank, cube.Bands), o.WeightBits, budget);
        return width >= MinTileTrunkWidth ? MaxTrunkSide : null;
    }
}
