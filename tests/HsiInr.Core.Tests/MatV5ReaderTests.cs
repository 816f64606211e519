using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using static HsiInr.Fuzz.MatBuilder;

namespace HsiInr.Core.Tests;

public class MatV5ReaderTests
{
    private static double F(int r, int c, int b) => r + 10 * c + 50 * b;

    public static TheoryData<int, int, bool, bool, SampleType> StorageCases()
    {
        var d = new TheoryData<int, int, bool, bool, SampleType>();
        // (class, stored type, signed values wanted) — MATLAB compacts integer-valued doubles into smaller types.
        var combos = new (int Cls, int Mi, SampleType Expected)[]
        {
            (MxDouble, MiUInt8, SampleType.UInt8), (MxDouble, MiInt8, SampleType.Int8), (MxDouble, MiUInt16, SampleType.UInt16),
            (MxDouble, MiInt16, SampleType.Int16), (MxDouble, MiInt32, SampleType.Int32), (MxDouble, MiUInt32, SampleType.UInt32),
            (MxDouble, MiDouble, SampleType.Double), (MxDouble, MiSingle, SampleType.Double), (MxSingle, MiSingle, SampleType.Single),
            (MxSingle, MiInt16, SampleType.Int16), (MxUInt16, MiUInt16, SampleType.UInt16), (MxInt16, MiInt16, SampleType.Int16),
            (MxUInt8, MiUInt8, SampleType.UInt8), (MxInt8, MiInt8, SampleType.Int8), (MxInt32, MiInt32, SampleType.Int32),
            (MxUInt32, MiUInt32, SampleType.UInt32), (MxInt64, MiInt64, SampleType.Double), (MxUInt64, MiUInt64, SampleType.Double),
            (MxUInt16, MiUInt8, SampleType.UInt16), // integer classes may be compacted too
        };
        foreach (var (cls, mi, t) in combos)
            foreach (bool big in new[] { false, true })
                foreach (bool z in new[] { false, true })
                    d.Add(cls, mi, big, z, t);
        return d;
    }

    [Theory]
    [MemberData(nameof(StorageCases))]
    public void ReadsEveryClassAndStoredTypeInBothByteOrders(int cls, int mi, bool bigEndian, bool compressed, SampleType expectedType)
    {
        using var tmp = new TempDir();
        bool signed = mi is MiInt8 or MiInt16 or MiInt32 or MiInt64 or MiSingle or MiDouble;
        Func<int, int, int, double> f = (r, c, b) => signed ? F(r, c, b) - 60 : F(r, c, b);
        var path = new MatBuilder(bigEndian).Add("cube", cls, [3, 4, 2], mi, ColumnMajor(3, 4, 2, f), compressed).Save(tmp.File("t.mat"));

        var cube = CubeFile.Read(path);

        Assert.Equal((3, 4, 2), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal(expectedType, cube.OriginalType);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) for (int b = 0; b < 2; b++)
            Assert.Equal((float)f(r, c, b), cube[r, c, b]);
        Assert.Equal("t", cube.Name);
        Assert.Equal(Path.GetFullPath(path), cube.SourcePath);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnmixingLayoutUsesColumnMajorPixelsFromSmallScalarElements(bool bigEndian)
    {
        using var tmp = new TempDir();
        int h = 2, w = 3, bands = 4;
        var y = new double[bands * h * w]; // Y(b, p) at b + B·p, p = r + H·c
        for (int c = 0; c < w; c++) for (int r = 0; r < h; r++) for (int b = 0; b < bands; b++) y[b + bands * (r + h * c)] = F(r, c, b);
        // nRow/nCol are one byte each: MATLAB writes them as small data elements (tested by the builder).
        var path = new MatBuilder(bigEndian)
            .Add("nRow", MxDouble, [1, 1], MiUInt8, [h])
            .Add("nCol", MxDouble, [1, 1], MiUInt8, [w], compress: false)
            .Add("Y", MxDouble, [bands, h * w], MiUInt16, y)
            .Add("map", MxUInt8, [h, w], MiUInt8, new double[h * w], logical: true)
            .Save(tmp.File("u.mat"));

        var cube = CubeFile.Read(path);

        Assert.Equal((h, w, bands), (cube.Height, cube.Width, cube.Bands));
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) for (int b = 0; b < bands; b++)
            Assert.Equal((float)F(r, c, b), cube[r, c, b]);
    }

    [Fact]
    public void TwoDimensionalVariableWithHeightWidthOptionsIsBandsByPixels()
    {
        using var tmp = new TempDir();
        int h = 3, w = 2, bands = 5;
        var y = new double[bands * h * w];
        for (int c = 0; c < w; c++) for (int r = 0; r < h; r++) for (int b = 0; b < bands; b++) y[b + bands * (r + h * c)] = F(r, c, b);
        var path = new MatBuilder().Add("spectra", MxSingle, [bands, h * w], MiSingle, y).Save(tmp.File("s.mat"));

        var cube = CubeFile.Read(path, new CubeReadOptions { Variable = "spectra", Height = h, Width = w });
        Assert.Equal((h, w, bands), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal((float)F(2, 1, 4), cube[2, 1, 4]);

        // Only one of the sizes is enough: the other follows from the pixel count.
        var cube2 = CubeFile.Read(path, new CubeReadOptions { Variable = "spectra", Height = h });
        Assert.Equal(cube.Data, cube2.Data);

        var bad = Assert.Throws<HsiException>(() => CubeFile.Read(path, new CubeReadOptions { Variable = "spectra", Height = 4, Width = 4 }));
        Assert.Equal(HsiErrorKind.ShapeMismatch, bad.Kind);
    }

    [Fact]
    public void ExplicitPlainMatrixIsOneBandImage()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder().Add("img", MxDouble, [2, 3], MiDouble, ColumnMajor(2, 3, 1, F)).Save(tmp.File("i.mat"));
        var cube = CubeFile.Read(path, new CubeReadOptions { Variable = "img" });
        Assert.Equal((2, 3, 1), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal((float)F(1, 2, 0), cube[1, 2, 0]);
    }

    [Fact]
    public void SeveralCubesAreAmbiguousAndTheMessageListsThem()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder()
            .Add("a", MxDouble, [2, 2, 2], MiDouble, new double[8])
            .Add("b", MxUInt16, [2, 3, 4], MiUInt16, new double[24])
            .Save(tmp.File("two.mat"));

        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(path));
        Assert.Equal(HsiErrorKind.AmbiguousVariable, ex.Kind);
        Assert.Contains("a (double, 2×2×2)", ex.Message);
        Assert.Contains("b (uint16, 2×3×4)", ex.Message);
        Assert.Contains("-Variable", ex.Message);

