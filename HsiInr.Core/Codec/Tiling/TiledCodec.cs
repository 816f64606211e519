using System.Diagnostics;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Codec.Tiling;

/// <summary>
/// Large scenes: fits each tile independently with any codec and stores the tiles' archives behind one header
/// (<see cref="CodecId.Tiled"/>). Memory stays at the cube plus one tile while encoding, and at the output plus one
/// tile while decoding, whatever the scene's size.
/// </summary>
public static class TiledCodec
{
    public static CompressionResult Compress(HsiCube cube, IReadOnlyList<PixelRegion> tiles, CodecId codec, InrOptions options,
        IProgress<FitProgress>? progress = null, CancellationToken ct = default)
    {
        CheckTileCodec(codec);
        var clock = Stopwatch.StartNew();
        var header = ArchiveHeaders.For(cube, CodecId.Tiled, options.Seed) with { FormatVersion = 2 };
        long? fileBudget = options.Bpppb is { } b ? header.BytesAt(b) : null;
        // What is left for the tiles' archives once the outer header and the table are paid for.
        long? tileBudget = fileBudget - ArchiveFormat.ArchiveSize(header, TiledPayload.TableBytes(tiles.Count));
        if (tileBudget is { } tb && tb < tiles.Count * (ArchiveFormat.FramingBytes + 64L))
            throw new HsiException(HsiErrorKind.InvalidArgument,
                $"At {options.Bpppb} bpppb the whole {cube.Shape} archive may take {fileBudget} bytes, too few for {tiles.Count} tiles' headers and networks. Use a larger -TileSize (fewer tiles), -TileSize 0, or raise -Bpppb.");

        var archives = new List<byte[]>(tiles.Count);
        CompressionResult? first = null;
        long pixelsLeft = cube.PixelCount, used = 0, counted = 0, correctedPixels = 0;
        double sse = 0, paperBits = 0;
        int iterations = 0;
        bool stoppedEarly = false;
        for (int i = 0; i < tiles.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var rect = tiles[i];
            // Tiles carry neither name nor wavelengths: the outer header has them once.
            var tile = cube.Crop(rect.Y, rect.X, rect.Height, rect.Width, "");
            tile.Wavelengths = null;
            tile.SourcePath = null;
            double share = (double)rect.PixelCount / pixelsLeft;
            var tileOptions = options with { Seed = TileSeed(options.Seed, i) };
            // Bytes a tile leaves unused go to the tiles after it; each gets its pixels' share of what is left.
            if (tileBudget is { } budget)
                tileOptions = tileOptions with { Bpppb = Math.Floor((budget - used) * share) * 8.0 / tile.SampleCount };
            if (options.MaxSeconds is { } ms)
                tileOptions = tileOptions with { MaxSeconds = Math.Max(0.001, (ms - clock.Elapsed.TotalSeconds) * share) };
            var tileProgress = progress is null ? null : new TileProgress(progress, i + 1, tiles.Count,
                1 - (double)pixelsLeft / cube.PixelCount, (double)rect.PixelCount / cube.PixelCount, clock);
            tileProgress?.Report(new FitProgress("starting", 0, 0, double.NaN, double.NaN, TimeSpan.Zero, null, 0));
            CompressionResult r;
            try { r = CubeCompressor.CompressOne(tile, codec, tileOptions, tileProgress, ct); }
            catch (HsiException e) when (e.Kind == HsiErrorKind.InvalidArgument)
            {
                throw new HsiException(e.Kind, $"Tile {i + 1} of {tiles.Count} ({rect}): {e.Message} Each tile gets its pixels' share of the rate; a larger -TileSize spends less of it on headers.", e.Path, e);
            }
            archives.Add(r.Archive);
            used += r.Archive.Length;
            pixelsLeft -= rect.PixelCount;
            first ??= r;
            iterations = Math.Max(iterations, r.Iterations);
            stoppedEarly |= r.StoppedEarly;
            paperBits += r.PaperBpppb * tile.SampleCount;
            correctedPixels += r.CorrectedPixels;
            var (tileSse, tileCount) = SquaredError(tile, r);
            sse += tileSse;
            counted += tileCount;
            ReleaseTileMemory();
        }

        var payload = TiledPayload.Write(codec, tiles, archives);
        double psnr = QualityMetrics.Psnr(cube.MaxValue - cube.MinValue, counted > 0 ? sse / counted : double.NaN);
        double seconds = clock.Elapsed.TotalSeconds;
        var finalHeader = header with { EncodePsnr = (float)psnr, Iterations = iterations }; // no wall time: same seed, same bytes
        var archive = ArchiveFormat.Write(finalHeader, payload);
        if (fileBudget is { } limit && archive.Length > limit)
            throw new InvalidOperationException($"Tiled archive of {archive.Length} bytes exceeds its budget of {limit}.");
        return new CompressionResult
        {
            Archive = archive,
            Header = finalHeader,
            Layers = first!.Layers,
            Width = first.Width,
            Rank = first.Rank,
            WeightBits = first.WeightBits,
            Precision = first.Precision,
            Psnr = psnr,
            EncodeSeconds = seconds,
            Iterations = iterations,
            BestIteration = first.BestIteration,
            StoppedEarly = stoppedEarly,
            Device = first.Device,
            Variant = $"{tiles.Count} tiles; tile 1: {first.Variant}",
            Tiles = tiles.Count,
            TileCodec = codec,
            PaperBpppbOverride = paperBits / cube.SampleCount,
            CorrectedPixels = correctedPixels,
        };
    }

