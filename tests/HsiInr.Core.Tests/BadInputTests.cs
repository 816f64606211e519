using HsiInr.Core.IO;
using static HsiInr.Fuzz.MatBuilder;

namespace HsiInr.Core.Tests;

public class BadInputTests
{
    private static HsiErrorKind KindOf(string path) => Assert.Throws<HsiException>(() => CubeFile.Read(path)).Kind;

    [Fact]
    public void MissingDirectoryAndEmpty()
    {
        using var tmp = new TempDir();
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("nope.mat")));
        Assert.Equal(HsiErrorKind.FileNotFound, ex.Kind);
        Assert.Contains("nope.mat", ex.Message);
        Assert.Equal(HsiErrorKind.PathIsDirectory, KindOf(tmp.Path));
        File.WriteAllBytes(tmp.File("empty.mat"), []);
        Assert.Equal(HsiErrorKind.EmptyFile, KindOf(tmp.File("empty.mat")));
    }

    [Fact]
    public void UnknownContentNamesTheSupportedFormats()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("x.mat"), "hello, this is not a cube");
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("x.mat")));
        Assert.Equal(HsiErrorKind.UnknownFormat, ex.Kind);
        Assert.Contains("ENVI", ex.Message);
        Assert.Contains("MAT", ex.Message);
    }

    [Fact]
    public void BadMatMagic()
    {
        using var tmp = new TempDir();
        var bytes = new MatBuilder().Add("data", MxDouble, [2, 2, 2], MiDouble, new double[8]).Build();
        bytes[126] = (byte)'X';
        File.WriteAllBytes(tmp.File("e.mat"), bytes);
        Assert.Equal(HsiErrorKind.BadMagic, KindOf(tmp.File("e.mat")));
        File.WriteAllText(tmp.File("v4.mat"), "MATLAB 4.0 something");
        Assert.Equal(HsiErrorKind.BadMagic, KindOf(tmp.File("v4.mat")));
        File.WriteAllText(tmp.File("short.mat"), "MATLAB 5.0 MAT-file, but cut");
        Assert.Equal(HsiErrorKind.TruncatedFile, KindOf(tmp.File("short.mat")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TruncatedMatIsTruncatedFile(bool compressed)
    {
        using var tmp = new TempDir();
        var bytes = new MatBuilder().Add("data", MxDouble, [4, 4, 4], MiDouble, MatBuilder.ColumnMajor(4, 4, 4, (r, c, b) => r * c + b), compressed).Build();
        foreach (int cut in new[] { 130, 150, bytes.Length / 2, bytes.Length - 3 })
        {
            File.WriteAllBytes(tmp.File("t.mat"), bytes[..cut]);
            Assert.Equal(HsiErrorKind.TruncatedFile, KindOf(tmp.File("t.mat")));
        }
    }

    [Fact]
    public void CorruptZlibIsMalformedOrTruncatedNeverACrash()
    {
        using var tmp = new TempDir();
        var bytes = new MatBuilder().Add("data", MxDouble, [8, 8, 8], MiDouble, MatBuilder.ColumnMajor(8, 8, 8, (r, c, b) => r * c + b)).Build();
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var bad = (byte[])bytes.Clone();
            for (int k = 0; k < 1 + trial % 4; k++) bad[136 + rng.Next(bad.Length - 136)] ^= (byte)(1 + rng.Next(255));
            File.WriteAllBytes(tmp.File("z.mat"), bad);
            try { CubeFile.Read(tmp.File("z.mat")); }
            catch (HsiException ex) { Assert.Contains(ex.Kind, new[] { HsiErrorKind.MalformedHeader, HsiErrorKind.TruncatedFile, HsiErrorKind.SizeLimitExceeded, HsiErrorKind.VariableNotFound, HsiErrorKind.UnsupportedDataType, HsiErrorKind.UnsupportedClass, HsiErrorKind.ShapeMismatch, HsiErrorKind.AmbiguousVariable }); }
        }
    }

    [Fact]
    public void RandomlyCorruptedPlainMatNeverCrashes()
    {
        using var tmp = new TempDir();
        var bytes = new MatBuilder().Add("nRow", MxDouble, [1, 1], MiUInt8, [2], compress: false)
            .Add("data", MxInt16, [3, 3, 3], MiInt16, new double[27], compress: false).Build();
        var rng = new Random(5);
        for (int trial = 0; trial < 300; trial++)
        {
            var bad = (byte[])bytes.Clone();
            bad[128 + rng.Next(bad.Length - 128)] = (byte)rng.Next(256);
            File.WriteAllBytes(tmp.File("p.mat"), bad);
            try { CubeFile.Read(tmp.File("p.mat")); }
            catch (HsiException) { }
        }
    }

    [Fact]
    public void AbsurdMatDimensionsFailBeforeAllocating()
    {
        using var tmp = new TempDir();
        // Claims 1e6×1e6×1e3 doubles but carries 8 bytes.
        var path = new MatBuilder().Add("data", MxDouble, [1_000_000, 1_000_000, 1000], MiDouble, [1.0], compress: true, claimedDataBytes: 8).Save(tmp.File("huge.mat"));
        Assert.Equal(HsiErrorKind.SizeLimitExceeded, KindOf(path));
        // Fits an array but the data element is far smaller than the dimensions need.
        var path2 = new MatBuilder().Add("data", MxDouble, [1000, 1000, 100], MiDouble, [1.0], compress: false, claimedDataBytes: 8).Save(tmp.File("lie.mat"));
        Assert.Contains(KindOf(path2), new[] { HsiErrorKind.MalformedHeader, HsiErrorKind.TruncatedFile });
    }

    [Fact]
    public void EnviDataFileWithoutHeaderIsUnknownAndHeaderWithoutDataIsNotFound()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("lonely.img"), new byte[100]);
        Assert.Equal(HsiErrorKind.UnknownFormat, KindOf(tmp.File("lonely.img")));
        File.WriteAllText(tmp.File("orphan.hdr"), "ENVI\nsamples = 1\nlines = 1\nbands = 1\ndata type = 1\n");
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("orphan.hdr")));
        Assert.Equal(HsiErrorKind.FileNotFound, ex.Kind);
        Assert.Contains("orphan.img", ex.Message);
    }
}
