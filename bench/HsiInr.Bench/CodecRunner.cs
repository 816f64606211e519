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
        if (variant.Inr is { } options)
            return InrCodec.Compress(cube, options(spec), progress, ct);
        double target = spec.TargetBpppb ?? throw new ArgumentException($"{variant.Label} needs a target rate.");
        return CompressBaseline(cube, variant.Codec, target, seed: 42, progress, ct);
    }

    /// <summary>Adapter for the baseline codecs (issue 5), which are written on another branch.</summary>
    public static CompressionResult CompressBaseline(HsiCube cube, CodecId codec, double bpppb, long seed, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        // TODO(integrator): once the baselines branch is merged, replace the throw below with this one line
        //     return HsiInr.Core.Codec.Baselines.BaselineCompressor.Compress(cube, codec, bpppb, seed, progress, ct);
        // Nothing else in the bench needs to change (ArchiveDecoder.Decode must then decode the baseline codec ids).
        _ = (cube, codec, bpppb, seed, progress, ct);
        throw new NotSupportedException("baselines not merged yet");
    }
}