        var cube = CubeFile.Read(path, new CubeReadOptions { Variable = "b" });
        Assert.Equal((2, 3, 4), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal(2, CubeFile.Read(path, new CubeReadOptions { Variable = "A" }).Bands); // case-insensitive fallback
    }

    [Fact]
    public void NoCubeOrUnknownNameIsVariableNotFoundWithListing()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder().Add("map", MxUInt8, [4, 4], MiUInt8, new double[16]).Save(tmp.File("m.mat"));
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(path));
        Assert.Equal(HsiErrorKind.VariableNotFound, ex.Kind);
        Assert.Contains("map (uint8, 4×4)", ex.Message);

        var ex2 = Assert.Throws<HsiException>(() => CubeFile.Read(path, new CubeReadOptions { Variable = "nope" }));
        Assert.Equal(HsiErrorKind.VariableNotFound, ex2.Kind);
        Assert.Contains("nope", ex2.Message);
        Assert.Contains("map", ex2.Message);
    }

    [Fact]
    public void ComplexCellAndCharAreSkippedButRejectedWhenRequested()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder()
            .Add("z", MxDouble, [2, 2, 2], MiDouble, new double[8], complex: true)
            .Add("c", MxCell, [0, 0], MiDouble, null)
            .Add("txt", MxChar, [1, 3], MiUtf16, [65, 66, 67])
            .Add("real", MxInt16, [2, 2, 3], MiInt16, ColumnMajor(2, 2, 3, F))
            .Save(tmp.File("mixed.mat"));

        var cube = CubeFile.Read(path); // the only real 3-D array wins
        Assert.Equal(3, cube.Bands);

        foreach (var (name, cls) in new[] { ("z", "complex double"), ("c", "cell"), ("txt", "char") })
        {
            var ex = Assert.Throws<HsiException>(() => CubeFile.Read(path, new CubeReadOptions { Variable = name }));
            Assert.Equal(HsiErrorKind.UnsupportedClass, ex.Kind);
            Assert.Contains(cls, ex.Message);
        }

        var list = CubeFile.ListMatVariables(path);
        Assert.Equal(["z", "c", "txt", "real"], list.Select(v => v.Name));
        Assert.True(list[0].IsComplex);
        Assert.Equal("cell", list[1].ClassName);
        Assert.Equal([2L, 2, 3], list[3].Dimensions);
        Assert.False(list[2].IsNumeric);
    }

    [Fact]
    public void WavelengthVectorIsAttached()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder()
            .Add("data", MxDouble, [2, 2, 3], MiDouble, ColumnMajor(2, 2, 3, F))
            .Add("wavelengths", MxDouble, [3, 1], MiDouble, [500, 450.5, 700])
            .Save(tmp.File("w.mat"));
        var cube = CubeFile.Read(path);
        Assert.Equal([500, 450.5, 700], cube.Wavelengths!);
    }

    [Fact]
    public void NonFiniteSamplesAreKeptAndCounted()
    {
        using var tmp = new TempDir();
        var v = ColumnMajor(2, 2, 2, F);
        v[0] = double.NaN; v[5] = double.PositiveInfinity;
        var path = new MatBuilder().Add("data", MxSingle, [2, 2, 2], MiSingle, v).Save(tmp.File("nan.mat"));
        var cube = CubeFile.Read(path);
        Assert.Equal(2, cube.NonFiniteCount);
        Assert.True(float.IsNaN(cube[0, 0, 0]));
    }
}

public class MatV5OptionTests
{
    [Fact]
    public void HeightWidthOptionsFindTheBandsByPixelsMatrixWithoutAName()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder()
            .Add("M", MatBuilder.MxDouble, [3, 2], MatBuilder.MiDouble, new double[6])
            .Add("spectra", MatBuilder.MxDouble, [3, 6], MatBuilder.MiDouble, Enumerable.Range(0, 18).Select(i => (double)i).ToArray())
            .Save(tmp.File("p.mat"));
        var cube = CubeFile.Read(path, new CubeReadOptions { Height = 2, Width = 3 });
        Assert.Equal((2, 3, 3), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal(3f * (1 + 2 * 2) + 1, cube[1, 2, 1]); // pixel p = r + H·c = 5, band 1 → index 1 + 3·5
        Assert.Equal(HsiErrorKind.VariableNotFound, Assert.Throws<HsiException>(() => CubeFile.Read(path)).Kind);
    }

    [Fact]
    public void CancellationStopsTheRead()
    {
        using var tmp = new TempDir();
        var path = new MatBuilder().Add("data", MatBuilder.MxDouble, [4, 4, 40], MatBuilder.MiUInt16, new double[640]).Save(tmp.File("c.mat"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => CubeFile.Read(path, null, cts.Token));
    }
}
