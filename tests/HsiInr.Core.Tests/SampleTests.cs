using System.Security.Cryptography;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.Core.Tests;

/// <summary>The shipped sample (samples/jasper-ridge-64.mat, see samples/README.md).</summary>
public class SampleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string SamplePath => Path.Combine(TestData.RepoRoot, "samples", "jasper-ridge-64.mat");

    [Fact]
    public void SampleImportsWithDocumentedShape()
    {
        var cube = CubeFile.Read(SamplePath);
        Assert.Equal((64, 64, 198), (cube.Height, cube.Width, cube.Bands));
        Assert.Equal(SampleType.UInt16, cube.OriginalType);
        Assert.Equal(198, cube.Wavelengths!.Length);
        Assert.Equal("jasper-ridge-64", cube.Name);
        Assert.Equal((0.0, 5437.0), (cube.MinValue, cube.MaxValue));
        output.WriteLine($"{cube.Shape} {cube.OriginalType} [{cube.MinValue}, {cube.MaxValue}] wl {cube.Wavelengths[0]}..{cube.Wavelengths[^1]} distinct {cube.Data.Distinct().Count()}");
    }

    /// <summary>
    /// The sample is rows 0-63, cols 0-63 of the shared Jasper Ridge .mat, with the ENVI copy's wavelengths, written by
    /// <see cref="CubeFile.Write"/>. Rebuilding it must give the same bytes (the writer is deterministic), which also
    /// documents how it was made. Set HSIINR_WRITE_SAMPLE=1 to (re)write it.
    /// </summary>
    [SkippableFact]
    public void SampleIsTheDocumentedCropOfTheSharedScene()
    {
        var dir = TestData.SharedDatasets;
        Skip.If(dir is null, "SKIPPED: ../shared/datasets not present");
        var full = CubeFile.Read(Path.Combine(dir!, "jasperRidge2_R198.mat"));
        var wl = CubeFile.Read(Path.Combine(dir!, "jasperRidge2_R198.hdr")).Wavelengths;
        var crop = full.Crop(0, 0, 64, 64, "jasper-ridge-64");
        crop.Wavelengths = wl;

        if (Environment.GetEnvironmentVariable("HSIINR_WRITE_SAMPLE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SamplePath)!);
            CubeFile.Write(crop, SamplePath, CubeFileFormat.Mat, overwrite: true);
        }

        using var tmp = new TempDir();
        CubeFile.Write(crop, tmp.File("s.mat"), CubeFileFormat.Mat, false);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(tmp.File("s.mat")))),
                     Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(SamplePath))));
        Assert.Equal(crop.Data, CubeFile.Read(SamplePath).Data);
    }
}
