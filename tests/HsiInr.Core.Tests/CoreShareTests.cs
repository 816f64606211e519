using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Inr;
using TorchSharp;

namespace HsiInr.Core.Tests;

/// <summary>Cores divided among running fits (issue 7: parallel jobs must not oversubscribe the CPU).</summary>
[Collection("Torch")]
public class CoreShareTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    public void FairShareDividesTheCoresAndNeverGoesBelowOne(int fits)
    {
        int share = CoreShare.FairShare(fits);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / fits), share);
        Assert.InRange(share, 1, Environment.ProcessorCount);
    }

    [Fact]
    public void EachRunningFitIsCountedUntilItEnds()
    {
        int before = CoreShare.CountLeases();
        using (var first = CoreShare.Join())
        using (var second = CoreShare.Join())
        {
            Assert.Equal(before + 2, CoreShare.CountLeases());
            Assert.Equal(CoreShare.FairShare(before + 2), second.Threads);
            Assert.Equal(second.Threads, torch.get_num_threads());
        }
        Assert.Equal(before, CoreShare.CountLeases());
    }

    [Fact]
    public void AnExplicitCountIsUsedAndTakesNoLease()
    {
        int before = CoreShare.CountLeases();
        using var pinned = CoreShare.Join(1);
        Assert.Equal(1, pinned.Threads);
        Assert.Equal(1, torch.get_num_threads());
        Assert.Equal(before, CoreShare.CountLeases());
    }

    [Fact]
    public void ALeaseLeftByAKilledProcessIsNotCounted()
    {
        int before = CoreShare.CountLeases();
        string folder = Path.Combine(Path.GetTempPath(), "hsiinr-fits");
        Directory.CreateDirectory(folder);
        string orphan = Path.Combine(folder, "999999-orphan.lease");
        File.WriteAllText(orphan, "");                        // nobody holds its lock
        File.SetCreationTimeUtc(orphan, DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddMinutes(-5));
        try
        {
            Assert.Equal(before, CoreShare.CountLeases());
            Assert.False(File.Exists(orphan), "a stale lease is cleaned up");
        }
        finally { File.Delete(orphan); }
    }

    [Fact]
    public void ABadEnvironmentValueIsAClearError()
    {
        Environment.SetEnvironmentVariable(CoreShare.ThreadsVariable, "two");
        try
        {
            var e = Assert.Throws<HsiException>(() => CoreShare.Join());
            Assert.Equal(HsiErrorKind.InvalidArgument, e.Kind);
            Assert.Contains(CoreShare.ThreadsVariable, e.Message);
        }
        finally { Environment.SetEnvironmentVariable(CoreShare.ThreadsVariable, null); }
    }

    [Fact]
    public void TheEnvironmentVariablePinsTheCount()
    {
        Environment.SetEnvironmentVariable(CoreShare.ThreadsVariable, "1");
        try
        {
            using var share = CoreShare.Join();
            Assert.Equal(1, share.Threads);
        }
        finally { Environment.SetEnvironmentVariable(CoreShare.ThreadsVariable, null); }
    }

    [Fact]
    public void AnEncodeHoldsALeaseWhileItTrains()
    {
        int before = CoreShare.CountLeases();
        int during = -1;
        var cube = CodecTestData.SmoothCube();
        var options = new InrOptions { Recipe = InrRecipe.Paper, Layers = 2, Width = 8, Iterations = 5, Device = DeviceKind.Cpu };
        InrCodec.Compress(cube, options, new SyncProgress(_ => during = CoreShare.CountLeases()));
        Assert.Equal(before + 1, during);
        Assert.Equal(before, CoreShare.CountLeases());
    }

    private sealed class SyncProgress(Action<FitProgress> report) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => report(value);
    }
}
