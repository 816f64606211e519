using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec.Inr;

/// <summary>Settings of one INR encode. Defaults follow the paper (Adam, lr 2e-4, 10 000 iterations, ω0 = 30).</summary>
public sealed record InrOptions
{
    /// <summary>Rate budget in bits per pixel per band of the actual archive file; used when no architecture is given.</summary>
    public double? Bpppb { get; init; }
    /// <summary>Fixed number of sine layers (n_h); with <see cref="Width"/> it skips the architecture search.</summary>
    public int? Layers { get; init; }
    /// <summary>Fixed width of the sine layers (w_h).</summary>
    public int? Width { get; init; }
    public WeightPrecision Precision { get; init; } = WeightPrecision.Single;
    public int Iterations { get; init; } = 10_000;
    /// <summary>Iterations each search candidate trains before the best one is trained on to <see cref="Iterations"/>.</summary>
    public int SearchIterations { get; init; } = 300;
    public double LearningRate { get; init; } = 2e-4;
    /// <summary>Wall-clock budget for the whole encode, search included; null for none.</summary>
    public double? MaxSeconds { get; init; }
    public long Seed { get; init; } = 42;
    public DeviceKind Device { get; init; } = DeviceKind.Auto;
    /// <summary>Torch threads; null uses every core.</summary>
    public int? Threads { get; init; }
    /// <summary>Pixels per gradient-accumulation chunk (bounds memory; does not change the gradient).</summary>
    public int ChunkPixels { get; init; } = 16384;
    public double Omega0 { get; init; } = 30.0;

    public void Validate()
    {
        if (Layers.HasValue != Width.HasValue)
            throw new HsiException(HsiErrorKind.InvalidArgument, "Give both -Layers and -Width (a fixed architecture), or neither (search within -Bpppb).");
        if (Layers is null && Bpppb is null)
            throw new HsiException(HsiErrorKind.InvalidArgument, "Give a rate budget with -Bpppb, or a fixed architecture with -Layers and -Width.");
        if (Layers is < 1 or > InrPayload.MaxLayers) throw new HsiException(HsiErrorKind.InvalidArgument, $"-Layers must be 1 to {InrPayload.MaxLayers}.");
        if (Width is < 1 or > 4096) throw new HsiException(HsiErrorKind.InvalidArgument, "-Width must be 1 to 4096.");
        if (Bpppb is { } b && (!(b > 0) || b > 64)) throw new HsiException(HsiErrorKind.InvalidArgument, "-Bpppb must be greater than 0 and at most 64.");
        if (Iterations < 1) throw new HsiException(HsiErrorKind.InvalidArgument, "-Iterations must be at least 1.");
        if (SearchIterations < 1) throw new HsiException(HsiErrorKind.InvalidArgument, "-SearchIterations must be at least 1.");
        if (!(LearningRate > 0) || LearningRate > 1) throw new HsiException(HsiErrorKind.InvalidArgument, "-LearningRate must be in (0, 1].");
        if (MaxSeconds is { } m && !(m > 0)) throw new HsiException(HsiErrorKind.InvalidArgument, "-MaxSeconds must be positive.");
    }
}
