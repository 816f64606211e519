using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>The leading principal components of a set of spectra.</summary>
/// <param name="Basis">bands × k; each column an eigenvector scaled by its component's standard deviation, so
/// unit-variance scores reproduce the data.</param>
/// <param name="Mean">The mean spectrum (bands).</param>
/// <param name="ComponentVariance">Variance of each kept component, largest first.</param>
/// <param name="TotalVariance">Sum of the variances of all bands.</param>
public sealed record PcaSpectrum(Tensor Basis, Tensor Mean, double[] ComponentVariance, double TotalVariance);

/// <summary>PCA of the rows of a pixels × bands matrix, in float64 (the band covariance is ill-conditioned).</summary>
public static class SpectralPca
{
    public static PcaSpectrum Fit(Tensor target, int k)
    {
        using var scope = NewDisposeScope();
        var y = target.to(ScalarType.Float64);
        var mean = y.mean(new long[] { 0 });
        var centred = y - mean;
        var cov = centred.t().mm(centred) / (double)y.shape[0];
        var (evals, evecs) = linalg.eigh(cov);
        int bands = (int)y.shape[1];
        k = Math.Clamp(k, 1, bands);
        // eigh sorts ascending: take the last k, largest first.
        var idx = arange(bands - 1, bands - 1 - k, -1, dtype: ScalarType.Int64);
        var vals = evals.index_select(0, idx).clamp_min(0);
        var basis = (evecs.index_select(1, idx) * vals.sqrt().unsqueeze(0)).to(ScalarType.Float32);
        return new PcaSpectrum(
            basis.MoveToOuterDisposeScope(),
            mean.to(ScalarType.Float32).MoveToOuterDisposeScope(),
            vals.data<double>().ToArray(),
            evals.clamp_min(0).sum().item<double>());
    }
}