    /// <summary>Throws InvalidArgument for <see cref="CodecId.Tiled"/>: it is the container's layout, not a codec to code a cube or its tiles with.</summary>
    public static void CheckTileCodec(CodecId codec)
    {
        if (codec == CodecId.Tiled)
            throw new HsiException(HsiErrorKind.InvalidArgument, "Tiled is not a codec to choose: choose the tiles' codec with -Codec (Inr, Jpeg, …) and their size with -TileSize.");
    }

    /// <summary>Decodes a tiled payload, or only the tiles that meet <paramref name="region"/>, into one cube allocated once.</summary>
    public static HsiCube Decode(ArchiveHeader outer, ReadOnlyMemory<byte> payload, string? path, DeviceKind device, PixelRegion? region)
    {
        var table = TiledPayload.Parse(outer, payload, path);
        var window = region ?? PixelRegion.Whole(outer.Height, outer.Width);
        int bands = outer.Bands;
        var data = new float[window.PixelCount * bands];
        foreach (var t in table.Tiles)
        {
            if (t.Rect.Intersect(window) is not { } part) continue;
            var local = part with { X = part.X - t.Rect.X, Y = part.Y - t.Rect.Y };
            var piece = ArchiveDecoder.DecodeParsed(t.Header, t.Payload, path, device, local == PixelRegion.Whole(t.Rect.Height, t.Rect.Width) ? null : local);
            long rowSamples = (long)part.Width * bands;
            for (int r = 0; r < part.Height; r++)
                Array.Copy(piece.Data, r * rowSamples, data, ((long)(part.Y - window.Y + r) * window.Width + (part.X - window.X)) * bands, rowSamples);
            piece = null;
            ReleaseTileMemory();
        }
        return new HsiCube(outer.Name, window.Height, window.Width, bands, data, outer.OriginalType)
        {
            Wavelengths = outer.Wavelengths?.Select(v => (double)v).ToArray(),
        };
    }

    /// <summary>A tile's seed: <paramref name="seed"/> and the tile's index mixed (SplitMix64), so tiles do not
    /// share random streams and the same -Seed gives the same archive.</summary>
    public static long TileSeed(long seed, int index)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) & long.MaxValue);
    }

    /// <summary>The tile's sum of squared errors and sample count, from the PSNR its encoder measured (R = the
    /// tile's range) or, when that cannot be inverted (a constant tile), by decoding the tile again.</summary>
    private static (double Sse, long Count) SquaredError(HsiCube tile, CompressionResult r)
    {
        long count = tile.SampleCount - tile.NonFiniteCount;
        double range = tile.MaxValue - tile.MinValue;
        if (double.IsPositiveInfinity(r.Psnr)) return (0, count);
        if (range > 0 && double.IsFinite(r.Psnr)) return (range * range / Math.Pow(10, r.Psnr / 10) * count, count);
        var q = QualityMetrics.Compare(tile, ArchiveDecoder.Decode(r.Archive));
        return (q.Mse * count, count);
    }

    /// <summary>
    /// Frees what the finished tile left for the garbage collector before the next one starts. Torch tensors that a
    /// codec did not dispose hold native memory the GC cannot see, so without this each tile's leftovers (hundreds of
    /// MB for a 256 × 256 × 224 tile) piled up until a collection happened to run: peak memory then grew with the
    /// number of tiles instead of staying at the cube plus one tile.
    /// </summary>
    internal static void ReleaseTileMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Re-labels a tile's progress as "tile i/N" and scales it to the whole encode.</summary>
    private sealed class TileProgress(IProgress<FitProgress> outer, int tile, int count, double doneBefore, double fraction, Stopwatch clock) : IProgress<FitProgress>
    {
        public void Report(FitProgress p)
        {
            double overall = doneBefore + fraction * Math.Clamp(p.PercentComplete, 0, 100) / 100.0;
            TimeSpan? left = overall > 0 ? clock.Elapsed * ((1 - overall) / overall) : null;
            outer.Report(p with
            {
                Stage = $"tile {tile}/{count}: {p.Stage}",
                Elapsed = clock.Elapsed,
                Remaining = left,
                PercentComplete = (int)Math.Clamp(100 * overall, 0, 100),
                Tile = tile,
                TileCount = count,
            });
        }
    }
}
