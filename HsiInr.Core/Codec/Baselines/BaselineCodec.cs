using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>A baseline's payload and the settings its rate control chose (e.g. "q=37", "k=8,D=12.5").</summary>
public sealed record BaselineEncoding(byte[] Payload, string Variant);

/// <summary>Common base of the classical baseline codecs: the payload plus a description of the chosen settings.</summary>
public abstract class BaselineCodec : IHsiCodec
{
    public abstract CodecId Id { get; }

    /// <summary>Encodes so the whole archive is at most <paramref name="bpppb"/>; throws HsiException(InvalidArgument)
    /// when even the codec's coarsest setting needs more.</summary>
    public abstract BaselineEncoding Encode(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct);

    public byte[] EncodePayload(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct) =>
        Encode(cube, header, bpppb, progress, ct).Payload;

    public abstract float[] DecodePayload(ArchiveHeader header, ReadOnlyMemory<byte> payload, string? path);

    /// <summary>A progress snapshot for a rate-control step (PSNR unknown while searching).</summary>
    protected static void Report(IProgress<FitProgress>? progress, string stage, int step, int steps, System.Diagnostics.Stopwatch clock) =>
        progress?.Report(new FitProgress(stage, step, steps, double.NaN, double.NaN, clock.Elapsed, null, Math.Clamp(100 * step / Math.Max(1, steps), 0, 100)));

    /// <summary>Band <paramref name="band"/> of a BIP array as a row-major image.</summary>
    internal static float[] Band(float[] data, long pixels, int bands, int band)
    {
        var img = new float[pixels];
        for (long p = 0; p < pixels; p++) img[p] = data[p * bands + band];
        return img;
    }
}
