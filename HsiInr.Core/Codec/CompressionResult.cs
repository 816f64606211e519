using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec;

/// <summary>One architecture tried by the search and how well it did in its short trial.</summary>
public sealed record SearchTrial(int Layers, int Width, double Psnr, double Bpppb, double Seconds);

/// <summary>What an encode produced: the archive bytes and the figures that describe them.</summary>
public sealed record CompressionResult
{
    public required byte[] Archive { get; init; }
    public required ArchiveHeader Header { get; init; }
    public int Layers { get; init; }
    public int Width { get; init; }
    public WeightPrecision Precision { get; init; }
    /// <summary>Compact INR: rank of the spectral basis (0 otherwise).</summary>
    public int Rank { get; init; }
    /// <summary>Compact INR: bits per quantised weight (0 otherwise).</summary>
    public int WeightBits { get; init; }
    /// <summary>Compact INR: pixels whose residual spectra are stored apart from the network (all tiles together).</summary>
    public long CorrectedPixels { get; init; }
    /// <summary>PSNR (dB) of the decoded archive against the input, R = the input's value range.</summary>
    public double Psnr { get; init; }
    public double EncodeSeconds { get; init; }
    public int Iterations { get; init; }
    public int BestIteration { get; init; }
    /// <summary>True when -MaxSeconds cut the search or the fit short.</summary>
    public bool StoppedEarly { get; init; }
    public IReadOnlyList<SearchTrial> Trials { get; init; } = [];
    public string Device { get; init; } = "cpu";
    /// <summary>The settings the encoder chose, briefly: the network for INR, e.g. "q=37" for JPEG, "k=8,D=3.1" for PCA codecs.</summary>
    public string Variant { get; init; } = "";

    /// <summary>Every bit of the archive file / (H·W·C).</summary>
    public double Bpppb => Archive.Length * 8.0 / Header.SampleCount;
    /// <summary>The paper's formula (5) at the stored precision: weights only, biases and header ignored (0 for baselines).
    /// For the compact INR the same idea: its weights (biases and steps ignored) at <see cref="WeightBits"/> bits.</summary>
    public double PaperBpppb => PaperBpppbOverride ?? (Header.Codec != CodecId.Inr ? 0 : Inr.InrPayloads.PaperBpppb(Header, Layers, Width, Rank, WeightBits, Precision));
    /// <summary>Set by encoders whose networks the header alone does not describe (tiled: every tile's weights over H·W·C).</summary>
    public double? PaperBpppbOverride { get; init; }
    /// <summary>Number of tiles (1 when the cube was coded as one piece).</summary>
    public int Tiles { get; init; } = 1;
    /// <summary>Tiled archives: the codec of the tiles (the header's codec is <see cref="CodecId.Tiled"/>).</summary>
    public CodecId? TileCodec { get; init; }
}
