using System.Buffers.Binary;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Tests;

/// <summary>Tiled archives: planning, round trips (INR and a baseline), rate, regions, seeds and the strict table parser.</summary>
[Collection("Torch")]
public class TileTests
{
    // 20×17 with tiles of at most 8: strips of 7, 7, 6 rows and tiles of 6, 6, 5 columns — uneven edges.
    // A pinned thread count: other fits running on the machine must not change the sums' order (see CoreShare).
    private static readonly InrOptions TinyInr = new() { Layers = 2, Width = 8, Iterations = 30, Device = DeviceKind.Cpu, Threads = 2 };
    private static readonly Lazy<HsiCube> Cube = new(() =>
    {
        var c = CodecTestData.SmoothCube(20, 17, 12);
        c.Wavelengths = Enumerable.Range(0, 12).Select(i => 400.0 + 10 * i).ToArray();
        return c;
    });
    private static readonly Lazy<CompressionResult> TiledInr = new(() => CubeCompressor.Compress(Cube.Value, CodecId.Inr, TinyInr, tileSize: 8));
    private static readonly Lazy<HsiCube> TiledInrDecoded = new(() => ArchiveDecoder.Decode(TiledInr.Value.Archive));

    [Fact]
    public void PlanSplitsEvenlyAndTilesOnlyLargeCubesByDefault()
    {
        Assert.Equal([(0, 7), (7, 7), (14, 6)], TileGrid.Split(20, 8));
        Assert.Null(TileGrid.Plan(100, 100, 198, null));       // the sample's size: one piece, as before
        Assert.Null(TileGrid.Plan(610, 340, 103, null));       // Pavia University's size
        Assert.Null(TileGrid.Plan(2048, 2048, 224, 0));        // 0 never tiles
        Assert.Null(TileGrid.Plan(20, 17, 12, 32));            // fits one tile
        var cuprite = TileGrid.Plan(614, 512, 224, null)!;
        Assert.Equal(6, cuprite.Count);
        Assert.Equal(new PixelRegion(256, 410, 256, 204), cuprite[^1]);
        Assert.Equal(64, TileGrid.Plan(2048, 2048, 224, null)!.Count);
        Assert.Equal(HsiErrorKind.InvalidArgument, Assert.Throws<HsiException>(() => TileGrid.Plan(20, 17, 12, 5)).Kind);
    }

    [Fact]
    public void TiledInrRoundTripsWithTheWholeCubesMetadata()
    {
        var r = TiledInr.Value;
        Assert.Equal(9, r.Tiles);
        Assert.Equal(CodecId.Tiled, r.Header.Codec);
        Assert.Equal(CodecId.Inr, r.TileCodec);
        var d = TiledInrDecoded.Value;
        Assert.Equal((20, 17, 12), (d.Height, d.Width, d.Bands));
        Assert.Equal(SampleType.UInt16, d.OriginalType);
        Assert.Equal("smooth", d.Name);
        Assert.Equal(Cube.Value.Wavelengths, d.Wavelengths);
        // The encoder's whole-cube PSNR (assembled from the tiles' errors) is what a decode measures.
        double psnr = QualityMetrics.Compare(Cube.Value, d).Psnr;
        Assert.True(psnr > 15, $"PSNR {psnr}");
        Assert.Equal(psnr, r.Psnr, 3);
        // Each tile decodes on its own to the same samples as in the whole.
        var table = TiledPayload.Parse(r.Header, ArchiveFormat.Read(r.Archive).Payload, null);
        var last = table.Tiles[^1];
        Assert.Equal(new PixelRegion(12, 14, 5, 6), last.Rect);
        var alone = ArchiveDecoder.DecodeParsed(last.Header, last.Payload, null, DeviceKind.Cpu, null);
        Assert.Equal(d.Crop(14, 12, 6, 5).Data, alone.Data);
    }

    [Fact]
    public void RegionOfATiledArchiveIsTheCropOfTheFullDecode()
    {
        var full = TiledInrDecoded.Value;
        foreach (var region in new[] { new PixelRegion(3, 5, 9, 10), new PixelRegion(0, 0, 17, 20), new PixelRegion(16, 19, 1, 1), new PixelRegion(6, 7, 6, 7) })
        {
            var part = ArchiveDecoder.Decode(TiledInr.Value.Archive, region: region);
            Assert.Equal((region.Height, region.Width, 12), (part.Height, part.Width, part.Bands));
            AssertSameNetworkOutput(full.Crop(region.Y, region.X, region.Height, region.Width).Data, part.Data);
        }
        var e = Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(TiledInr.Value.Archive, region: new PixelRegion(10, 0, 8, 4)));
        Assert.Equal(HsiErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("not inside", e.Message);
    }

    [Fact]
    public void RegionOfAnUntiledInrEvaluatesOnlyTheWindow()
    {
        var archive = InrCodec.Compress(Cube.Value, TinyInr).Archive;
        var full = ArchiveDecoder.Decode(archive);
        var part = ArchiveDecoder.Decode(archive, region: new PixelRegion(4, 3, 7, 9));
        AssertSameNetworkOutput(full.Crop(3, 4, 9, 7).Data, part.Data);
    }

