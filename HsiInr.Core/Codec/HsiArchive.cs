using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec;

/// <summary>
/// An archive as scripts see it: what it encodes, with which codec and network, at what rate and quality.
/// Built from an encode result or read from a file's header (no decoding).
/// </summary>
public sealed class HsiArchive
{
    public string Name { get; init; } = "";
    public int Height { get; init; }
    public int Width { get; init; }
    public int Bands { get; init; }
    public string Shape => $"{Height}×{Width}×{Bands}";
    public CodecId Codec { get; init; }
    /// <summary>Number of sine layers n_h.</summary>
    public int Layers { get; init; }
    /// <summary>Width of the sine layers w_h.</summary>
    public int LayerWidth { get; init; }
    public string Architecture => Rank > 0 ? $"{Layers}×{LayerWidth}k{Rank}" : $"{Layers}×{LayerWidth}";
    /// <summary>The encoder's chosen settings in short form (e.g. a baseline's quality), when it reported them.</summary>
    public string Variant { get; init; } = "";
    public WeightPrecision Precision { get; init; }
    /// <summary>Compact INR: rank of the spectral basis (0 for the paper's layout and the baselines).</summary>
    public int Rank { get; init; }
    /// <summary>Compact INR: bits per quantised weight (0 otherwise).</summary>
    public int WeightBits { get; init; }
    /// <summary>Every bit of the archive file / (H·W·C).</summary>
    public double Bpppb { get; init; }
    /// <summary>The paper's formula (5): weights only, at the stored precision.</summary>
    public double PaperBpppb { get; init; }
    /// <summary>PSNR in dB measured by the encoder on the decoded archive.</summary>
    public double Psnr { get; init; }
    public double EncodeSeconds { get; init; }
    public int Iterations { get; init; }
    public bool StoppedEarly { get; init; }
    public long Bytes { get; init; }
    public string? Path { get; init; }
    public int FormatVersion { get; init; } = 1;
    public long Seed { get; init; }
    public SampleType OriginalType { get; init; }

    public override string ToString() => $"{Name} {Shape} {Codec} {Architecture} {Bpppb:0.####} bpppb {Psnr:0.##} dB";

    public static HsiArchive FromResult(CompressionResult r, string? path) => new()
    {
        Name = r.Header.Name,
        Height = r.Header.Height,
        Width = r.Header.Width,
        Bands = r.Header.Bands,
        Codec = r.Header.Codec,
        Layers = r.Layers,
        LayerWidth = r.Width,
        Precision = r.Precision,
        Rank = r.Rank,
        WeightBits = r.WeightBits,
        Variant = r.Variant,
        FormatVersion = r.Header.FormatVersion,
        Bpppb = r.Bpppb,
        PaperBpppb = r.PaperBpppb,
        Psnr = r.Psnr,
        EncodeSeconds = r.EncodeSeconds,
        Iterations = r.Iterations,
        StoppedEarly = r.StoppedEarly,
        Bytes = r.Archive.LongLength,
        Path = path,
        Seed = r.Header.Seed,
        OriginalType = r.Header.OriginalType,
    };

    /// <summary>Reads an archive file's header and network description (CRC checked, weights not evaluated).</summary>
    public static HsiArchive Open(string path)
    {
        var (h, payload, bytes) = ArchiveFormat.ReadFile(path);
        // Only INR payloads describe a network; baselines have none (Layers/LayerWidth 0).
        InrDescription? inr = h.Codec == CodecId.Inr ? InrPayloads.Describe(h, payload, path) : null;
        return new HsiArchive
        {
            Name = h.Name,
            Height = h.Height,
            Width = h.Width,
            Bands = h.Bands,
            Codec = h.Codec,
            Layers = inr?.Layers ?? 0,
            LayerWidth = inr?.Width ?? 0,
            Precision = inr?.Precision ?? WeightPrecision.Single,
            Bpppb = bytes * 8.0 / h.SampleCount,
            Rank = inr?.Rank ?? 0,
            WeightBits = inr?.WeightBits ?? 0,
            PaperBpppb = inr?.PaperBpppb ?? 0,
            FormatVersion = h.FormatVersion,
            Psnr = h.EncodePsnr,
            EncodeSeconds = h.EncodeSeconds,
            Iterations = h.Iterations,
            Bytes = bytes,
            Path = System.IO.Path.GetFullPath(path),
            Seed = h.Seed,
            OriginalType = h.OriginalType,
        };
    }
}

/// <summary>Decodes any archive, whatever its codec.</summary>
public static class ArchiveDecoder
{
    public static HsiCube Decode(byte[] archive, string? path = null, DeviceKind device = DeviceKind.Cpu)
    {
        var (h, payload) = ArchiveFormat.Read(archive, path);
        // A network can describe a cube far larger than itself, so the header's size is checked against memory.
        long need = h.SampleCount * sizeof(float);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (need > available / 2)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded,
                $"Decoding needs {need / 1e9:0.0} GB for a {h.Height}×{h.Width}×{h.Bands} cube, more than half of the {available / 1e9:0.0} GB this process may use.", path);
        var cube = h.Codec switch
        {
            CodecId.Inr => InrPayloads.Decode(h, payload, path, ComputeDevice.Resolve(device)),
            _ => ArchiveHeaders.ToCube(h, CodecRegistry.Get(h.Codec).DecodePayload(h, payload, path)),
        };
        cube.SourcePath = path;
        return cube;
    }

    public static HsiCube DecodeFile(string path, DeviceKind device = DeviceKind.Cpu) =>
        Decode(ArchiveFormat.ReadFileBytes(path), System.IO.Path.GetFullPath(path), device);
}
