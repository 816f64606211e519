using System.Buffers.Binary;
using System.IO.Hashing;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.IO;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Tests;

[Collection("Torch")]
public class CompactCodecTests
{
    private static InrOptions Options(double bpppb, int iterations = 300, long seed = 3) =>
        new() { Bpppb = bpppb, Layers = 3, Iterations = iterations, LearningRate = 2e-3, Seed = seed, Device = DeviceKind.Cpu };

    private static readonly Lazy<(Cube.HsiCube Cube, CompressionResult Result)> Fitted = new(() =>
    {
        var cube = CodecTestData.SmoothCube(24, 24, 40);
        return (cube, InrCodec.Compress(cube, Options(1.0)));
    });

    [Fact]
    public void ArchiveFitsTheBudgetAndDecodesToTheReportedQuality()
    {
        var (cube, r) = Fitted.Value;
        Assert.True(r.Bpppb <= 1.0, $"actual {r.Bpppb}");
        Assert.True(r.Bpppb >= 0.8, $"actual {r.Bpppb} wastes the budget");
        Assert.Equal(r.Archive.Length * 8.0 / cube.SampleCount, r.Bpppb, 12);
        var decoded = ArchiveDecoder.Decode(r.Archive);
        Assert.Equal(r.Psnr, QualityMetrics.Compare(cube, decoded).Psnr, 9);
        // A smooth 24×24×40 cube in 300 iterations of a 3-layer compact network: comfortably above 35 dB.
        Assert.True(r.Psnr > 35, $"PSNR {r.Psnr:0.00}");
        Assert.Equal(2, ArchiveFormat.Read(r.Archive).Header.FormatVersion);
        Assert.True(r.Rank >= 1 && r.WeightBits == 8);
    }

    [Fact]
    public void ABlownUpFitGoesBackToItsLastGoodWeights()
    {
        // A blow-up made on purpose: at step 200 every weight is scaled by 8, which wrecks a sine network the way a
        // diverging Adam step does. The guard must notice, restore the last good weights and carry on from there.
        var cube = CodecTestData.SmoothCube(24, 24, 40);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var coords = CubeTensors.Grid(cube.Height, cube.Width, TorchSharp.torch.CPU);
        var target = CubeTensors.NormalisedTarget(cube, cube.MinValue, cube.MaxValue, TorchSharp.torch.CPU);
        var pca = SpectralPca.Fit(target, 4);
        var model = new CompactSiren(3, 24, 4, cube.Bands);
        using (var gen = new TorchSharp.torch.Generator(5)) model.Initialize(gen, pca.Basis, pca.Mean);
        var schedule = new CompactSchedule { Iterations = 400, PeakLearningRate = 2e-3, QuantisedFraction = 0 };
        using var trainer = new CompactTrainer(model, coords, target, schedule, 5);
        double beforeBlowUp = double.NaN, justAfter = double.NaN;
        trainer.Train(new System.Diagnostics.Stopwatch(), null, t =>
        {
            if (t.IterationsDone == 200)
            {
                beforeBlowUp = t.Mse();
                using (TorchSharp.torch.no_grad()) foreach (var p in t.Model.parameters()) p.mul_(8);
                justAfter = t.Mse();
            }
        }, CancellationToken.None);
        Assert.True(justAfter > 100 * beforeBlowUp, $"the blow-up must be real: {beforeBlowUp} -> {justAfter}");
        Assert.InRange(trainer.Recoveries, 1, 3);
        // The guard rebuilds Adam: the rebuilt one keeps the schedule's β2.
        Assert.Equal(CompactDefaults.AdamBeta2, trainer.AdamBeta2);
        Assert.True(trainer.Mse() < 2 * beforeBlowUp, $"final MSE {trainer.Mse()} vs {beforeBlowUp} before the blow-up");
    }

    [Fact]
    public void RateControlDuringQuantisedTrainingKeepsItsQuantisationSteps()
    {
        // A rate far too high drives the weights (and the coded size) up during quantisation-aware training, so the
        // rate controller coarsens the grid mid-fit. Its new steps were once freed with the controller's dispose
        // scope, and the next step crashed on a disposed tensor.
        var cube = CodecTestData.SmoothCube(24, 24, 40);
        var r = InrCodec.Compress(cube, Options(1.0) with { LearningRate = 0.2 });
        Assert.True(r.Bpppb <= 1.0, $"actual {r.Bpppb}");
        Assert.Equal(r.Psnr, QualityMetrics.Compare(cube, ArchiveDecoder.Decode(r.Archive)).Psnr, 9);
    }

