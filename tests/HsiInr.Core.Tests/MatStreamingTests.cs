using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using static HsiInr.Fuzz.MatBuilder;

namespace HsiInr.Core.Tests;

/// <summary>MAT v5 H×W×B variables are converted as they stream from the file: samples beyond the peeked header,
/// several band blocks, both byte orders, compressed or not, and corrupt data met mid-stream.</summary>
public class MatStreamingTests
{
    private static double F(int r, int c, int b) => r * 0.5 + 7 * c - 3 * b + (r * c % 11);

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void LargeVariablesStreamInBandBlocks(bool bigEndian, bool compressed)
    {
        // 30×20×40 doubles: 192 KB, far past the 4 KB header peek, and 40 bands = blocks of 16, 16 and 8.
        using var tmp = new TempDir();
        var path = new MatBuilder(bigEndian).Add("cube", MxDouble, [30, 20, 40], MiDouble, ColumnMajor(30, 20, 40, F), compressed).Save(tmp.File("s.mat"));
        var cube = CubeFile.Read(path);
        Assert.Equal((30, 20, 40, SampleType.Double), (cube.Height, cube.Width, cube.Bands, cube.OriginalType));
        for (int r = 0; r < 30; r++) for (int c = 0; c < 20; c++) for (int b = 0; b < 40; b++)
            Assert.Equal((float)F(r, c, b), cube[r, c, b]);
    }

    [Fact]
    public void CorruptCompressedSamplesAreAFileErrorNotACrash()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder().Add("cube", MxDouble, [30, 20, 40], MiDouble, ColumnMajor(30, 20, 40, F), compress: true).Save(tmp.File("c.mat"));
        var bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0xA5; // mid-stream, after the header
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(path));
        Assert.Contains(e.Kind, new[] { HsiErrorKind.MalformedHeader, HsiErrorKind.TruncatedFile });
        Assert.Contains("'cube'", e.Message);
    }
}
