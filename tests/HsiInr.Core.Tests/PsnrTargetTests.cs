using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Tests;

/// <summary>-TargetPsnr: the smallest archive that reaches a PSNR (<see cref="PsnrTarget"/>), on a 32×32 crop of the sample.</summary>
public class PsnrTargetTests
{
    private static readonly Lazy<HsiCube> Crop = new(() =>
        CubeFile.Read(Path.Combine(TestData.RepoRoot, "samples", "jasper-ridge-64.mat")).Crop(0, 0, 32, 32));

    [Fact]
    public void TheArchiveReachesTheTargetAndARateOneStepSmallerDoesNot()
    {
        const double target = 42.0; // PCA-DCT: 39.5 dB at 0.2, 46.3 at 0.5 on this crop
        var r = PsnrTarget.Compress(Crop.Value, CodecId.PcaDct, new InrOptions(), target);
        Assert.True(r.Psnr >= target, $"{r.Psnr} dB");
        Assert.Equal(r.Psnr, QualityMetrics.Compare(Crop.Value, ArchiveDecoder.Decode(r.Archive)).Psnr, 6);
        // Every trial is listed; the written one is the smallest that passed, and the bracket was narrowed to a
        // failing trial close below it (the search stops at 10 % in target rate; actual sizes sit a little under).
        Assert.Contains(r.Trials, t => t.Bpppb == r.Bpppb && t.Psnr == r.Psnr);
        Assert.All(r.Trials.Where(t => t.Psnr >= target), t => Assert.True(t.Bpppb >= r.Bpppb));
        Assert.Contains(r.Trials, t => t.Psnr < target && t.Bpppb >= r.Bpppb / 1.3);
        Assert.EndsWith($"{r.Trials.Count} rate trials", r.Variant);
    }

    [Fact]
    public void AHigherTargetGivesALargerArchive()
    {
        var low = PsnrTarget.Compress(Crop.Value, CodecId.PcaDct, new InrOptions(), 38.0);
        var high = PsnrTarget.Compress(Crop.Value, CodecId.PcaDct, new InrOptions(), 45.0);
        Assert.True(high.Archive.Length > low.Archive.Length, $"{high.Archive.Length} B for 45 dB, {low.Archive.Length} B for 38 dB");
    }

    [Fact]
    public void AnUnreachableTargetSaysHowCloseItCame()
    {
        var e = Assert.Throws<HsiException>(() => PsnrTarget.Compress(Crop.Value, CodecId.PcaDct, new InrOptions(), 250.0));
        Assert.Equal(HsiErrorKind.InvalidArgument, e.Kind);
        Assert.Contains($"not reached at {PsnrTarget.MaxRate} bpppb", e.Message);
        Assert.Matches(@"the best trial reached \d+\.\d\d dB", e.Message);
    }

    [Fact]
    public void TheInrSearchesItsRateToo()
    {
        // Few iterations on a small crop: what matters is that each trial is a real fit at its own rate.
        var cube = Crop.Value.Crop(0, 0, 16, 16);
        var r = PsnrTarget.Compress(cube, CodecId.Inr, new InrOptions { Iterations = 150, Seed = 3 }, 24.0);
        Assert.True(r.Psnr >= 24.0, $"{r.Psnr} dB");
        Assert.True(r.Trials.Count >= 2);
        Assert.True(r.Trials.Select(t => t.Bpppb).Distinct().Count() == r.Trials.Count, "each trial at its own rate");
        Assert.Equal(CodecId.Inr, ArchiveFormat.Read(r.Archive).Header.Codec);
    }
}