    [Fact]
    public void WiderTrunksTrainAtASmallerPeakRate()
    {
        // Up to 64 wide the full rate; above, × √(64 / width) (a 198-wide trunk at the full rate never fitted).
        Assert.Equal(CompactDefaults.LearningRate, CompactDefaults.LearningRateFor(8));
        Assert.Equal(CompactDefaults.LearningRate, CompactDefaults.LearningRateFor(64));
        Assert.Equal(CompactDefaults.LearningRate / 2, CompactDefaults.LearningRateFor(256), 12);
        Assert.Equal(2e-4, new InrOptions { Recipe = InrRecipe.Paper }.LearningRateOrDefault(256));
        Assert.Equal(1e-3, new InrOptions { LearningRate = 1e-3 }.LearningRateOrDefault(256));
    }

    [Theory]
    [InlineData(6000, 0.05, 5700)] // the default: 5 % of a full fit
    [InlineData(1000, 0.05, 800)]  // a short fit still gets MinQuantisedSteps
    [InlineData(300, 0.05, 150)]   // and a very short one half its steps
    [InlineData(400, 0.0, 400)]    // 0 = no quantised phase
    public void TheQuantisedPhaseIsTheLastFewPercentButNeverTooShort(int iterations, double fraction, int start)
    {
        Assert.Equal(start, new CompactSchedule { Iterations = iterations, QuantisedFraction = fraction }.QuantStart);
        Assert.Equal(CompactDefaults.QuantisedFraction, new CompactSchedule().QuantisedFraction);
    }

    [Fact]
    public void AHealthyFitIsLeftAlone() => Assert.DoesNotContain("recovered", Fitted.Value.Result.Variant);

