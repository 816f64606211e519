using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// Principal components of the spectra (rows of a pixels × bands matrix), computed in float64: the mean spectrum,
/// the top-k eigenvectors of the band covariance, and the standard deviation of each component's scores.
/// </summary>
public static class SpectralPca
{
    /// <returns>basis (bands × k, columns = eigenvectors scaled by their score std), mean (bands), and the fraction of variance each component explains.</returns>
    public static (Tensor Basis, Tensor Mean, double[] Explained) Fit(Tensor target, int k)
    {
        using var scope = NewDisposeScope();
        var y = target.to(ScalarType.Float64);
        var mean = y.mean(new long[] { 0 });
        var centred = y - mean;
        var cov = centred.t().mm(centred) / (double)y.shape[0];
        var (evals, evecs) = linalg.eigh(cov);
        int bands = (int)y.shape[1];
        k = Math.Min(k, bands);
        // eigh sorts ascending: take the last k, largest first.
        var idx = arange(bands - 1, bands - 1 - k, -1, dtype: ScalarType.Int64);
        var vecs = evecs.index_select(1, idx);
        var vals = evals.index_select(0, idx).clamp_min(0);
        var std = vals.sqrt();
        var basis = (vecs * std.unsqueeze(0)).to(ScalarType.Float32);
        double total = evals.clamp_min(0).sum().item<double>();
        var explained = vals.data<double>().Select(v => total > 0 ? v / total : 0).ToArray();
        return (basis.MoveToOuterDisposeScope(), mean.to(ScalarType.Float32).MoveToOuterDisposeScope(), explained);
    }
}
