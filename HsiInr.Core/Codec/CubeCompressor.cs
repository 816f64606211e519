using HsiInr.Core.Codec.Baselines;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec;

/// <summary>Compresses a cube with any codec, tiling it when asked or when it is large (<see cref="TileGrid"/>, <see cref="CompactTiling"/>).</summary>
public static class CubeCompressor
{
    /// <param name="codec">The codec of the cube, or of each tile when tiled.</param>
    /// <param name="options">INR settings; for a baseline only <see cref="InrOptions.Bpppb"/> and <see cref="InrOptions.Seed"/> count.</param>
    /// <param name="tileSize">Null: tile automatically (the compact INR codec above <see cref="CompactTiling.MaxTrunkPixels"/>
    /// pixels when the rate allows, any codec above <see cref="TileGrid.AutoTileSamples"/> samples); 0: never; n: tiles of at most n × n pixels.</param>
    public static CompressionResult Compress(HsiCube cube, CodecId codec, InrOptions options, int? tileSize = null,
        IProgress<FitProgress>? progress = null, CancellationToken ct = default)
    {
        var tiles = TileGrid.Plan(cube.Height, cube.Width, cube.Bands, tileSize ?? CompactTiling.AutoTileSize(cube, codec, options));
        return tiles is null ? CompressOne(cube, codec, options, progress, ct) : TiledCodec.Compress(cube, tiles, codec, options, progress, ct);
    }

    /// <summary>One untiled archive.</summary>
    public static CompressionResult CompressOne(HsiCube cube, CodecId codec, InrOptions options, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        TiledCodec.CheckTileCodec(codec);
        return codec == CodecId.Inr
            ? InrCodec.Compress(cube, options, progress, ct)
            : BaselineCompressor.Compress(cube, codec,
                options.Bpppb ?? throw new HsiException(HsiErrorKind.InvalidArgument, $"The {codec} codec needs a rate: give -Bpppb."),
                options.Seed, progress, ct);
    }
}
