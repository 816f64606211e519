using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Container;

/// <summary>Which codec wrote an archive's payload. Stored as a u16; values are part of the format: never reuse one.</summary>
public enum CodecId : ushort
{
    /// <summary>SIREN weights (the paper's method).</summary>
    Inr = 1,
    /// <summary>Baseline: each band scaled to 8 bits and JPEG-coded.</summary>
    Jpeg = 2,
    /// <summary>Baseline: each band JPEG2000-coded at 16 bits (OpenJPEG, irreversible 9/7).</summary>
    Jpeg2000 = 3,
    /// <summary>Baseline: spectral PCA, component images 8×8-DCT coded.</summary>
    PcaDct = 4,
    /// <summary>Baseline: spectral PCA, component images JPEG2000-coded (Du &amp; Fowler 2007).</summary>
    PcaJpeg2000 = 5,
    /// <summary>A tiled archive: a tile table and one complete nested archive per tile (docs/format.md).</summary>
    Tiled = 6,
}

/// <summary>How the INR weights are stored (the paper's quantisation flag, widened).</summary>
public enum WeightPrecision : byte
{
    Single = 1,
    Half = 2,
}

/// <summary>
/// Everything an archive says about the cube it encodes, independent of the codec. See docs/format.md for the byte
/// layout. The encoder statistics (PSNR, seconds, iterations) are informational: decoding never depends on them.
/// </summary>
public sealed record ArchiveHeader
{
    public required CodecId Codec { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required int Bands { get; init; }
    public required SampleType OriginalType { get; init; }
    /// <summary>Normalisation: stored value v ∈ [0,1] maps back to v·(Max−Min)+Min.</summary>
    public required double NormMin { get; init; }
    public required double NormMax { get; init; }
    public long Seed { get; init; }
    public float EncodePsnr { get; init; }
    public float EncodeSeconds { get; init; }
    public int Iterations { get; init; }
    public string Name { get; init; } = "";
    public float[]? Wavelengths { get; init; }

    /// <summary>Container version: 1 for the paper's raw-weight INR payload and the baselines, 2 for payloads that
    /// start with a payload-kind byte (the compact, quantised INR).</summary>
    public int FormatVersion { get; init; } = 1;

    public long PixelCount => (long)Height * Width;
    public long SampleCount => PixelCount * Bands;

    /// <summary>The most bytes the whole archive may take at <paramref name="bpppb"/> (header and framing included).</summary>
    public long BytesAt(double bpppb) => (long)Math.Floor(bpppb * SampleCount / 8.0);
}
