using System.Diagnostics;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using Xunit.Abstractions;

namespace HsiInr.Core.Tests;

public class PerfTests(ITestOutputHelper output)
{
    /// <summary>Pavia-University-sized int16 cube (610×340×103): targets are &lt; 2 s from compressed MAT v5 and &lt; 1 s from ENVI;
    /// the assertion is generous so a slow CI box does not flake, the measured times are printed.</summary>
    [Fact]
    public void ImportsPaviaSizedInt16CubeQuickly()
    {
        const int h = 610, w = 340, b = 103;
        var data = new float[h * w * b];
        var rng = new Random(7);
        for (int i = 0; i < data.Length; i++) data[i] = (float)(1000 + (i % 977) + rng.Next(64) - (i % 5000 == 0 ? 1500 : 0));
        var cube = new HsiCube("pavia", h, w, b, data, SampleType.Int16);
        using var tmp = new TempDir();
        CubeFile.Write(cube, tmp.File("p.mat"), CubeFileFormat.Mat, false);
        CubeFile.Write(cube, tmp.File("p.img"), CubeFileFormat.Envi, false);
        CubeFile.Read(tmp.File("p.img")); // warm up the JIT and page cache for both paths
        CubeFile.Read(tmp.File("p.mat"));

        var sw = Stopwatch.StartNew();
        var mat = CubeFile.Read(tmp.File("p.mat"));
        double matMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var envi = CubeFile.Read(tmp.File("p.img"));
        double enviMs = sw.Elapsed.TotalMilliseconds;

        output.WriteLine($"610×340×103 int16: compressed MAT v5 ({new FileInfo(tmp.File("p.mat")).Length / 1e6:F1} MB) {matMs:F0} ms; ENVI {enviMs:F0} ms");
        Assert.Equal(data, mat.Data);
        Assert.Equal(data, envi.Data);
        Assert.Equal(SampleType.Int16, mat.OriginalType);
        Assert.True(matMs < 10_000 && enviMs < 10_000, $"MAT {matMs} ms, ENVI {enviMs} ms");
    }
}