    /// <summary>Same coordinates, same network: equal samples, but matrix kernels may block a smaller batch
    /// differently, so a rare sample may round to the neighbouring integer.</summary>
    private static void AssertSameNetworkOutput(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1));
        Assert.True(expected.Zip(actual).Count(p => p.First == p.Second) >= expected.Length * 0.99);
    }

    [Fact]
    public void TiledBaselineMeetsTheWholeFileRateAndCropsRegions()
    {
        var cube = CodecTestData.SmoothCube(40, 37, 12);
        var r = CubeCompressor.Compress(cube, CodecId.PcaDct, new InrOptions { Bpppb = 1.0 }, tileSize: 16);
        Assert.Equal(9, r.Tiles);
        Assert.True(r.Archive.Length * 8.0 / cube.SampleCount <= 1.0, $"{r.Bpppb} bpppb");
        Assert.True(r.Bpppb > 0.8, $"budget left unused: {r.Bpppb} bpppb");
        var d = ArchiveDecoder.Decode(r.Archive);
        Assert.True(QualityMetrics.Compare(cube, d).Psnr > 30);
        var part = ArchiveDecoder.Decode(r.Archive, region: new PixelRegion(10, 11, 20, 15));
        Assert.Equal(d.Crop(11, 10, 15, 20).Data, part.Data);
        // The header alone tells what the file is.
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("t.hsiinr"), r.Archive);
        var info = HsiArchive.Open(dir.File("t.hsiinr"));
        Assert.Equal((CodecId.PcaDct, 9, 40, 37), (info.Codec, info.Tiles, info.Height, info.Width));
        Assert.Equal(r.Bpppb, info.Bpppb, 9);
    }

    [Fact]
    public void SameSeedSameBytesAndTilesGetTheirOwnSeeds()
    {
        var cube = Cube.Value.Crop(0, 0, 12, 17);
        var a = CubeCompressor.Compress(cube, CodecId.Inr, TinyInr, tileSize: 9).Archive;
        var b = CubeCompressor.Compress(cube, CodecId.Inr, TinyInr, tileSize: 9).Archive;
        var c = CubeCompressor.Compress(cube, CodecId.Inr, TinyInr with { Seed = 7 }, tileSize: 9).Archive;
        // Every byte, outer and tile headers and CRCs included: archives hold no wall time.
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var (h, p) = ArchiveFormat.Read(a);
        Assert.Equal(42, h.Seed);
        var seeds = TiledPayload.Parse(h, p, null).Tiles.Select(t => t.Header.Seed).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(TiledCodec.TileSeed(42, 0), seeds[0]);
    }

    [Fact]
    public void ProgressNamesTheTileAndCancellationStopsBetweenTiles()
    {
        var cube = Cube.Value.Crop(0, 0, 12, 17);
        using var cts = new CancellationTokenSource();
        var seen = new List<FitProgress>();
        var progress = new SyncProgress(p => { seen.Add(p); if (p.Tile == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => CubeCompressor.Compress(cube, CodecId.Inr, TinyInr, 9, progress, cts.Token));
        Assert.Contains(seen, p => p.Tile == 1 && p.TileCount == 4 && p.Stage.StartsWith("tile 1/4"));
        Assert.DoesNotContain(seen, p => p.Tile == 3);
    }

    [Theory]
    [InlineData("overlap", "overlaps")]
    [InlineData("outside", "outside")]
    [InlineData("gap", "gap")]
    [InlineData("count", "can hold at most")]
    [InlineData("length", "runs past the end")]
    [InlineData("incomplete", "incomplete")]
    [InlineData("nested", "Tile 1 of 9")]
    public void ParserRejectsBadTablesWithSpecificErrors(string damage, string expected)
    {
        var (h, p) = ArchiveFormat.Read(TiledInr.Value.Archive);
        var payload = p.ToArray();
        Span<byte> Entry(int i) => payload.AsSpan(TiledPayload.FixedBytes + TiledPayload.EntryBytes * i, TiledPayload.EntryBytes);
        switch (damage)
        {
            case "overlap": BinaryPrimitives.WriteUInt32LittleEndian(Entry(1), 3); break;          // tile 2 starts inside tile 1
            case "outside": BinaryPrimitives.WriteUInt32LittleEndian(Entry(2)[8..], 9); break;     // tile 3 ends past column 17
            case "gap": BinaryPrimitives.WriteUInt32LittleEndian(Entry(3)[4..], 8); break;         // strip 2 starts a row late
            case "count": BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(3), 1000); break;
            case "length": BinaryPrimitives.WriteUInt32LittleEndian(Entry(8)[16..], BinaryPrimitives.ReadUInt32LittleEndian(Entry(8)[16..]) + 1); break;
            case "incomplete":
                // Drop the last tile: the count shrinks, its entry and archive go, and the bytes still add up.
                int lastLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(Entry(8)[16..]);
                var shorter = payload[..TiledPayload.FixedBytes].Concat(payload[TiledPayload.FixedBytes..(int)TiledPayload.TableBytes(8)])
                    .Concat(payload[(int)TiledPayload.TableBytes(9)..^lastLen]).ToArray();
                BinaryPrimitives.WriteUInt32LittleEndian(shorter.AsSpan(3), 8);
                payload = shorter;
                break;
            case "nested": payload[(int)TiledPayload.TableBytes(9) + 20] ^= 0xFF; break;         // inside tile 1's archive: its CRC fails
        }
        var resealed = ArchiveFormat.Write(h, payload);
        var e = Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(resealed));
        Assert.Equal(damage == "nested" ? HsiErrorKind.ChecksumMismatch : HsiErrorKind.CorruptArchive, e.Kind);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EveryTruncationAndUnknownLayoutIsRefused()
    {
        var (h, p) = ArchiveFormat.Read(TiledInr.Value.Archive);
        var payload = p.ToArray();
        for (int n = 0; n < payload.Length; n += 7)
            Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(ArchiveFormat.Write(h, payload[..n])));
        payload[0] = 2;
        Assert.Equal(HsiErrorKind.UnsupportedVersion, Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(ArchiveFormat.Write(h, payload))).Kind);
    }

    private sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => report(value);
    }
}