    [Fact]
    public void PayloadRoundTripsBitExactly()
    {
        var (h, payload) = ArchiveFormat.Read(Fitted.Value.Result.Archive);
        Assert.True(InrPayloads.IsCompact(h));
        var parsed = CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount);
        Assert.Equal(payload.ToArray(), parsed.ToBytes());
        var d = InrPayloads.Describe(h, payload, null);
        Assert.Equal((Fitted.Value.Result.Layers, Fitted.Value.Result.Width, Fitted.Value.Result.Rank), (d.Layers, d.Width, d.Rank));
    }

    [Fact]
    public void SameSeedGivesTheSameArchive()
    {
        var cube = CodecTestData.SmoothCube(16, 16, 20);
        byte[] a = InrCodec.Compress(cube, Options(1.5, 40)).Archive, b = InrCodec.Compress(cube, Options(1.5, 40)).Archive;
        Array.Clear(a, 56, 4); Array.Clear(b, 56, 4);          // encode seconds
        Array.Clear(a, a.Length - 4, 4); Array.Clear(b, b.Length - 4, 4);
        Assert.Equal(a, b);
    }

    [Fact]
    public void ATightBudgetCoarsensTheStepsAndStillFits()
    {
        var cube = CodecTestData.SmoothCube(24, 24, 40);
        // Fixing a wide network leaves the rate controller only the quantisation steps to meet the budget with.
        var r = InrCodec.Compress(cube, Options(0.9, 60) with { Layers = 3, Width = 40 });
        Assert.True(r.Bpppb <= 0.9, $"actual {r.Bpppb}");
        Assert.Contains("c", r.Variant);
        Assert.DoesNotContain(" c1.00", r.Variant);
    }

    [Fact]
    public void MutatedCompactArchivesGiveErrorsOrCubesNeverCrashes()
    {
        var bytes = Fitted.Value.Result.Archive;
        var rng = new Random(77);
        int errors = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var m = (byte[])bytes.Clone();
            // The fixed header's fields are covered by the container tests; here the payload is the target.
            for (int k = rng.Next(1, 4); k > 0; k--) m[rng.Next(ArchiveFormat.FixedHeaderBytes, m.Length - 4)] = (byte)rng.Next(256);
            BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(m.Length - 4), Crc32.HashToUInt32(m.AsSpan(0, m.Length - 4)));
            try { Assert.Equal(24 * 24 * 40, ArchiveDecoder.Decode(m).Data.Length); }
            catch (HsiException) { errors++; }
        }
        Assert.True(errors > 0);
    }

    [Fact]
    public void PaperArchivesStillDecodeAsVersionOne()
    {
        var cube = CodecTestData.SmoothCube(8, 8, 6);
        var r = InrCodec.Compress(cube, new InrOptions { Recipe = InrRecipe.Paper, Layers = 2, Width = 8, Iterations = 5 });
        Assert.Equal(1, ArchiveFormat.Read(r.Archive).Header.FormatVersion);
        Assert.Equal(r.Psnr, QualityMetrics.Compare(cube, ArchiveDecoder.Decode(r.Archive)).Psnr, 9);
    }

    [Fact]
    public void BitTreeCodesAnyDistributionNearItsEntropy()
    {
        var rng = new Random(5);
        // A peaked distribution over 8-bit symbols: the coded size must approach the empirical entropy.
        var symbols = Enumerable.Range(0, 20000).Select(_ => Math.Clamp(127 + (int)Math.Round(rng.NextDouble() * 6 - 3 + (rng.NextDouble() - 0.5) * 4), 0, 254)).ToArray();
        var enc = new Codec.Entropy.RangeEncoder();
        var model = new Codec.Entropy.AdaptiveBitTree(8);
        foreach (int s in symbols) model.Encode(enc, s);
        var bytes = enc.Finish();
        var dec = new Codec.Entropy.RangeDecoder(bytes);
        var back = new Codec.Entropy.AdaptiveBitTree(8);
        Assert.All(symbols, s => Assert.Equal(s, back.Decode(dec)));
        double entropy = -symbols.GroupBy(s => s).Sum(g => { double p = g.Count() / (double)symbols.Length; return p * Math.Log2(p); });
        double bitsPerSymbol = bytes.Length * 8.0 / symbols.Length;
        Assert.InRange(bitsPerSymbol, entropy, entropy * 1.05 + 0.02);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void EveryCodeAndStepRoundTripsInEveryKind(int bits)
    {
        // Extreme and random codes in every tensor: the band differences of the basis and the mean reach ±2·max, the
        // top-bits model of a wide tensor (16-bit weights) sees every top value; steps are any positive float16, from
        // the smallest to the largest, on the encoder's grid or not, so the step differences reach their extremes too.
        var rng = new Random(8);
        int layers = 2, width = 5, rank = 3, bands = 7;
        int[] tensorBits = CompactPayload.DefaultTensorBits(layers, bits);
        var shapes = CompactPayload.TensorShapes(layers, width, rank, bands).ToArray();
        var codes = shapes.Select((sh, t) =>
        {
            int max = WeightQuantizer.MaxLevel(tensorBits[t]);
            return Enumerable.Range(0, sh.Rows * sh.Cols).Select(i => (i % 3) switch { 0 => max, 1 => -max, _ => rng.Next(-max, max + 1) }).ToArray();
        }).ToArray();
        var steps = shapes.Select(sh => Enumerable.Range(0, sh.Rows)
            .Select(r => (float)BitConverter.UInt16BitsToHalf((ushort)((r % 3) switch { 0 => 1, 1 => 0x7BFF, _ => rng.Next(1, 0x7C00) }))).ToArray()).ToArray();
        var payload = new CompactPayload(layers, width, rank, bands, bits, 30f, tensorBits, steps, codes);
        foreach (byte kind in new[] { CompactPayload.Kind, CompactPayload.SecondKind, CompactPayload.FirstKind })
        {
            byte[] bytes = payload.ToBytes(kind);
            Assert.Equal(kind, bytes[0]);
            var back = CompactPayload.Parse(bytes, bands, long.MaxValue);
            for (int t = 0; t < codes.Length; t++)
            {
                Assert.Equal(codes[t], back.Codes[t]);
                Assert.Equal(steps[t], back.Steps[t]);
            }
        }
    }

    [Fact]
    public void StepsLieOnTheGridAtOrAboveTheRowsMaximumOverTheTopCode()
    {
        // Rounded up, a step never pushes a row's largest weight past the top code (rounding to the nearest float16
        // did: a 16-bit first layer's largest weight was clipped), and never by more than the grid's spacing.
        var rng = new Random(4);
        foreach (float v in Enumerable.Range(0, 2000).Select(_ => (float)Math.Pow(10, -7 + 11 * rng.NextDouble())).Append(1e-12f))
        {
            float up = StepGrid.RoundUp(v);
            Assert.True(up >= v, $"{up} < {v}");
            Assert.Equal(0, BitConverter.HalfToUInt16Bits((Half)up) & 31);
            Assert.Equal(up, (float)(Half)up);
            if (v > 1e-4f) Assert.True(up <= v * 1.032f, $"{up} is more than a grid step above {v}");
        }
        using var w = TorchSharp.torch.tensor(new float[] { 0.3f, -0.71f, 0.1f, 0f, 0f, 0f }, new long[] { 2, 3 });
        using var s = WeightQuantizer.Steps(w, 16);
        var stepValues = s.data<float>().ToArray();
        Assert.True(stepValues[0] * WeightQuantizer.MaxLevel(16) >= 0.71f);
        Assert.Equal(1f, stepValues[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => StepGrid.RoundUp(0));
    }

    [Fact]
    public void ACorruptStepIndexIsDetected()
    {
        // Steps coded as differences, all at the largest float16: a stream that steps past it is corrupt, not decoded.
        int layers = 1, width = 2, rank = 1, bands = 3, bits = 8;
        int[] tensorBits = CompactPayload.DefaultTensorBits(layers, bits);
        var shapes = CompactPayload.TensorShapes(layers, width, rank, bands).ToArray();
        var codes = shapes.Select(sh => new int[sh.Rows * sh.Cols]).ToArray();
        var steps = shapes.Select(sh => Enumerable.Repeat(65504f, sh.Rows).ToArray()).ToArray();
        byte[] bytes = new CompactPayload(layers, width, rank, bands, bits, 30f, tensorBits, steps, codes).ToBytes();
        int stepErrors = 0;
        for (int i = CompactPayload.HeaderBytes + tensorBits.Length + 4; i < bytes.Length; i++)
            for (int bit = 0; bit < 8; bit++)
            {
                var bad = (byte[])bytes.Clone();
                bad[i] ^= (byte)(1 << bit);
                try
                {
                    var parsed = CompactPayload.Parse(bad, bands, 100);
                    Assert.All(parsed.Steps.SelectMany(r => r), v => Assert.True(float.IsFinite(v) && v > 0, $"step {v} accepted"));
                }
                catch (HsiException e)
                {
                    Assert.Equal(HsiErrorKind.CorruptArchive, e.Kind);
                    if (e.Message.Contains("quantisation step", StringComparison.Ordinal)) stepErrors++;
                }
            }
        Assert.True(stepErrors > 0, "no flipped bit was caught by the step check");
    }

    [Fact]
    public void ArchivesOfTheFirstCompactKindStillDecode()
    {
        // Written by the module before kind 3 (shift-rule models), from the bundled sample; the decode must give
        // exactly the network the encoder measured.
        byte[] archive = File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "tests", "HsiInr.Core.Tests", "fixtures", "jasper-ridge-64-kind2.hsiinr"));
        var (h, payload) = ArchiveFormat.Read(archive);
        Assert.Equal(CompactPayload.FirstKind, payload.Span[0]);
        Assert.Equal(payload.ToArray(), CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount).ToBytes(CompactPayload.FirstKind));
        var sample = CubeFile.Read(Path.Combine(TestData.RepoRoot, "samples", "jasper-ridge-64.mat"));
        Assert.Equal(h.EncodePsnr, (float)QualityMetrics.Compare(sample, ArchiveDecoder.Decode(archive)).Psnr, 4);
        // Recoded as the current kind, the same codes take fewer bytes (the basis alone about half).
        var parsed = CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount);
        byte[] recoded = parsed.ToBytes();
        Assert.Equal(CompactPayload.Kind, recoded[0]);
        Assert.True(recoded.Length < payload.Length, $"kind 3 {recoded.Length} B, kind 2 {payload.Length} B");
        Assert.Equal(parsed.Weights(), CompactPayload.Parse(recoded, h.Bands, h.PixelCount).Weights());
    }

    [Fact]
    public void ArchivesOfTheCorrectedSecondKindStillDecode()
    {
        // Written by the module before kind 5 (raw float16 steps, 16-bit first layer and biases, pixel corrections),
        // from the bundled sample with a coarsened grid: the decode must give exactly the network and corrections the
        // encoder measured, and recoding the same codes and steps as kind 6 keeps the weights and takes fewer bytes.
        byte[] archive = File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "tests", "HsiInr.Core.Tests", "fixtures", "jasper-ridge-64-kind4.hsiinr"));
        var (h, payload) = ArchiveFormat.Read(archive);
        Assert.Equal(CompactPayload.SecondCorrectedKind, payload.Span[0]);
        var parsed = CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount);
        Assert.NotNull(parsed.Corrections);
        Assert.Contains(16, parsed.TensorBits);
        var sample = CubeFile.Read(Path.Combine(TestData.RepoRoot, "samples", "jasper-ridge-64.mat"));
        Assert.Equal(h.EncodePsnr, (float)QualityMetrics.Compare(sample, ArchiveDecoder.Decode(archive)).Psnr, 4);
        byte[] recoded = parsed.ToBytes();
        Assert.Equal(CompactPayload.CorrectedKind, recoded[0]);
        Assert.True(recoded.Length < payload.Length, $"kind 6 {recoded.Length} B, kind 4 {payload.Length} B");
        var back = CompactPayload.Parse(recoded, h.Bands, h.PixelCount);
        Assert.Equal(parsed.Weights(), back.Weights());
        Assert.Equal(parsed.Corrections.ToBytes(), back.Corrections!.ToBytes());
    }

    [Fact]
    public void AnUnknownCompactKindAsksForANewerModule()
    {
        var (h, payload) = ArchiveFormat.Read(Fitted.Value.Result.Archive);
        byte[] future = payload.ToArray();
        future[0] = 9;
        var e = Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(ArchiveFormat.Write(h, future)));
        Assert.Equal(HsiErrorKind.UnsupportedVersion, e.Kind);
        Assert.Contains("Update the module", e.Message);
    }
}
