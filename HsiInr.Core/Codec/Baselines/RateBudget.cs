using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>Turns a bpppb target into the payload bytes left once the container's own bytes are paid for.</summary>
internal static class RateBudget
{
    /// <summary>Largest payload whose whole archive stays at or under <paramref name="bpppb"/>.</summary>
    public static long PayloadBytes(ArchiveHeader header, double bpppb)
    {
        if (!(bpppb > 0) || !double.IsFinite(bpppb))
            throw new HsiException(HsiErrorKind.InvalidArgument, $"The target rate must be a positive number of bits per pixel per band; got {bpppb}.");
        long archive = header.BytesAt(bpppb);
        return archive - ArchiveFormat.ArchiveSize(header, 0);
    }

    public static double Bpppb(ArchiveHeader header, long payloadBytes) =>
        ArchiveFormat.ArchiveSize(header, payloadBytes) * 8.0 / header.SampleCount;

    public static RateBelowFloorException TooLow(ArchiveHeader header, double bpppb, long minPayload, string what) =>
        new($"{bpppb} bpppb is below what {what} can reach for a {header.Height}×{header.Width}×{header.Bands} cube: the smallest archive is {Bpppb(header, minPayload):0.####} bpppb. Raise the target rate.",
            Bpppb(header, minPayload));
}

/// <summary>A target rate below the lowest a codec can reach on this cube; says what that lowest rate is.</summary>
public sealed class RateBelowFloorException(string message, double minimumBpppb) : HsiException(HsiErrorKind.InvalidArgument, message)
{
    /// <summary>The smallest whole-archive rate the codec reaches on this cube.</summary>
    public double MinimumBpppb { get; } = minimumBpppb;
}
