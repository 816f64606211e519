using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.Core.Tests;

public class RoundTripTests
{
    private static HsiCube Random(SampleType t, int h = 7, int w = 5, int b = 6, int seed = 1)
    {
        var rng = new Random(seed);
        var (lo, hi) = t.Range();
        var data = new float[h * w * b];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(lo + Math.Floor(rng.NextDouble() * (hi - lo + 1)));
        data[0] = (float)lo; data[1] = (float)hi; // extremes must survive
        return new HsiCube("rt", h, w, b, data, t);
    }

    [Theory]
    [InlineData(SampleType.UInt8, CubeFileFormat.Mat)]
    [InlineData(SampleType.Int16, CubeFileFormat.Mat)]
    [InlineData(SampleType.UInt16, CubeFileFormat.Mat)]
    [InlineData(SampleType.Int8, CubeFileFormat.Mat)]
    [InlineData(SampleType.UInt8, CubeFileFormat.Envi)]
    [InlineData(SampleType.Int16, CubeFileFormat.Envi)]
    [InlineData(SampleType.UInt16, CubeFileFormat.Envi)]
    public void IntegerCubesRoundTripExactlyAndKeepTheirType(SampleType t, CubeFileFormat format)
    {
        using var tmp = new TempDir();
        var cube = Random(t);
        string a = tmp.File(format == CubeFileFormat.Mat ? "a.mat" : "a.img"), b = tmp.File(format == CubeFileFormat.Mat ? "b.mat" : "b.img");
        CubeFile.Write(cube, a, format, false);
        var once = CubeFile.Read(a);
        CubeFile.Write(once, b, format, false);
        var twice = CubeFile.Read(b);

        Assert.Equal(cube.Data, once.Data);
        Assert.Equal(cube.Data, twice.Data);
        Assert.Equal((cube.Height, cube.Width, cube.Bands), (twice.Height, twice.Width, twice.Bands));
        // ENVI has no int8, so int8 comes back as int16; everything else keeps its type.
        Assert.Equal(format == CubeFileFormat.Envi && t == SampleType.Int8 ? SampleType.Int16 : t, twice.OriginalType);
    }

    [Fact]
    public void MatExportKeepsWavelengthsAndFloatData()
    {
        using var tmp = new TempDir();
        var cube = new HsiCube("f", 2, 2, 3, [0.5f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, float.NaN], SampleType.Double) { Wavelengths = [400, 390, 500] };
        CubeFile.Write(cube, tmp.File("f.mat"), CubeFileFormat.Mat, false);
        var back = CubeFile.Read(tmp.File("f.mat"));
        Assert.Equal(cube.Data, back.Data);
        Assert.Equal(SampleType.Double, back.OriginalType);
        Assert.Equal(cube.Wavelengths, back.Wavelengths);
        Assert.Equal(1, back.NonFiniteCount);
        var vars = CubeFile.ListMatVariables(tmp.File("f.mat"));
        Assert.Equal(["data", "wavelength"], vars.Select(v => v.Name));
        Assert.Equal("double", vars[0].ClassName);
        Assert.Equal([2L, 2, 3], vars[0].Dimensions);
    }

    [Fact]
    public void UncompressedMatWriterOutputAlsoReads()
    {
        using var tmp = new TempDir();
        var cube = Random(SampleType.UInt16);
        using (var fs = File.Create(tmp.File("u.mat"))) MatV5Writer.Write(cube, fs, compress: false, default);
        Assert.Equal(cube.Data, CubeFile.Read(tmp.File("u.mat")).Data);
    }

    [Fact]
    public void MatWriteRefusesExistingTargetWithoutOverwrite()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("x.mat"), "keep");
        var ex = Assert.Throws<HsiException>(() => CubeFile.Write(Random(SampleType.UInt8), tmp.File("x.mat"), CubeFileFormat.Mat, false));
        Assert.Equal(HsiErrorKind.OutputExists, ex.Kind);
        Assert.Equal("keep", File.ReadAllText(tmp.File("x.mat")));
        CubeFile.Write(Random(SampleType.UInt8), tmp.File("x.mat"), CubeFileFormat.Mat, true);
        Assert.Equal(7, CubeFile.Read(tmp.File("x.mat")).Height);
    }
}
