using System.Buffers.Binary;
using System.Text;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.Core.Tests;

public class EnviTests
{
    private const int H = 3, W = 4, B = 5;
    private static double F(int r, int c, int b) => r + 10 * c + 40 * b - (b == 4 ? 150 : 0);

    private static byte[] Encode(int dataType, double v, bool big)
    {
        byte[] b = dataType switch
        {
            1 => [(byte)v],
            2 => BitConverter.GetBytes((short)v),
            3 => BitConverter.GetBytes((int)v),
            4 => BitConverter.GetBytes((float)v),
            5 => BitConverter.GetBytes(v),
            12 => BitConverter.GetBytes((ushort)v),
            13 => BitConverter.GetBytes((uint)v),
            14 => BitConverter.GetBytes((long)v),
            15 => BitConverter.GetBytes((ulong)v),
            _ => throw new ArgumentException("type"),
        };
        if (big) Array.Reverse(b);
        return b;
    }

    /// <summary>Writes an ENVI pair by hand with the requested layout; returns the data file path.</summary>
    internal static string WriteEnvi(string dir, string interleave, int dataType, int byteOrder, int offset, Func<int, int, int, double> f,
        string dataExt = ".img", string extraHeader = "", int h = H, int w = W, int bands = B)
    {
        bool unsigned = dataType is 1 or 12 or 13 or 15;
        var bytes = new List<byte>(new byte[offset]);
        void Put(int r, int c, int b) => bytes.AddRange(Encode(dataType, unsigned ? Math.Abs(f(r, c, b)) : f(r, c, b), byteOrder == 1));
        switch (interleave)
        {
            case "bsq": for (int b = 0; b < bands; b++) for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) Put(r, c, b); break;
            case "bil": for (int r = 0; r < h; r++) for (int b = 0; b < bands; b++) for (int c = 0; c < w; c++) Put(r, c, b); break;
            default: for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) for (int b = 0; b < bands; b++) Put(r, c, b); break;
        }
        string data = Path.Combine(dir, "scene" + dataExt);
        File.WriteAllBytes(data, bytes.ToArray());
        File.WriteAllText(Path.Combine(dir, "scene.hdr"),
            $"ENVI\r\ndescription = {{\r\n  test scene, written by hand\r\n  second line}}\r\nSamples = {w}\r\nlines   = {h}\r\nBANDS = {bands}\r\n" +
            $"header offset = {offset}\r\nfile type = ENVI Standard\r\ndata type = {dataType}\r\ninterleave = {interleave.ToUpperInvariant()}\r\n" +
            $"byte order = {byteOrder}\r\n{extraHeader}");
        return data;
    }

    public static TheoryData<string, int, int> Layouts()
    {
        var d = new TheoryData<string, int, int>();
        foreach (var il in new[] { "bsq", "bil", "bip" })
            foreach (var t in new[] { 1, 2, 3, 4, 5, 12, 13, 14, 15 })
                foreach (var bo in new[] { 0, 1 })
                    d.Add(il, t, bo);
        return d;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ReadsEveryInterleaveDataTypeAndByteOrder(string interleave, int dataType, int byteOrder)
    {
        using var tmp = new TempDir();
        bool unsigned = dataType is 1 or 12 or 13 or 15;
        var data = WriteEnvi(tmp.Path, interleave, dataType, byteOrder, offset: 37, F);

        foreach (var path in new[] { data, Path.Combine(tmp.Path, "scene.hdr") })
        {
            var cube = CubeFile.Read(path);
            Assert.Equal((H, W, B), (cube.Height, cube.Width, cube.Bands));
            for (int r = 0; r < H; r++) for (int c = 0; c < W; c++) for (int b = 0; b < B; b++)
                Assert.Equal((float)(unsigned ? Math.Abs(F(r, c, b)) : F(r, c, b)), cube[r, c, b]);
            Assert.Equal("scene", cube.Name);
        }
    }

    [Fact]
    public void WavelengthsKeptInFileOrderAndConvertedFromMicrometres()
    {
        using var tmp = new TempDir();
        WriteEnvi(tmp.Path, "bip", 4, 0, 0, F, extraHeader: "Wavelength Units = Micrometers\r\nwavelength = {\r\n 0.5, 0.6,\r\n 0.55 , 0.7,\r\n 0.9}\r\n");
        var cube = CubeFile.Read(Path.Combine(tmp.Path, "scene.hdr"));
        Assert.Equal(new[] { 500.0, 600, 550, 700, 900 }, cube.Wavelengths!.Select(x => Math.Round(x, 6)));
    }

    [Theory]
    [InlineData(".dat")]
    [InlineData(".raw")]
    [InlineData("")]
    public void FindsDataFileBySiblingExtension(string ext)
    {
        using var tmp = new TempDir();
        WriteEnvi(tmp.Path, "bsq", 2, 0, 0, F, dataExt: ext);
        var cube = CubeFile.Read(Path.Combine(tmp.Path, "scene.hdr"));
        Assert.Equal((float)F(2, 3, 4), cube[2, 3, 4]);
    }

    [Fact]
    public void ShortDataFileIsTruncated()
    {
        using var tmp = new TempDir();
        var data = WriteEnvi(tmp.Path, "bil", 2, 0, 16, F);
        var all = File.ReadAllBytes(data);
        File.WriteAllBytes(data, all[..^1]);
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(data));
        Assert.Equal(HsiErrorKind.TruncatedFile, ex.Kind);
        Assert.Contains("needs", ex.Message);
    }

    [Fact]
    public void AbsurdHeaderSizesFailBeforeAllocating()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("big.img"), new byte[16]);
        File.WriteAllText(tmp.File("big.hdr"), "ENVI\nsamples = 100000\nlines = 100000\nbands = 1000\ndata type = 2\ninterleave = bsq\n");
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("big.hdr")));
        Assert.Equal(HsiErrorKind.SizeLimitExceeded, ex.Kind);

        // Fits one array but the file is far too small: refused before the samples are allocated.
        File.WriteAllText(tmp.File("big.hdr"), "ENVI\nsamples = 20000\nlines = 20000\nbands = 5\ndata type = 2\ninterleave = bsq\n");
        Assert.Equal(HsiErrorKind.TruncatedFile, Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("big.hdr"))).Kind);
    }

    [Theory]
    [InlineData("ENVI\nsamples = 2\nbands = 1\ndata type = 2\n", HsiErrorKind.MalformedHeader)]
    [InlineData("ENVI\nsamples = 2\nlines = x\nbands = 1\ndata type = 2\n", HsiErrorKind.MalformedHeader)]
    [InlineData("ENVI\nsamples = 2\nlines = 2\nbands = 1\ndata type = 6\n", HsiErrorKind.UnsupportedDataType)]
    [InlineData("ENVI\nsamples = 2\nlines = 2\nbands = 1\ndata type = 2\ninterleave = foo\n", HsiErrorKind.MalformedHeader)]
    [InlineData("ENVI\nsamples = 2\nlines = 2\nbands = 1\ndata type = 2\nwavelength = {1, 2\n", HsiErrorKind.MalformedHeader)]
    [InlineData("not an envi header\nsamples = 2\n", HsiErrorKind.BadMagic)]
    public void BadHeadersReportTheirKind(string header, HsiErrorKind kind)
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("h.img"), new byte[64]);
        File.WriteAllText(tmp.File("h.hdr"), header);
        Assert.Equal(kind, Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("h.hdr"))).Kind);
    }

    [Fact]
    public void WriterProducesBipWithHeaderAndKeepsWavelengths()
    {
        using var tmp = new TempDir();
        var cube = new HsiCube("w", 2, 3, 3, Enumerable.Range(0, 18).Select(i => (float)(i * 1000)).ToArray(), SampleType.UInt16)
        { Wavelengths = [700, 650.25, 800] };
        CubeFile.Write(cube, tmp.File("out.img"), CubeFileFormat.Envi, overwrite: false);

        string hdr = File.ReadAllText(tmp.File("out.hdr"));
        Assert.StartsWith("ENVI\n", hdr);
        Assert.Contains("interleave = bip", hdr);
        Assert.Contains("data type = 12", hdr);
        Assert.Equal(18 * 2, new FileInfo(tmp.File("out.img")).Length);
        Assert.Equal(1000, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(tmp.File("out.img")).AsSpan(2)));

        var back = CubeFile.Read(tmp.File("out.img"));
        Assert.Equal(cube.Data, back.Data);
        Assert.Equal(cube.Wavelengths, back.Wavelengths);
        Assert.Equal(SampleType.UInt16, back.OriginalType);

        Assert.Equal(HsiErrorKind.OutputExists,
            Assert.Throws<HsiException>(() => CubeFile.Write(cube, tmp.File("out.img"), CubeFileFormat.Envi, false)).Kind);
        File.Delete(tmp.File("out.img"));
        // The header alone existing also blocks a non-forced write.
        Assert.Equal(HsiErrorKind.OutputExists,
            Assert.Throws<HsiException>(() => CubeFile.Write(cube, tmp.File("out.img"), CubeFileFormat.Envi, false)).Kind);
        CubeFile.Write(cube, tmp.File("out.img"), CubeFileFormat.Envi, overwrite: true);
        Assert.True(File.Exists(tmp.File("out.img")));
    }

    [Fact]
    public void NonIntegerOrOutOfRangeValuesAreWrittenAsFloat32()
    {
        using var tmp = new TempDir();
        var cube = new HsiCube("f", 1, 2, 1, [1.5f, 70000f], SampleType.UInt16);
        CubeFile.Write(cube, tmp.File("f.img"), CubeFileFormat.Envi, false);
        Assert.Contains("data type = 4", File.ReadAllText(tmp.File("f.hdr")));
        Assert.Equal(cube.Data, CubeFile.Read(tmp.File("f.img")).Data);
    }
}
