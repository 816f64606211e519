using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Baselines;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using Xunit.Abstractions;

namespace HsiInr.Core.Tests;

/// <summary>
/// The classical baselines on a 32×32 crop of the bundled sample (32×32×198, uint16). One class, so tests that
/// swap <see cref="OpenJpegTool.SearchPath"/> never run beside a JPEG2000 encode.
/// </summary>
public class BaselineTests(ITestOutputHelper output)
{
    private static readonly Lazy<HsiCube> Sample = new(() =>
        CubeFile.Read(Path.Combine(TestData.RepoRoot, "samples", "jasper-ridge-64.mat")).Crop(0, 0, 32, 32));

    /// <summary>A tiny cube (16×16×4) for fuzzing, where every decode may start OpenJPEG once per band.</summary>
    private static HsiCube Tiny()
    {
        var crop = Sample.Value.Crop(0, 0, 16, 16);
        int[] bands = [10, 60, 110, 160];
        var data = new float[16 * 16 * bands.Length];
        for (int p = 0; p < 256; p++)
            for (int b = 0; b < bands.Length; b++) data[p * bands.Length + b] = crop.Data[p * crop.Bands + bands[b]];
        return new HsiCube("tiny", 16, 16, bands.Length, data, SampleType.UInt16);
    }

    // PSNR floors are about 3 dB under what was measured on this crop (in brackets). JPEG cannot go below about
    // 0.9 bpppb here (per-band Huffman tables and scales), per-band JPEG2000 not below about 0.27 (packet headers).
    [Theory]
    [InlineData(CodecId.Jpeg, 1.0, 25.0)]        // [28.1 dB, q=8]
    [InlineData(CodecId.Jpeg, 2.0, 31.0)]        // [33.9 dB, q=48]
    [InlineData(CodecId.Jpeg2000, 0.3, 19.0)]    // [21.7 dB]
    [InlineData(CodecId.Jpeg2000, 0.5, 22.0)]    // [24.7 dB]
    [InlineData(CodecId.PcaDct, 0.2, 36.5)]      // [39.5 dB, k=4]
    [InlineData(CodecId.PcaDct, 0.5, 43.0)]      // [46.3 dB, k=12]
    [InlineData(CodecId.PcaJpeg2000, 0.2, 36.0)] // [39.1 dB, k=4]
    [InlineData(CodecId.PcaJpeg2000, 0.5, 43.0)] // [45.9 dB, k=12]
    public void Meets_the_rate_within_10_percent_and_a_psnr_floor(CodecId codec, double bpppb, double psnrFloor)
    {
        var cube = Sample.Value;
        var r = BaselineCompressor.Compress(cube, codec, bpppb);
        output.WriteLine($"{codec} target {bpppb}: {r.Bpppb:0.####} bpppb, {r.Psnr:0.00} dB, {r.Variant}, {r.EncodeSeconds:0.00} s");

        Assert.Equal(r.Archive.Length * 8.0 / (32 * 32 * 198), r.Bpppb, 12);
        Assert.InRange(r.Bpppb, 0.9 * bpppb, bpppb);
        Assert.True(r.Psnr >= psnrFloor, $"PSNR {r.Psnr:0.00} dB is below the floor {psnrFloor} dB");
        Assert.Equal(codec, r.Header.Codec);
        Assert.Equal(0, r.Layers);
        Assert.Equal(0, r.PaperBpppb);
        Assert.False(string.IsNullOrEmpty(r.Variant));

        var decoded = ArchiveDecoder.Decode(r.Archive);
        Assert.Equal(SampleType.UInt16, decoded.OriginalType);
        Assert.All(decoded.Data, v => Assert.Equal(Math.Round(v), v));
        Assert.Equal(r.Psnr, Metrics.QualityMetrics.Compare(cube, decoded).Psnr, 9);
        Assert.Equal(cube.Wavelengths!.Select(v => (float)v), decoded.Wavelengths!.Select(v => (float)v));
    }

    [Fact]
    public void Open_reads_a_baseline_archive_without_a_network()
    {
        using var tmp = new TempDir();
        var r = BaselineCompressor.Compress(Sample.Value, CodecId.PcaDct, 0.3);
        File.WriteAllBytes(tmp.File("a.hsiinr"), r.Archive);
        var a = HsiArchive.Open(tmp.File("a.hsiinr"));
        Assert.Equal(CodecId.PcaDct, a.Codec);
        Assert.Equal(0, a.Layers);
        Assert.Equal(0, a.LayerWidth);
        Assert.Equal(0, a.PaperBpppb);
        Assert.Equal(r.Bpppb, a.Bpppb, 12);
        Assert.Equal(r.Psnr, a.Psnr, 3);
        Assert.Equal(r.Psnr, Metrics.QualityMetrics.Compare(Sample.Value, ArchiveDecoder.DecodeFile(tmp.File("a.hsiinr"))).Psnr, 9);
    }

