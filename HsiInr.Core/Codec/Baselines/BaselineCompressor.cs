using System.Diagnostics;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>Encodes a cube with a baseline codec into a complete archive, measured the way INR archives are.</summary>
public static class BaselineCompressor
{
    public static CompressionResult Compress(HsiCube cube, CodecId codec, double bpppb, long seed = 42,
        IProgress<FitProgress>? progress = null, CancellationToken ct = default)
    {
        if (CodecRegistry.Get(codec) is not BaselineCodec baseline)
            throw new HsiException(HsiErrorKind.InvalidArgument, $"Codec {codec} is not a baseline.");
        var clock = Stopwatch.StartNew();
        var header = ArchiveHeaders.For(cube, codec, seed);
        var encoding = baseline.Encode(cube, header, bpppb, progress, ct);
        double seconds = clock.Elapsed.TotalSeconds;

        // Measure what a user gets: the archive decoded through the generic path, integer types rounded.
        var decoded = ArchiveHeaders.ToCube(header, baseline.DecodePayload(header, encoding.Payload, null));
        double psnr = QualityMetrics.Compare(cube, decoded).Psnr;
        var finalHeader = header with { EncodePsnr = (float)psnr }; // no wall time: same seed, same bytes
        return new CompressionResult
        {
            Archive = ArchiveFormat.Write(finalHeader, encoding.Payload),
            Header = finalHeader,
            Precision = WeightPrecision.Single,
            Psnr = psnr,
            EncodeSeconds = seconds,
            Variant = encoding.Variant,
        };
    }
}
