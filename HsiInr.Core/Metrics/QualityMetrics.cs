using HsiInr.Core.Cube;

namespace HsiInr.Core.Metrics;

/// <summary>How far a test cube is from its reference.</summary>
public sealed record QualityReport
{
    /// <summary>10·log10(R²/MSE), R = the reference's value range (max − min over all samples), MSE over all samples: the paper's definition.</summary>
    public double Psnr { get; init; }
    /// <summary>Mean over bands of each band's PSNR, each with its own range.</summary>
    public double MeanBandPsnr { get; init; }
    public double Mse { get; init; }
    public double Rmse { get; init; }
    public double MaxAbsError { get; init; }
    /// <summary>Mean spectral angle between reference and test spectra, in degrees.</summary>
    public double SamDegrees { get; init; }
    public string Reference { get; init; } = "";
    public string Test { get; init; } = "";
}

public static class QualityMetrics
{
    /// <summary>
    /// Compares <paramref name="test"/> with <paramref name="reference"/>. Sample pairs where either value is not
    /// finite are left out; a band with zero range is left out of the mean band PSNR; pixels whose spectrum is all
    /// zero are left out of the SAM.
    /// </summary>
    public static QualityReport Compare(HsiCube reference, HsiCube test)
    {
        if (reference.Height != test.Height || reference.Width != test.Width || reference.Bands != test.Bands)
            throw new HsiException(HsiErrorKind.ShapeMismatch,
                $"The test cube '{test.Name}' is {test.Shape} but the reference '{reference.Name}' is {reference.Shape}; compare cubes of the same shape.");
        int bands = reference.Bands;
        var a = reference.Data;
        var b = test.Data;

        var bandSse = new double[bands];
        var bandCount = new long[bands];
        var bandMin = Enumerable.Repeat(double.PositiveInfinity, bands).ToArray();
        var bandMax = Enumerable.Repeat(double.NegativeInfinity, bands).ToArray();
        double maxAbs = 0, samSum = 0;
        long samCount = 0;
        object gate = new();

        Parallel.For(0, reference.Height, () => new Partial(bands), (row, _, p) =>
        {
            for (long px = (long)row * reference.Width; px < (long)(row + 1) * reference.Width; px++)
            {
                long o = px * bands;
                double dot = 0, na = 0, nb = 0;
                bool finite = true;
                for (int k = 0; k < bands; k++)
                {
                    double x = a[o + k], y = b[o + k];
                    if (!double.IsFinite(x) || !double.IsFinite(y)) { finite = false; continue; }
                    double e = y - x;
                    p.Sse[k] += e * e;
                    p.Count[k]++;
                    if (x < p.Min[k]) p.Min[k] = x;
                    if (x > p.Max[k]) p.Max[k] = x;
                    if (Math.Abs(e) > p.MaxAbs) p.MaxAbs = Math.Abs(e);
                    dot += x * y; na += x * x; nb += y * y;
                }
                if (finite && na > 0 && nb > 0)
                {
                    p.Sam += Math.Acos(Math.Clamp(dot / Math.Sqrt(na * nb), -1.0, 1.0));
                    p.SamCount++;
                }
            }
            return p;
        }, p =>
        {
            lock (gate)
            {
                for (int k = 0; k < bands; k++)
                {
                    bandSse[k] += p.Sse[k]; bandCount[k] += p.Count[k];
                    bandMin[k] = Math.Min(bandMin[k], p.Min[k]); bandMax[k] = Math.Max(bandMax[k], p.Max[k]);
                }
                maxAbs = Math.Max(maxAbs, p.MaxAbs);
                samSum += p.Sam; samCount += p.SamCount;
            }
        });

        double sse = bandSse.Sum();
        long n = bandCount.Sum();
        double mse = n > 0 ? sse / n : double.NaN;
        double range = bandMax.Max() - bandMin.Min();
        var bandPsnr = new List<double>();
        for (int k = 0; k < bands; k++)
        {
            double r = bandMax[k] - bandMin[k];
            if (bandCount[k] == 0 || !(r > 0)) continue;
            bandPsnr.Add(Psnr(r, bandSse[k] / bandCount[k]));
        }
        return new QualityReport
        {
            Psnr = Psnr(range, mse),
            MeanBandPsnr = bandPsnr.Count > 0 ? bandPsnr.Average() : double.NaN,
            Mse = mse,
            Rmse = Math.Sqrt(mse),
            MaxAbsError = maxAbs,
            SamDegrees = samCount > 0 ? samSum / samCount * 180.0 / Math.PI : double.NaN,
            Reference = reference.Name,
            Test = test.Name,
        };
    }

    /// <summary>10·log10(R²/MSE); +∞ for a perfect match.</summary>
    public static double Psnr(double range, double mse) => mse > 0 ? 10 * Math.Log10(range * range / mse) : double.PositiveInfinity;

    private sealed class Partial(int bands)
    {
        public readonly double[] Sse = new double[bands];
        public readonly long[] Count = new long[bands];
        public readonly double[] Min = Enumerable.Repeat(double.PositiveInfinity, bands).ToArray();
        public readonly double[] Max = Enumerable.Repeat(double.NegativeInfinity, bands).ToArray();
        public double MaxAbs, Sam;
        public long SamCount;
    }
}
