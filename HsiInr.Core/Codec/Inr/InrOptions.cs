using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec.Inr;

/// <summary>Which INR codec to run.</summary>
public enum InrRecipe
{
    /// <summary>The compact codec (default): low-rank spectral head, quantisation-aware training, entropy-coded weights, learning-rate schedule.</summary>
    Compact,
    /// <summary>The paper's method: plain SIREN, Adam at a fixed rate, raw fp32/fp16 weights.</summary>
    Paper,
}

/// <summary>
/// Settings of one INR encode. Unset values take the recipe's defaults: the paper's (Adam, lr 2e-4, 10 000
/// iterations, ω0 = 30) for <see cref="InrRecipe.Paper"/>, see <see cref="CompactDefaults"/> for the compact codec.
/// </summary>
public sealed record InrOptions
{
    public InrRecipe Recipe { get; init; } = InrRecipe.Compact;
    /// <summary>Rate budget in bits per pixel per band of the actual archive file; used when no architecture is given.</summary>
    public double? Bpppb { get; init; }
    /// <summary>Fixed number of sine layers (n_h); with <see cref="Width"/> it skips the architecture search.</summary>
    public int? Layers { get; init; }
    /// <summary>Fixed width of the sine layers (w_h).</summary>
    public int? Width { get; init; }
    /// <summary>Paper recipe: how weights are stored.</summary>
    public WeightPrecision Precision { get; init; } = WeightPrecision.Single;
    /// <summary>Compact recipe: rank of the spectral basis; null chooses it from the PCA spectrum and the budget.</summary>
    public int? Rank { get; init; }
    /// <summary>Compact recipe: bits per quantised weight (6–10 sensible; 2–16 allowed).</summary>
    public int WeightBits { get; init; } = 8;
    public int? Iterations { get; init; }
    /// <summary>Iterations each search candidate trains before the best one is trained on to <see cref="Iterations"/>.</summary>
    public int? SearchIterations { get; init; }
    /// <summary>Peak learning rate (paper: the constant rate).</summary>
    public double? LearningRate { get; init; }
    /// <summary>Compact recipe: pixels per step as a fraction of the image; null picks full batch for small images.</summary>
    public double? SampleFraction { get; init; }
    /// <summary>Wall-clock budget for the whole encode, search included; null for none.</summary>
    public double? MaxSeconds { get; init; }
    public long Seed { get; init; } = 42;
    public DeviceKind Device { get; init; } = DeviceKind.Auto;
    /// <summary>Torch threads; null shares the cores among the fits running on this machine (see <see cref="CoreShare"/>).</summary>
    public int? Threads { get; init; }
    /// <summary>Pixels per gradient-accumulation chunk (bounds memory; does not change the gradient).</summary>
    public int ChunkPixels { get; init; } = 16384;
    public double Omega0 { get; init; } = 30.0;

    public void Validate()
    {
        // The compact recipe may fix the depth alone and size the width from -Bpppb; otherwise both or neither.
        bool depthOnly = Recipe == InrRecipe.Compact && Layers is not null && Width is null && Bpppb is not null;
        if (Layers.HasValue != Width.HasValue && !depthOnly)
            throw new HsiException(HsiErrorKind.InvalidArgument, "Give both -Layers and -Width (a fixed architecture), or neither (search within -Bpppb).");
        if (Width is null && Bpppb is null)
            throw new HsiException(HsiErrorKind.InvalidArgument, "Give a rate budget with -Bpppb, or a fixed architecture with -Layers and -Width.");
        if (Recipe == InrRecipe.Paper && SearchIterations == 0)
            throw new HsiException(HsiErrorKind.InvalidArgument, "The paper recipe's search needs -SearchIterations of at least 1.");
        if (Layers is < 1 or > InrPayload.MaxLayers) throw new HsiException(HsiErrorKind.InvalidArgument, $"-Layers must be 1 to {InrPayload.MaxLayers}.");
        if (Width is < 1 or > 4096) throw new HsiException(HsiErrorKind.InvalidArgument, "-Width must be 1 to 4096.");
        if (Bpppb is { } b && (!(b > 0) || b > 64)) throw new HsiException(HsiErrorKind.InvalidArgument, "-Bpppb must be greater than 0 and at most 64.");
        if (Iterations < 1) throw new HsiException(HsiErrorKind.InvalidArgument, "-Iterations must be at least 1.");
        if (SearchIterations < 0) throw new HsiException(HsiErrorKind.InvalidArgument, "-SearchIterations must not be negative.");
        if (LearningRate is { } lr && (!(lr > 0) || lr > 1)) throw new HsiException(HsiErrorKind.InvalidArgument, "-LearningRate must be in (0, 1].");
        if (WeightBits is < 2 or > 16) throw new HsiException(HsiErrorKind.InvalidArgument, "-WeightBits must be 2 to 16.");
        if (Rank is < 1) throw new HsiException(HsiErrorKind.InvalidArgument, "-Rank must be at least 1.");
        if (SampleFraction is { } f && (!(f > 0) || f > 1)) throw new HsiException(HsiErrorKind.InvalidArgument, "-SampleFraction must be in (0, 1].");
        if (MaxSeconds is { } m && !(m > 0)) throw new HsiException(HsiErrorKind.InvalidArgument, "-MaxSeconds must be positive.");
    }

