using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Tests;

[Collection("Torch")]
public class PixelCorrectionsTests
{
    private const int H = 20, W = 20, Bands = 30;
    private static readonly int[] Anomalies = [21, 57, 58, 203, 390];

    /// <summary>A smooth "network output" and a target that differs from it by two spectral shapes at a few pixels
    /// plus faint noise everywhere: the case corrections exist for.</summary>
    private static (float[] Target, float[] Approx) AnomalousScene()
    {
        var rng = new Random(4);
        var approx = new float[H * W * Bands];
        for (int p = 0; p < H * W; p++)
            for (int b = 0; b < Bands; b++)
                approx[p * Bands + b] = 1000 + 300 * MathF.Sin(p * 0.05f + b * 0.2f);
        var target = approx.Select(v => v + (float)(rng.NextDouble() - 0.5)).ToArray();
        foreach (int p in Anomalies)
            for (int b = 0; b < Bands; b++)
                target[p * Bands + b] += (p % 2 == 0 ? 400 : -250) * MathF.Exp(-0.02f * (b - 10) * (b - 10)) + (p % 3) * 60 * (b < 15 ? 1 : -1);
        return (target, approx);
    }

    private static double Sse(float[] a, float[] b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum();

    [Fact]
    public void CorrectionsFindTheAnomalousPixelsAndRemoveMostOfTheirError()
    {
        var (target, approx) = AnomalousScene();
        var c = PixelCorrections.Fit(target, approx, Bands, 2000);
        Assert.NotNull(c);
        Assert.Subset(c.Pixels.ToHashSet(), Anomalies.ToHashSet());
        var corrected = (float[])approx.Clone();
        c.Apply(corrected, W, PixelRegion.Whole(H, W));
        double before = Sse(target, approx), after = Sse(target, corrected);
        Assert.True(after < 0.02 * before, $"SSE {before:G4} -> {after:G4}");
        Assert.True(c.ToBytes().Length <= 2000);
    }

    [Fact]
    public void CorrectionsNeverExceedTheirBytes()
    {
        var (target, approx) = AnomalousScene();
        Assert.Null(PixelCorrections.Fit(target, approx, Bands, 20));
        foreach (long bytes in new[] { 60L, 120, 400 })
        {
            var c = PixelCorrections.Fit(target, approx, Bands, bytes);
            Assert.NotNull(c);
            Assert.True(c.ToBytes().Length <= bytes, $"{c.ToBytes().Length} > {bytes}");
        }
        // Nothing to correct: no corrections, not empty ones.
        Assert.Null(PixelCorrections.Fit(approx, approx, Bands, 2000));
    }

    [Fact]
    public void TheSectionRoundTripsAndAWindowGetsTheSameCorrections()
    {
        var (target, approx) = AnomalousScene();
        var c = PixelCorrections.Fit(target, approx, Bands, 2000)!;
        var bytes = c.ToBytes();
        var back = PixelCorrections.Read(bytes, Bands, H * W, null);
        Assert.Equal(c.Pixels, back.Pixels);
        Assert.Equal(c.BasisCodes, back.BasisCodes);
        Assert.Equal(c.CoefficientCodes, back.CoefficientCodes);
        Assert.Equal(c.BasisSteps.Concat(c.CoefficientSteps), back.BasisSteps.Concat(back.CoefficientSteps));
        Assert.Equal(bytes, back.ToBytes());

        var whole = (float[])approx.Clone();
        back.Apply(whole, W, PixelRegion.Whole(H, W));
        var window = new PixelRegion(X: 15, Y: 1, Width: 5, Height: 3); // holds pixel 57 and 58 (row 2, columns 17, 18)
        var part = new float[window.PixelCount * Bands];
        for (int r = 0; r < window.Height; r++)
            Array.Copy(approx, ((window.Y + r) * W + window.X) * Bands, part, r * window.Width * Bands, window.Width * Bands);
        back.Apply(part, W, window);
        for (int r = 0; r < window.Height; r++)
            for (int i = 0; i < window.Width * Bands; i++)
                Assert.Equal(whole[((window.Y + r) * W + window.X) * Bands + i], part[r * window.Width * Bands + i]);
    }

    [Fact]
    public void CorruptSectionsAreRejectedBeforeAllocating()
    {
        var (target, approx) = AnomalousScene();
        var bytes = PixelCorrections.Fit(target, approx, Bands, 2000)!.ToBytes();
        void Corrupt(byte[] b, long pixels = H * W)
        {
            var e = Assert.Throws<HsiException>(() => PixelCorrections.Read(b, Bands, pixels, "x.hsiinr"));
            Assert.Equal(HsiErrorKind.CorruptArchive, e.Kind);
        }
        var tooMany = (byte[])bytes.Clone();
        BitConverter.GetBytes(uint.MaxValue).CopyTo(tooMany, 0);
        Corrupt(tooMany);
        var noRank = (byte[])bytes.Clone();
        noRank[4] = 0;
        Corrupt(noRank);
        Corrupt(bytes[..^3]);
        Corrupt(bytes[..4]);
        // The last corrected pixel (390) lies outside a 300-pixel grid.
        Corrupt(bytes, pixels: 300);
    }

    [Fact]
    public void TheCompactCodecSpendsTheBytesItLeftOnTheWorstPixels()
    {
        // A smooth cube with a few anomalous pixels: a short fit leaves them wrong and bytes under the budget.
        var smooth = CodecTestData.SmoothCube(24, 24, 40);
        var data = (float[])smooth.Data.Clone();
        foreach (int p in new[] { 30, 31, 300, 451 })
            for (int b = 0; b < 40; b++) data[p * 40 + b] += 3000 * MathF.Exp(-0.05f * (b - 12) * (b - 12));
        var cube = new HsiCube("anomalies", 24, 24, 40, data, SampleType.UInt16);
        var r = InrCodec.Compress(cube, new InrOptions { Bpppb = 1.0, Layers = 3, Iterations = 300, LearningRate = 2e-3, Seed = 3, Device = DeviceKind.Cpu });
        Assert.True(r.Bpppb <= 1.0, $"actual {r.Bpppb}");
        var (h, payload) = ArchiveFormat.Read(r.Archive);
        Assert.Equal(CompactPayload.CorrectedKind, payload.Span[0]);
        var parsed = CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount);
        Assert.NotNull(parsed.Corrections);
        Assert.Contains(" px ", r.Variant);
        Assert.Equal(parsed.Corrections.Count, HsiArchive.FromResult(r, null).CorrectedPixels);
        Assert.Equal(r.Psnr, QualityMetrics.Compare(cube, ArchiveDecoder.Decode(r.Archive)).Psnr, 9);
        // The same archive without its corrections decodes worse: they are what lifted the PSNR.
        var networkOnly = ArchiveHeaders.ToCube(h, CompactCodec.DecodeSamples(h, parsed with { Corrections = null }));
        double without = QualityMetrics.Compare(cube, networkOnly).Psnr;
        Assert.True(r.Psnr > without + 0.5, $"with {r.Psnr:0.00} dB, without {without:0.00} dB");
        // A kind 6 payload whose corrections section is missing is corrupt, not a kind 5 one.
        var cut = parsed.ToBytes(CompactPayload.Kind);
        cut[0] = CompactPayload.CorrectedKind;
        Assert.Equal(HsiErrorKind.CorruptArchive, Assert.Throws<HsiException>(() => CompactPayload.Parse(cut, h.Bands, h.PixelCount)).Kind);
    }
}
