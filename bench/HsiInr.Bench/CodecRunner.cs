using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;

namespace HsiInr.Bench;

/// <summary>The one place where the benchmark calls the codecs.</summary>
public static class CodecRunner
{
    public static CompressionResult Compress(HsiCube cube, Variant variant, PointSpec spec, IProgress<FitProgress>? progress, CancellationToken ct = default)
    {
        // What Compress-HsiCube runs without -TileSize: the compact codec tiles scenes larger than one trunk fits well.
        if (variant.Inr is { } options)
            return CubeCompressor.Compress(cube, CodecId.Inr, options(spec), tileSize: null, progress, ct);
        double target = spec.TargetBpppb ?? throw new ArgumentException($"{variant.Label} needs a target rate.");
        try
        {
            return CompressBaseline(cube, variant.Codec, target, seed: 42, progress, ct);
        }
        catch (HsiInr.Core.Codec.Baselines.RateBelowFloorException e)
        {
            // The codec cannot go this low (JPEG's per-block minimum): record its lowest point instead, so the plot
            // shows where it stands. Its actual bpppb is above the target, which keeps it out of the row's winner.
            return CompressBaseline(cube, variant.Codec, e.MinimumBpppb * 1.001, seed: 42, progress, ct);
        }
    }

    /// <summary>The baseline codecs (JPEG, JPEG2000, PCA-DCT, PCA-JPEG2000).</summary>
    public static CompressionResult CompressBaseline(HsiCube cube, CodecId codec, double bpppb, long seed, IProgress<FitProgress>? progress, CancellationToken ct) =>
        HsiInr.Core.Codec.Baselines.BaselineCompressor.Compress(cube, codec, bpppb, seed, progress, ct);
}
