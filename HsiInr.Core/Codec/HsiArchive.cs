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
    public string Architecture => $"{Layers}×{LayerWidth}";
    public WeightPrecision Precision { get; init; }
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
    public int FormatVersion { get; init; } = ArchiveFormat.Version;
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
        InrPayload? inr = h.Codec == CodecId.Inr ? InrPayload.Parse(payload.Span, h.Bands, path) : null;
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
            PaperBpppb = inr is null ? 0 : SirenNetwork.PaperParameterCount(inr.Layers, inr.Width, h.Bands) * InrPayload.BytesPerWeight(inr.Precision) * 8.0 / h.SampleCount,
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
        var cube = h.Codec switch
        {
            CodecId.Inr => InrCodec.Decode(h, InrPayload.Parse(payload.Span, h.Bands, path), ComputeDevice.Resolve(device)),
            _ => ArchiveHeaders.ToCube(h, CodecRegistry.Get(h.Codec).DecodePayload(h, payload, path)),
        };
        cube.SourcePath = path;
        return cube;
    }

    public static HsiCube DecodeFile(string path, DeviceKind device = DeviceKind.Cpu) =>
        Decode(ArchiveFormat.ReadFileBytes(path), System.IO.Path.GetFullPath(path), device);
}
