using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Spectral PCA of a cube: mean spectrum and the eigenvectors of the band covariance, in double. The covariance is
/// only C×C (C ≤ a few hundred), so a cyclic Jacobi solver is fast enough and keeps the baselines free of native code.
/// </summary>
internal sealed class SpectralPca
{
    public required double[] Mean { get; init; }
    /// <summary>Eigenvalues (score variances), largest first.</summary>
    public required double[] Eigenvalues { get; init; }
    /// <summary>Eigenvectors as rows (row i pairs with Eigenvalues[i]), each of length C.</summary>
    public required double[][] Vectors { get; init; }

    public static SpectralPca Compute(HsiCube cube)
    {
        int c = cube.Bands;
        long n = cube.PixelCount;
        var data = cube.Data;
        var mean = new double[c];
        var count = new long[c];
        for (long p = 0; p < n; p++)
            for (int b = 0; b < c; b++)
            {
                float v = data[p * c + b];
                if (float.IsFinite(v)) { mean[b] += v; count[b]++; }
            }
        for (int b = 0; b < c; b++) mean[b] = count[b] > 0 ? mean[b] / count[b] : 0;

        // Covariance, one row per task; non-finite samples count as the band mean (contribute nothing).
        var cov = new double[c, c];
        Parallel.For(0, c, i =>
        {
            var row = new double[c];
            for (long p = 0; p < n; p++)
            {
                long o = p * c;
                double xi = Centered(data[o + i], mean[i]);
                if (xi == 0) continue;
                for (int j = i; j < c; j++) row[j] += xi * Centered(data[o + j], mean[j]);
            }
            for (int j = i; j < c; j++) cov[i, j] = row[j] / Math.Max(1, n);
        });
        for (int i = 0; i < c; i++)
            for (int j = 0; j < i; j++) cov[i, j] = cov[j, i];

        var (values, vectors) = SymmetricEigen(cov);
        var order = Enumerable.Range(0, c).OrderByDescending(i => values[i]).ToArray();
        return new SpectralPca
        {
            Mean = mean,
            Eigenvalues = order.Select(i => Math.Max(0, values[i])).ToArray(),
            Vectors = order.Select(i => Enumerable.Range(0, c).Select(r => vectors[r, i]).ToArray()).ToArray(),
        };
    }

    private static double Centered(float v, double mean) => float.IsFinite(v) ? v - mean : 0;

    /// <summary>Cyclic Jacobi: eigenvalues and eigenvectors (columns) of a symmetric matrix.</summary>
    internal static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] m)
    {
        int n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        double scale = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) scale += a[i, j] * a[i, j];
        for (int sweep = 0; sweep < 60; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            if (off <= 1e-30 * scale || off == 0) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p, q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double cs = 1 / Math.Sqrt(t * t + 1), sn = t * cs;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = cs * akp - sn * akq;
                        a[k, q] = sn * akp + cs * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = cs * apk - sn * aqk;
                        a[q, k] = sn * apk + cs * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = cs * vkp - sn * vkq;
                        v[k, q] = sn * vkp + cs * vkq;
                    }
                }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i, i];
        return (values, v);
    }
}

/// <summary>
/// The part of a PCA both PCA codecs store: the mean spectrum (float32) and k basis vectors (float16, which is
/// ample for unit vectors and halves their cost). Encoder and decoder both use the stored, rounded values.
/// </summary>
internal sealed class StoredBasis
{
    public required float[] Mean { get; init; }
    /// <summary>k × C, row-major, as decoded from float16.</summary>
    public required float[] Basis { get; init; }
    public int K => Basis.Length / Mean.Length;
    public int Bands => Mean.Length;

    public static StoredBasis From(SpectralPca pca, int k)
    {
        int c = pca.Mean.Length;
        var basis = new float[k * c];
        for (int j = 0; j < k; j++)
            for (int b = 0; b < c; b++) basis[j * c + b] = (float)(Half)pca.Vectors[j][b];
        return new StoredBasis { Mean = pca.Mean.Select(x => (float)x).ToArray(), Basis = basis };
    }

    public static long Bytes(int bands, int k) => 4L * bands + 2L * k * bands + SharedHeaderStreams.VarUSize(k);

    public void Write(PayloadWriter w)
    {
        w.VarU(K);
        foreach (float m in Mean) w.F32(m);
        foreach (float b in Basis) w.F16((Half)b);
    }

    public static StoredBasis Read(PayloadReader r, int bands)
    {
        int k = r.VarInt(bands);
        if (k < 1) throw r.Corrupt("no principal components");
        if (4L * bands + 2L * k * bands > r.Remaining) throw r.Corrupt("it is too short for the PCA basis");
        var mean = new float[bands];
        for (int b = 0; b < bands; b++) mean[b] = r.F32();
        var basis = new float[k * bands];
        for (int i = 0; i < basis.Length; i++) basis[i] = r.F16();
        return new StoredBasis { Mean = mean, Basis = basis };
    }

    /// <summary>Component score images (k images of H·W): projections of the centred spectra on the stored basis.</summary>
    public float[][] Project(HsiCube cube)
    {
        int c = Bands, k = K;
        long n = cube.PixelCount;
        var scores = new float[k][];
        for (int j = 0; j < k; j++) scores[j] = new float[n];
        var data = cube.Data;
        Parallel.For(0, (int)((n + 4095) / 4096), blk =>
        {
            long end = Math.Min(n, (blk + 1) * 4096L);
            var x = new double[c];
            for (long p = blk * 4096L; p < end; p++)
            {
                for (int b = 0; b < c; b++) { float v = data[p * c + b]; x[b] = float.IsFinite(v) ? v - Mean[b] : 0; }
                for (int j = 0; j < k; j++)
                {
                    double s = 0;
                    for (int b = 0; b < c; b++) s += x[b] * Basis[j * c + b];
                    scores[j][p] = (float)s;
                }
            }
        });
        return scores;
    }

    /// <summary>Mean + Σ score_j · basis_j, in BIP order.</summary>
    public float[] Reconstruct(float[][] scores, long pixels)
    {
        int c = Bands, k = scores.Length;
        var data = new float[pixels * c];
        Parallel.For(0, (int)((pixels + 4095) / 4096), blk =>
        {
            long end = Math.Min(pixels, (blk + 1) * 4096L);
            var x = new double[c];
            for (long p = blk * 4096L; p < end; p++)
            {
                for (int b = 0; b < c; b++) x[b] = Mean[b];
                for (int j = 0; j < k; j++)
                {
                    double s = scores[j][p];
                    if (s == 0) continue;
                    for (int b = 0; b < c; b++) x[b] += s * Basis[j * c + b];
                }
                for (int b = 0; b < c; b++) data[p * c + b] = (float)x[b];
            }
        });
        return data;
    }

    /// <summary>Sum of squared errors of <paramref name="decoded"/> against the cube's finite samples.</summary>
    public static double Sse(HsiCube cube, float[] decoded)
    {
        var a = cube.Data;
        double total = 0;
        object gate = new();
        Parallel.For(0, (int)((a.LongLength + 65535) / 65536), () => 0.0, (blk, _, acc) =>
        {
            long end = Math.Min(a.LongLength, (blk + 1) * 65536L);
            for (long i = blk * 65536L; i < end; i++)
                if (float.IsFinite(a[i])) { double e = decoded[i] - (double)a[i]; acc += e * e; }
            return acc;
        }, acc => { lock (gate) total += acc; });
        return total;
    }
}
