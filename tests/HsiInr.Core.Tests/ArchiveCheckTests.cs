using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Baselines;
using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Tests;

/// <summary>ArchiveCheck: a result for every file, never an exception for a bad one.</summary>
public class ArchiveCheckTests
{
    private static readonly Lazy<(Cube.HsiCube Cube, CompressionResult Result)> Archive = new(() =>
    {
        var cube = CodecTestData.SmoothCube(24, 24, 16);
        return (cube, BaselineCompressor.Compress(cube, CodecId.PcaDct, 1.0));
    });

    [Fact]
    public void An_intact_archive_passes_without_decoding_and_with_a_reference()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("a.hsiinr"), Archive.Value.Result.Archive);
        var quick = ArchiveCheck.Run(tmp.File("a.hsiinr"));
        Assert.True(quick.Passed);
        Assert.True(quick.Valid);
        Assert.False(quick.Decoded);
        Assert.Null(quick.Psnr);
        Assert.Equal("24×24×16", quick.Shape);

        var full = ArchiveCheck.Run(tmp.File("a.hsiinr"), new ArchiveCheckOptions { Reference = Archive.Value.Cube, MinimumPsnr = 20 });
        Assert.True(full.Passed);
        Assert.True(full.Decoded);
        Assert.Equal(Archive.Value.Result.Psnr, full.Psnr!.Value, 3);
    }

    [Fact]
    public void A_psnr_below_the_minimum_fails_with_the_figures()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("a.hsiinr"), Archive.Value.Result.Archive);
        var r = ArchiveCheck.Run(tmp.File("a.hsiinr"), new ArchiveCheckOptions { Reference = Archive.Value.Cube, MinimumPsnr = 200 });
        Assert.False(r.Passed);
        Assert.True(r.Valid);
        Assert.Equal(ArchiveCheckStatus.BelowMinimumPsnr, r.Status);
        Assert.Contains("below the minimum of 200.00 dB", r.Reason);
    }

    [Theory]
    [InlineData("flip", "HsiInr.ChecksumMismatch")]
    [InlineData("truncate", "HsiInr.ChecksumMismatch")]
    [InlineData("empty", "HsiInr.EmptyFile")]
    [InlineData("foreign", "HsiInr.BadMagic")]
    [InlineData("missing", "HsiInr.FileNotFound")]
    public void A_damaged_archive_is_an_invalid_result(string damage, string errorId)
    {
        using var tmp = new TempDir();
        byte[] b = (byte[])Archive.Value.Result.Archive.Clone();
        string p = tmp.File("a.hsiinr");
        switch (damage)
        {
            case "flip": b[b.Length / 2] ^= 0x40; File.WriteAllBytes(p, b); break;
            case "truncate": File.WriteAllBytes(p, b[..(b.Length - 10)]); break;
            case "empty": File.WriteAllBytes(p, []); break;
            case "foreign": File.WriteAllText(p, "MATLAB 5.0 MAT-file, not an archive at all, padded to be long enough........"); break;
        }
        var r = ArchiveCheck.Run(p, new ArchiveCheckOptions { Reference = Archive.Value.Cube, MinimumPsnr = 20 });
        Assert.False(r.Valid);
        Assert.False(r.Passed);
        Assert.Equal(ArchiveCheckStatus.Invalid, r.Status);
        Assert.Equal(errorId, r.ErrorId);
        Assert.False(string.IsNullOrEmpty(r.Reason));
    }

    [Fact]
    public void A_reference_of_another_shape_is_a_mismatch_not_an_invalid_archive()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("a.hsiinr"), Archive.Value.Result.Archive);
        var r = ArchiveCheck.Run(tmp.File("a.hsiinr"), new ArchiveCheckOptions { Reference = CodecTestData.SmoothCube(8, 8, 16) });
        Assert.True(r.Valid);
        Assert.Equal(ArchiveCheckStatus.ReferenceMismatch, r.Status);
        Assert.Equal("HsiInr.ShapeMismatch", r.ErrorId);
    }

    [Fact]
    public void A_minimum_without_a_reference_is_refused()
    {
        var e = Assert.Throws<HsiException>(() => ArchiveCheck.Run("x.hsiinr", new ArchiveCheckOptions { MinimumPsnr = 30 }));
        Assert.Equal(HsiErrorKind.InvalidArgument, e.Kind);
    }
}
