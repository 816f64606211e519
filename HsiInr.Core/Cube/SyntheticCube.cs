namespace HsiInr.Core.Cube;

/// <summary>
/// Deterministic synthetic scenes for benchmarks and tests of scale (e.g. a cube of Pavia University's or
/// Cuprite's size when the real scene is not at hand): a few smooth "materials" with distinct spectra mixed by
/// smooth spatial abundances, plus a little noise, quantised to uint16 like sensor data.
/// </summary>
public static class SyntheticCube
{
    public static HsiCube Smooth(int height, int width, int bands, int seed = 1, string? name = null)
    {
        HsiCube.CheckedSampleCount(height, width, bands);
        const int materials = 5;
        var rng = new Random(seed);
        var spectra = new double[materials, bands];
        var centres = new (double Y, double X, double R)[materials];
        for (int m = 0; m < materials; m++)
        {
            double f = 0.5 + rng.NextDouble() * 3, phase = rng.NextDouble() * Math.PI, level = 1000 + rng.NextDouble() * 3000;
            for (int b = 0; b < bands; b++)
                spectra[m, b] = level * (1 + 0.4 * Math.Sin(f * Math.PI * b / bands + phase));
            centres[m] = (rng.NextDouble() * height, rng.NextDouble() * width, (0.15 + 0.3 * rng.NextDouble()) * Math.Max(height, width));
        }
        var data = new float[(long)height * width * bands];
        Parallel.For(0, height, r =>
        {
            var noise = new Random(seed * 7919 + r);
            var weights = new double[materials];
            for (int c = 0; c < width; c++)
            {
                double sum = 0;
                for (int m = 0; m < materials; m++)
                {
                    double dy = (r - centres[m].Y) / centres[m].R, dx = (c - centres[m].X) / centres[m].R;
                    weights[m] = Math.Exp(-(dx * dx + dy * dy)) + 0.05 * (1 + Math.Sin(0.05 * (r + 3 * m) + 0.07 * c));
                    sum += weights[m];
                }
                long o = ((long)r * width + c) * bands;
                for (int b = 0; b < bands; b++)
                {
                    double v = 0;
                    for (int m = 0; m < materials; m++) v += weights[m] * spectra[m, b];
                    data[o + b] = (float)Math.Round(Math.Clamp(v / sum + 8 * (noise.NextDouble() - 0.5), 0, ushort.MaxValue));
                }
            }
        });
        return new HsiCube(name ?? $"synthetic-{height}x{width}x{bands}", height, width, bands, data, SampleType.UInt16);
    }
}
