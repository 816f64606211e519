using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
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
    /// <summary>The codec of the data (of every tile, for a tiled archive).</summary>
    public CodecId Codec { get; init; }
    /// <summary>Number of independently coded tiles; 1 when the cube is coded as one piece.</summary>
    public int Tiles { get; init; } = 1;

    /// <summary>Number of sine layers n_h (of the first tile, for a tiled archive; tiles may differ).</summary>
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
    /// <summary>Compact INR: pixels whose residual spectra are stored apart from the network (all tiles together).</summary>
    public long CorrectedPixels { get; init; }
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

    public override string ToString() => $"{Name} {Shape} {Codec}{(Tiles > 1 ? $" ×{Tiles} tiles" : "")} {Architecture} {Bpppb:0.####} bpppb {Psnr:0.##} dB";

    public static HsiArchive FromResult(CompressionResult r, string? path) => new()
    {
        Name = r.Header.Name,
        Height = r.Header.Height,
        Width = r.Header.Width,
        Bands = r.Header.Bands,
        Codec = r.TileCodec ?? r.Header.Codec,
        Tiles = r.Tiles,
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
        CorrectedPixels = r.CorrectedPixels,
    };

    /// <summary>Reads an archive file's header and network description (CRC checked, weights not evaluated).</summary>
    public static HsiArchive Open(string path)
    {
        var (h, payload, bytes) = ArchiveFormat.ReadFile(path);
        // Only INR payloads describe a network; baselines have none (Layers/LayerWidth 0).
        InrDescription? inr = h.Codec == CodecId.Inr ? InrPayloads.Describe(h, payload, path) : null;
        long correctedPixels = inr?.CorrectedPixels ?? 0;
        CodecId codec = h.Codec;
        int tiles = 1;
        if (h.Codec == CodecId.Tiled)
        {
            // The table and every tile's header are read (no tile is decoded); the first tile's network stands for all.
            var table = TiledPayload.Parse(h, payload, path);
            codec = table.TileCodec;
            tiles = table.Tiles.Count;
            if (codec == CodecId.Inr)
            {
                var described = table.Tiles.Select(t => (t.Header, Inr: InrPayloads.Describe(t.Header, t.Payload, path))).ToList();
                var d0 = described[0].Inr;
                inr = d0 with { PaperBpppb = described.Sum(d => d.Inr.PaperBpppb * d.Header.SampleCount) / h.SampleCount };
                correctedPixels = described.Sum(d => (long)d.Inr.CorrectedPixels);
            }
        }
        return new HsiArchive
        {
            Name = h.Name,
            Height = h.Height,
            Width = h.Width,
            Bands = h.Bands,
            Codec = codec,
            Tiles = tiles,
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
            CorrectedPixels = correctedPixels,
        };
    }
}

/// <summary>Decodes any archive, whatever its codec.</summary>
public static class ArchiveDecoder
{
    /// <param name="region">Decode only this window (the cube returned is the window): a tiled archive decodes only
    /// the tiles it meets, an INR evaluates its network only there, a baseline decodes all and crops.</param>
    public static HsiCube Decode(byte[] archive, string? path = null, DeviceKind device = DeviceKind.Cpu, PixelRegion? region = null)
    {
        var (h, payload) = ArchiveFormat.Read(archive, path);
        region?.CheckInside(h.Height, h.Width, path);
        // A network can describe a cube far larger than itself, so the header's size is checked against memory.
        bool windowOnly = region is not null && h.Codec is CodecId.Inr or CodecId.Tiled;
        long need = (windowOnly ? region!.Value.PixelCount * h.Bands : h.SampleCount) * sizeof(float);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (need > available / 2)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded,
                $"Decoding needs {need / 1e9:0.0} GB for a {h.Height}×{h.Width}×{h.Bands} cube, more than half of the {available / 1e9:0.0} GB this process may use.", path);
        var cube = DecodeParsed(h, payload, path, device, region);
        cube.SourcePath = path;
        return cube;
    }

    /// <summary>Decodes an archive already parsed (and CRC-checked) by <see cref="ArchiveFormat.Read"/>.</summary>
    internal static HsiCube DecodeParsed(ArchiveHeader h, ReadOnlyMemory<byte> payload, string? path, DeviceKind device, PixelRegion? region)
    {
        switch (h.Codec)
        {
            case CodecId.Inr: return InrPayloads.Decode(h, payload, path, ComputeDevice.Resolve(device), region);
            case CodecId.Tiled: return TiledCodec.Decode(h, payload, path, device, region);
            default:
                var cube = ArchiveHeaders.ToCube(h, CodecRegistry.Get(h.Codec).DecodePayload(h, payload, path));
                return region is { } r ? cube.Crop(r.Y, r.X, r.Height, r.Width) : cube;
        }
    }

    public static HsiCube DecodeFile(string path, DeviceKind device = DeviceKind.Cpu, PixelRegion? region = null) =>
        Decode(ArchiveFormat.ReadFileBytes(path), System.IO.Path.GetFullPath(path), device, region);
}
