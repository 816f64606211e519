using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using PureHDF;

namespace HsiInr.Core.Tests;

/// <summary>MAT v7.3 fixtures are HDF5 files written with PureHDF: datasets with a MATLAB_class attribute, dimensions
/// reversed relative to MATLAB, and (like MATLAB) a 512-byte user block in front.</summary>
public class MatV73Tests
{
    private static double F(int r, int c, int b) => r + 10 * c + 100 * b;

    private static string WriteV73(string path, int userBlock, params (string Name, object Data, ulong[] MatlabDims, string Class)[] vars)
    {
        var file = new H5File();
        foreach (var v in vars)
            file[v.Name] = new H5Dataset(v.Data, fileDims: v.MatlabDims.Reverse().ToArray())
            {
                Attributes = new() { ["MATLAB_class"] = v.Class },
            };
        file.Write(path, new H5WriteOptions(UserBlockSize: (ulong)userBlock));
        if (userBlock > 0)
        {
            // MATLAB puts its text header into the user block; the reader must still find HDF5 at byte 512.
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
            var text = System.Text.Encoding.ASCII.GetBytes("MATLAB 7.3 MAT-file, Platform: test, Created by: MatV73Tests HDF5 schema 1.00 .");
            fs.Write(text);
        }
        return path;
    }

    [Theory]
    [InlineData(512)]
    [InlineData(0)]
    public void ReadsCubeWithReversedDimensions(int userBlock)
    {
        using var tmp = new TempDir();
        var data = MatBuilder.ColumnMajor(3, 4, 5, F).Select(x => (ushort)x).ToArray();
        var path = WriteV73(tmp.File("v73.mat"), userBlock,
            ("data", data, [3, 4, 5], "double"),
            ("map", new byte[12], [3, 4], "uint8"));

        var vars = CubeFile.ListMatVariables(path);
        Assert.Contains(vars, v => v.Name == "data" && v.ClassName == "double" && v.Dimensions.SequenceEqual([3L, 4, 5]));

        var cube = CubeFile.Read(path);
        Assert.Equal((3, 4, 5), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal(SampleType.UInt16, cube.OriginalType);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) for (int b = 0; b < 5; b++)
            Assert.Equal((float)F(r, c, b), cube[r, c, b]);
    }

    [Fact]
    public void UnmixingLayoutAndAmbiguityFollowTheV5Rules()
    {
        using var tmp = new TempDir();
        int h = 2, w = 3, bands = 4;
        var y = new double[bands * h * w];
        for (int c = 0; c < w; c++) for (int r = 0; r < h; r++) for (int b = 0; b < bands; b++) y[b + bands * (r + h * c)] = F(r, c, b);
        var path = WriteV73(tmp.File("y.mat"), 512,
            ("Y", y, [(ulong)bands, (ulong)(h * w)], "double"),
            ("nRow", new double[] { h }, [1, 1], "double"),
            ("nCol", new double[] { w }, [1, 1], "double"));
        var cube = CubeFile.Read(path);
        Assert.Equal((h, w, bands), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal((float)F(1, 2, 3), cube[1, 2, 3]);

        var path2 = WriteV73(tmp.File("two.mat"), 512,
            ("a", new float[8], [2, 2, 2], "single"),
            ("b", new float[8], [2, 2, 2], "single"));
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(path2));
        Assert.Equal(HsiErrorKind.AmbiguousVariable, ex.Kind);
        Assert.Contains("b (single, 2×2×2)", ex.Message);
    }
}

public class MatV73PlainHdf5Tests
{
    [Fact]
    public void DatasetWithoutMatlabClassUsesItsHdf5Type()
    {
        using var tmp = new TempDir();
        var file = new H5File { ["cube"] = new H5Dataset(new short[] { -1, 2, 3, 4, 5, 6, 7, 8 }, fileDims: [2, 2, 2]) };
        file.Write(tmp.File("plain.mat"), new H5WriteOptions(UserBlockSize: 512));
        var vars = CubeFile.ListMatVariables(tmp.File("plain.mat"));
        Assert.Equal("int16", Assert.Single(vars).ClassName);
        var cube = CubeFile.Read(tmp.File("plain.mat"));
        Assert.Equal(HsiInr.Core.Cube.SampleType.Int16, cube.OriginalType);
        Assert.Equal(-1f, cube[0, 0, 0]);
        Assert.Equal(2f, cube[1, 0, 0]); // HDF5 last dimension = MATLAB first (rows)
    }

    [Fact]
    public void CutOffV73FileIsAnHsiException()
    {
        using var tmp = new TempDir();
        var file = new H5File { ["data"] = new H5Dataset(new double[4000], fileDims: [10, 20, 20]) };
        file.Write(tmp.File("full.mat"), new H5WriteOptions(UserBlockSize: 512));
        var bytes = File.ReadAllBytes(tmp.File("full.mat"));
        foreach (int cut in new[] { 600, 1200, bytes.Length / 2 })
        {
            File.WriteAllBytes(tmp.File("cut.mat"), bytes[..cut]);
            var ex = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("cut.mat")));
            Assert.Contains(ex.Kind, new[] { HsiErrorKind.MalformedHeader, HsiErrorKind.TruncatedFile, HsiErrorKind.VariableNotFound });
        }
    }
}
