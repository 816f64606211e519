using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Metrics;
using TorchSharp;

namespace HsiInr.Core.Tests;

[Collection("Torch")]
public class CodecTests
{
    private static InrOptions Fixed(int iterations = 300, WeightPrecision p = WeightPrecision.Single, long seed = 7) =>
        new() { Recipe = InrRecipe.Paper, Layers = 3, Width = 24, Iterations = iterations, LearningRate = 1e-3, Precision = p, Seed = seed, Device = DeviceKind.Cpu };

    [Fact]
    public void CompressThenExpandReachesStatedQuality()
    {
        var cube = CodecTestData.SmoothCube();
        var result = InrCodec.Compress(cube, Fixed(400));
        var decoded = ArchiveDecoder.Decode(result.Archive);
        var q = QualityMetrics.Compare(cube, decoded);
        // A 3×24 SIREN fits this smooth 16×16×12 cube to well above 30 dB in 400 iterations.
        Assert.True(q.Psnr > 30, $"PSNR {q.Psnr:0.00} dB");
        Assert.Equal(result.Psnr, q.Psnr, 6);
        Assert.Equal(cube.OriginalType, decoded.OriginalType);
        Assert.All(decoded.Data, v => Assert.Equal(Math.Round(v), v));   // integer source decodes to integers
    }

    [Fact]
    public void SameSeedGivesBitIdenticalArchivesAndAnotherSeedDoesNot()
    {
        var cube = CodecTestData.SmoothCube();
        // A pinned thread count: other fits running on the machine must not change the sums' order.
        var a = InrCodec.Compress(cube, Fixed(60) with { Threads = 2 });
        var b = InrCodec.Compress(cube, Fixed(60) with { Threads = 2 });
        var c = InrCodec.Compress(cube, Fixed(60, seed: 8) with { Threads = 2 });
        // Every byte, header and CRC included: the archive holds no wall time.
        Assert.Equal(a.Archive, b.Archive);
        Assert.NotEqual(a.Archive, c.Archive);
    }

    [Fact]
    public void BestCheckpointIsKeptNotTheLast()
    {
        // A learning rate far too high makes the loss jump around; the stored weights must be the best seen.
        var cube = CodecTestData.SmoothCube();
        var r = InrCodec.Compress(cube, Fixed(80) with { LearningRate = 0.05 });
        Assert.True(r.BestIteration <= r.Iterations);
        var decoded = ArchiveDecoder.Decode(r.Archive);
        Assert.Equal(r.Psnr, QualityMetrics.Compare(cube, decoded).Psnr, 6);
    }

    [Fact]
    public void HalfPrecisionHalvesTheWeightsAndStaysClose()
    {
        var cube = CodecTestData.SmoothCube();
        var single = InrCodec.Compress(cube, Fixed(300));
        var half = InrCodec.Compress(cube, Fixed(300, WeightPrecision.Half));
        long weights = SirenNetwork.ParameterCount(3, 24, cube.Bands);
        Assert.Equal(weights * 2, single.Archive.Length - half.Archive.Length);
        Assert.Equal(single.PaperBpppb / 2, half.PaperBpppb, 10);
        Assert.True(Math.Abs(single.Psnr - half.Psnr) < 1.0, $"single {single.Psnr:0.00} half {half.Psnr:0.00}");
    }

    [Fact]
    public void ReportedRateIsTheFileLengthInBits()
    {
        var cube = CodecTestData.SmoothCube();
        var r = InrCodec.Compress(cube, Fixed(5));
        Assert.Equal(r.Archive.Length * 8.0 / (16 * 16 * 12), r.Bpppb, 12);
        Assert.Equal(SirenNetwork.PaperParameterCount(3, 24, 12) * 32.0 / (16 * 16 * 12), r.PaperBpppb, 12);
    }

    [Fact]
    public void SearchPicksAnArchitectureWhoseFileFitsTheBudget()
    {
        var cube = CodecTestData.SmoothCube(24, 24, 40);
        var r = InrCodec.Compress(cube, new InrOptions { Recipe = InrRecipe.Paper, Bpppb = 0.8, Iterations = 40, SearchIterations = 10, Seed = 1, Device = DeviceKind.Cpu });
        Assert.True(r.Bpppb <= 0.8, $"actual {r.Bpppb}");
        Assert.True(r.Trials.Count > 1);
        Assert.All(r.Trials, t => Assert.True(t.Bpppb <= 0.8));
        var bestTrial = r.Trials.MaxBy(t => t.Psnr)!;
        Assert.Equal((bestTrial.Layers, bestTrial.Width), (r.Layers, r.Width));
    }

    [Fact]
    public void NoArchitectureFitsATinyBudget()
    {
        var cube = CodecTestData.SmoothCube();
        var e = Assert.Throws<HsiException>(() => InrCodec.Compress(cube, new InrOptions { Recipe = InrRecipe.Paper, Bpppb = 0.001, Iterations = 5 }));
        Assert.Equal(HsiErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("bpppb", e.Message);
    }

    [Fact]
    public void MaxSecondsStopsEarlyAndSaysSo()
    {
        var cube = CodecTestData.SmoothCube();
        var r = InrCodec.Compress(cube, Fixed(1_000_000) with { MaxSeconds = 1.0 });
        Assert.True(r.StoppedEarly);
        Assert.True(r.Iterations < 1_000_000);
        Assert.True(r.EncodeSeconds < 10, $"{r.EncodeSeconds} s");
    }

    [Fact]
    public void CancellationStopsTheFitQuickly()
    {
        var cube = CodecTestData.SmoothCube();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => InrCodec.Compress(cube, Fixed(1_000_000), null, cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    [Fact]
    public void CudaWithoutCudaBuildGivesAClearError()
    {
        if (torch.cuda.is_available()) return; // a CUDA build on a GPU machine legitimately accepts it
        var e = Assert.Throws<HsiException>(() => ComputeDevice.Resolve(DeviceKind.Cuda));
        Assert.Equal(HsiErrorKind.DeviceUnavailable, e.Kind);
        Assert.Contains("-Backend Cuda", e.Message);
        Assert.Equal(torch.CPU.type, ComputeDevice.Resolve(DeviceKind.Auto).type);
    }
}