    public int IterationsOrDefault => Iterations ?? (Recipe == InrRecipe.Paper ? 10_000 : CompactDefaults.Iterations);
    public int SearchIterationsOrDefault => SearchIterations ?? (Recipe == InrRecipe.Paper ? 300 : CompactDefaults.SearchIterations);
    /// <summary>The given rate, else the recipe's: the paper's 2e-4, or the compact rate for a trunk <paramref name="width"/> wide.</summary>
    public double LearningRateOrDefault(int width) => LearningRate ?? (Recipe == InrRecipe.Paper ? 2e-4 : CompactDefaults.LearningRateFor(width));
}

/// <summary>Defaults of the compact recipe, chosen on the benchmark (docs/codec.md records the measurements).</summary>
public static class CompactDefaults
{
    public const int Iterations = 6000;
    public const int SearchIterations = 0;
    /// <summary>Peak rate of a trunk up to <see cref="LearningRateWidth"/> wide; 2.5e-4 before the trunk became shallower.
    /// At 6 layers 5e-4 gained 0.4–1.4 dB over 2.5e-4 (docs/codec.md).</summary>
    public const double LearningRate = 5e-4;
    /// <summary>The widest trunk that trains at the full <see cref="LearningRate"/>.</summary>
    public const int LearningRateWidth = 64;

    /// <summary>The peak rate for a trunk this wide: <see cref="LearningRate"/> scaled by √(64 / width) above 64. Each
    /// Adam step moves a pre-activation by about ω0 · rate · √fan-in, so wider trunks need a smaller rate: at 5e-4 a
    /// 198-wide trunk never left 35 dB (abu-beach-1 at 0.4), at 2.8e-4 it reached 55.9 dB.</summary>
    public static double LearningRateFor(int width) => LearningRate * Math.Min(1.0, Math.Sqrt((double)LearningRateWidth / Math.Max(1, width)));

    /// <summary>Sine layers of the trunk: 4–6 beat 8–12 on every scene and rate measured (shallower and wider trains
    /// better within the same bytes; docs/codec.md).</summary>
    public const int Layers = 6;
    /// <summary>Adam's second-moment decay: 0.9 instead of the usual 0.999. Each step sees a different sample of
    /// pixels and quantisation-aware training changes the gradients mid-fit: a short memory keeps Adam's step scale
    /// current. At 0.1 bpppb it gained 0.5–2.6 dB, and the fits that blew up at 0.999 stopped doing so (docs/codec.md).</summary>
    public const double AdamBeta2 = 0.9;
    /// <summary>Share of the steps, at the end, trained with the quantiser in the loop (at least
    /// <see cref="MinQuantisedSteps"/>). With Adam β2 = 0.9 a short phase is enough to adapt to the grid, and the grid
    /// is then fitted to nearly final weights: 5 % beat 60 % on 10 of 11 points measured (+0.04 to +0.63 dB), and beat
    /// 10 % and 20 % (docs/codec.md).</summary>
    public const double QuantisedFraction = 0.05;
    /// <summary>The fewest quantised steps (half the fit at most), so short fits still adapt to the grid.</summary>
    public const int MinQuantisedSteps = 200;
    /// <summary>Pixels drawn (without repetition) for each step; smaller images train full-batch.</summary>
    public const int PixelsPerStep = 2500;
}
