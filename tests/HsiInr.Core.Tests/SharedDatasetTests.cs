using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using Xunit.Abstractions;

namespace HsiInr.Core.Tests;

/// <summary>Checks against the real benchmark scenes in ../shared/datasets (see its README); skipped, visibly, when absent.</summary>
public class SharedDatasetTests(ITestOutputHelper output)
{
    private static string Dataset(string file)
    {
        var dir = TestData.SharedDatasets;
        Skip.If(dir is null, "SKIPPED: ../shared/datasets not present");
        var path = Path.Combine(dir!, file);
        Skip.IfNot(File.Exists(path), $"SKIPPED: {file} not present in shared/datasets");
        return path;
    }

    // Shapes (H × W × Bands) from the datasets README table.
    [SkippableTheory]
    [InlineData("jasperRidge2_R198.mat", 100, 100, 198, 0, 5437)]
    [InlineData("jasperRidge2_R198.img", 100, 100, 198, -448, 5437)]
    [InlineData("jasperRidge2_R198.hdr", 100, 100, 198, -448, 5437)]
    [InlineData("abu-airport-1.mat", 100, 100, 205, 0, 6604)]
    [InlineData("abu-airport-4.mat", 100, 100, 191, 1, 5061)]
    [InlineData("abu-beach-1.mat", 150, 150, 188, -32, 6593)]
    [InlineData("abu-beach-2.mat", 100, 100, 193, -19, 4100)]
    [InlineData("abu-beach-4.mat", 100, 100, 102, 0, 1)]
    [InlineData("abu-urban-1.mat", 100, 100, 204, -50, 6534)]
    [InlineData("abu-urban-3.mat", 100, 100, 191, 0, 7208)]
    [InlineData("abu-urban-4.mat", 100, 100, 205, -2, 19492)]
    [InlineData("hydice.mat", 80, 100, 162, 0, 592)]
    [InlineData("sandiego.mat", 100, 100, 189, 20, 7136)]
    [InlineData("Moffett_vca.mat", 50, 50, 189, 0, 1)]
    public void ImportsWithDocumentedShapeAndRange(string file, int h, int w, int bands, double min, double max)
    {
        var path = Dataset(file);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var cube = CubeFile.Read(path);
        output.WriteLine($"{file}: {cube.Shape} {cube.OriginalType} [{cube.MinValue}, {cube.MaxValue}] in {sw.ElapsedMilliseconds} ms");
        Assert.Equal((h, w, bands), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal(min, cube.MinValue, 1e-6);
        Assert.Equal(max, cube.MaxValue, 1e-6);
        Assert.Equal(0, cube.NonFiniteCount);
    }

    [SkippableFact]
    public void JasperRidgeMatEqualsAbsOfEnviAndHasSpatialStructure()
    {
        var mat = CubeFile.Read(Dataset("jasperRidge2_R198.mat"));
        var envi = CubeFile.Read(Dataset("jasperRidge2_R198.hdr"));

        Assert.Equal(SampleType.UInt16, mat.OriginalType); // class double stored as uint16
        Assert.Equal(SampleType.Int16, envi.OriginalType);
        for (long i = 0; i < mat.Data.LongLength; i++)
            if (mat.Data[i] != Math.Abs(envi.Data[i]))
                Assert.Fail($"Sample {i} differs: mat {mat.Data[i]} vs |envi| {Math.Abs(envi.Data[i])}");

        // Wavelengths kept in header order, including the two steps back where spectrometers overlap.
        var wl = envi.Wavelengths!;
        Assert.Equal(198, wl.Length);
        Assert.Equal(399.37, wl[0], 0.01);
        Assert.Equal(2457.24, wl[^1], 0.01);
        Assert.Equal(2, Enumerable.Range(1, wl.Length - 1).Count(i => wl[i] < wl[i - 1]));

        double near = 0, far = 0;
        long nn = 0, nf = 0;
        for (int b = 0; b < mat.Bands; b += 7)
            for (int r = 0; r < mat.Height - 1; r++)
                for (int c = 0; c < mat.Width - 1; c++)
                {
                    near += Math.Abs(mat[r, c, b] - mat[r, c + 1, b]) + Math.Abs(mat[r, c, b] - mat[r + 1, c, b]);
                    nn += 2;
                    far += Math.Abs(mat[r, c, b] - mat[(r + 50) % 100, (c + 50) % 100, b]);
                    nf++;
                }
        double ratio = near / nn / (far / nf);
        output.WriteLine($"Jasper Ridge neighbour/half-shift difference ratio: {ratio:F3}");
        Assert.True(ratio < 0.5, $"ratio {ratio}");
    }

    [SkippableFact]
    public void MoffettDataMatchesItsRowMajorY()
    {
        var path = Dataset("Moffett_vca.mat");
        var cube = CubeFile.Read(path);
        var y = CubeFile.Read(path, new CubeReadOptions { Variable = "Y", Height = 50, Width = 50 });
        // Y is row-major (pixel p = r·W + c): our column-major reading sees it transposed.
        for (int r = 0; r < 50; r += 7) for (int c = 0; c < 50; c += 3) for (int b = 0; b < 189; b += 11)
            Assert.Equal(cube[r, c, b], y[c, r, b]);
    }

    [SkippableFact]
    public void ListsVariablesOfJasperRidge()
    {
        var vars = CubeFile.ListMatVariables(Dataset("jasperRidge2_R198.mat"));
        foreach (var v in vars) output.WriteLine(v.ToString());
        Assert.Equal(["Region", "SlectBands", "nRow", "nCol", "nBand", "Y", "maxValue"], vars.Select(v => v.Name));
        Assert.Equal("struct", vars[0].ClassName);
        Assert.Equal([198L, 10000], vars[5].Dimensions);
        var ex = Assert.Throws<HsiException>(() => CubeFile.Read(Dataset("jasperRidge2_R198.mat"), new CubeReadOptions { Variable = "Region" }));
        Assert.Equal(HsiErrorKind.UnsupportedClass, ex.Kind);
    }
}
