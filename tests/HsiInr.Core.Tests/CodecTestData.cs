using HsiInr.Core.Cube;

namespace HsiInr.Core.Tests;

/// <summary>Small deterministic cubes for codec tests: smooth spatial structure and correlated spectra, like real scenes.</summary>
internal static class CodecTestData
{
    public static HsiCube SmoothCube(int height = 16, int width = 16, int bands = 12, SampleType type = SampleType.UInt16, string name = "smooth")
    {
        var d = new float[height * width * bands];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double a = Math.Sin(r * 0.35) * Math.Cos(c * 0.27), b = Math.Exp(-((r - 6) * (r - 6) + (c - 9) * (c - 9)) / 30.0);
                for (int k = 0; k < bands; k++)
                {
                    double spectrum = 1000 + 600 * a * Math.Cos(k * 0.2) + 900 * b * Math.Sin(k * 0.15 + 0.3);
                    d[(r * width + c) * bands + k] = (float)Math.Round(spectrum + 2000);
                }
            }
        return new HsiCube(name, height, width, bands, d, type);
    }
}