    [Theory]
    [InlineData(CodecId.Jpeg, 300)]
    [InlineData(CodecId.Jpeg2000, 150)]
    [InlineData(CodecId.PcaDct, 400)]
    [InlineData(CodecId.PcaJpeg2000, 150)]
    public void Mutated_payloads_decode_or_throw_HsiException(CodecId codec, int mutations)
    {
        var cube = Tiny();
        var codecImpl = CodecRegistry.Get(codec);
        var header = ArchiveHeaders.For(cube, codec, 42);
        double rate = codec switch { CodecId.Jpeg => 16, CodecId.Jpeg2000 => 6, _ => 3 };
        var payload = codecImpl.EncodePayload(cube, header, rate, null, default);
        Assert.Equal(cube.SampleCount, codecImpl.DecodePayload(header, payload, null).Length);
        var rng = new Random((int)codec);
        int threw = 0;
        for (int t = 0; t < mutations; t++)
        {
            var m = Mutate(payload, rng);
            try
            {
                var data = codecImpl.DecodePayload(header, m, "fuzz");
                Assert.Equal(cube.SampleCount, data.Length);
            }
            catch (HsiException e)
            {
                Assert.Equal(HsiErrorKind.CorruptArchive, e.Kind);
                threw++;
            }
        }
        output.WriteLine($"{codec}: {threw}/{mutations} mutations rejected");
    }

    private static byte[] Mutate(byte[] p, Random rng)
    {
        var m = p.ToList();
        switch (rng.Next(4))
        {
            case 0: // flip bits in a few bytes, biased to the start where the sizes are
                for (int i = rng.Next(1, 4); i > 0 && m.Count > 0; i--)
                {
                    int at = rng.Next(2) == 0 ? rng.Next(Math.Min(m.Count, 64)) : rng.Next(m.Count);
                    m[at] ^= (byte)(1 << rng.Next(8));
                }
                break;
            case 1: m.RemoveRange(rng.Next(m.Count), 1); break; // delete a byte
            case 2: { int at = rng.Next(m.Count); m.RemoveRange(at, m.Count - at); break; } // truncate
            default:
                m.Insert(rng.Next(m.Count), (byte)rng.Next(256));
                break;
        }
        return m.ToArray();
    }

    [Fact]
    public void Missing_opj_compress_is_reported_with_the_install_command()
    {
        using var empty = new TempDir();
        var saved = OpenJpegTool.SearchPath;
        OpenJpegTool.SearchPath = empty.Path;
        try
        {
            foreach (var codec in new[] { CodecId.Jpeg2000, CodecId.PcaJpeg2000 })
            {
                var e = Assert.Throws<HsiException>(() => BaselineCompressor.Compress(Tiny(), codec, 2));
                Assert.Equal(HsiErrorKind.ExternalToolMissing, e.Kind);
                Assert.Contains("opj_compress", e.Message);
                Assert.Contains("sudo apt-get install libopenjp2-tools", e.Message);
            }
        }
        finally { OpenJpegTool.SearchPath = saved; }
    }

    [Fact]
    public void A_rate_below_the_codecs_floor_says_what_is_reachable()
    {
        var e = Assert.Throws<RateBelowFloorException>(() => BaselineCompressor.Compress(Sample.Value, CodecId.Jpeg, 0.1));
        Assert.Equal(HsiErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("smallest archive is", e.Message);
        // The floor it reports is reachable: compressing at it succeeds and lands at or under it.
        var atFloor = BaselineCompressor.Compress(Sample.Value, CodecId.Jpeg, e.MinimumBpppb * 1.001);
        Assert.True(atFloor.Bpppb <= e.MinimumBpppb * 1.001);
    }

    [Fact]
    public void Inr_is_not_a_registered_baseline()
    {
        Assert.Equal(HsiErrorKind.InvalidArgument, Assert.Throws<HsiException>(() => CodecRegistry.Get(CodecId.Inr)).Kind);
        Assert.All(CodecRegistry.Baselines, id => Assert.Equal(id, CodecRegistry.Get(id).Id));
    }

    [Fact]
    public void Jpeg_is_single_component_grayscale()
    {
        var jpeg = JpegCodec.EncodeGray(Enumerable.Range(0, 64 * 64).Select(i => (byte)(i % 251)).ToArray(), 64, 64, 75);
        // SOF0 segment: FFC0, length, precision, height, width, component count.
        int sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        Assert.Equal(1, jpeg[sof + 9]);
    }

    [Fact]
    public void Dct_round_trips_and_pca_recovers_a_rank_two_cube()
    {
        var rng = new Random(5);
        var img = Enumerable.Range(0, 13 * 21).Select(_ => (float)rng.NextDouble()).ToArray();
        var back = BlockDct.Inverse(BlockDct.Forward(img, 13, 21), 13, 21);
        for (int i = 0; i < img.Length; i++) Assert.Equal(img[i], back[i], 4);

        var data = new float[10 * 10 * 6];
        for (int p = 0; p < 100; p++)
            for (int b = 0; b < 6; b++) data[p * 6 + b] = 100 + (p % 10) * (b + 1) + (p / 10) * (6 - b);
        var pca = SpectralPca.Compute(new HsiCube("r2", 10, 10, 6, data));
        Assert.True(pca.Eigenvalues[2] < 1e-9 * pca.Eigenvalues[0]);
    }
}
