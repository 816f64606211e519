using System.Diagnostics;
using System.Globalization;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Entropy;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Baseline: spectral PCA, then each kept component image coded with an 8×8 DCT, one uniform quantiser step for all
/// components and <see cref="DctBlockCoder"/>. The basis is orthonormal, so a common step gives every component the
/// same distortion, which is the MSE-optimal split at a given rate (reverse water-filling); components whose
/// coefficients all quantise to zero cost almost nothing. k is searched over a small set and the step by bisection;
/// the best decoded PSNR that fits wins. Payload: k, mean (f32), basis (f16), step (f32), range-coded blocks.
/// </summary>
public sealed class PcaDctCodec : BaselineCodec
{
    internal static readonly int[] KCandidates = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32];
    /// <summary>AC rounding offset below 0.5: a dead zone that makes zeros cheaper at little distortion.</summary>
    private const float AcRounding = 0.35f;

    public override CodecId Id => CodecId.PcaDct;

    public override BaselineEncoding Encode(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long budget = RateBudget.PayloadBytes(header, bpppb);
        var pca = SpectralPca.Compute(cube);
        int h = cube.Height, w = cube.Width;
        (byte[] Payload, double Sse, int K, double Step)? best = null;
        long smallest = long.MaxValue;
        int evaluation = 0;
        var ks = KCandidates.Where(k => k <= cube.Bands).ToArray();
        foreach (int k in ks)
        {
            ct.ThrowIfCancellationRequested();
            long fixedBytes = StoredBasis.Bytes(cube.Bands, k) + 4;
            if (fixedBytes + 8 > budget) { smallest = Math.Min(smallest, fixedBytes + 8); break; }
            var basis = StoredBasis.From(pca, k);
            var coefs = basis.Project(cube).Select(s => BlockDct.Forward(s, h, w)).ToArray();
            double maxAbs = coefs.Max(c => c.Length == 0 ? 0 : c.Max(Math.Abs));
            if (!(maxAbs > 0)) maxAbs = 1;

            // Bisection on log(step): payload size falls as the step grows.
            double lo = maxAbs * 1e-7, hi = maxAbs * 4;
            var top = Payload(basis, coefs, hi);
            smallest = Math.Min(smallest, top.Length);
            if (top.Length > budget) continue;
            byte[] fit = top;
            double fitStep = hi;
            for (int i = 0; i < 30 && hi / lo > 1.002; i++)
            {
                ct.ThrowIfCancellationRequested();
                double mid = Math.Sqrt(lo * hi);
                var p = Payload(basis, coefs, mid);
                if (p.Length <= budget) { hi = mid; fit = p; fitStep = mid; } else lo = mid;
                if (fit.Length >= 0.995 * budget) break;
            }
            Report(progress, $"pca-dct k={k}", ++evaluation, ks.Length, clock);
            double sse = StoredBasis.Sse(cube, DecodePayload(header, fit, null));
            if (best is null || sse < best.Value.Sse) best = (fit, sse, k, fitStep);
            // A larger k only helps while the last component still got bits.
            else if (sse > best.Value.Sse * 1.02) break;
        }
        if (best is not { } b) throw RateBudget.TooLow(header, bpppb, smallest, "PCA-DCT with one component");
        return new BaselineEncoding(b.Payload, string.Create(CultureInfo.InvariantCulture, $"k={b.K},step={b.Step:G4}"));
    }

    private static byte[] Payload(StoredBasis basis, float[][] coefs, double step)
    {
        var w = new PayloadWriter();
        basis.Write(w);
        w.F32((float)step);
        float inv = (float)(1 / (double)(float)step);
        var enc = new RangeEncoder();
        var coder = new DctBlockCoder();
        var q = new int[coefs[0].Length];
        for (int j = 0; j < coefs.Length; j++)
        {
            var c = coefs[j];
            for (int i = 0; i < c.Length; i++)
            {
                float a = Math.Abs(c[i]) * inv + (i % 64 == 0 ? 0.5f : AcRounding);
                int m = DctBlockCoder.Clamp(Math.Floor(a));
                q[i] = c[i] < 0 ? -m : m;
            }
            coder.Encode(enc, q, j);
        }
        w.Bytes(enc.Finish());
        return w.ToArray();
    }

    public override float[] DecodePayload(ArchiveHeader header, ReadOnlyMemory<byte> payload, string? path)
    {
        var r = new PayloadReader(payload, path);
        var basis = StoredBasis.Read(r, header.Bands);
        float step = r.F32();
        if (!(step > 0)) throw r.Corrupt("a non-positive quantiser step");
        int h = header.Height, w = header.Width;
        long blocks = (long)BlockDct.Blocks(h) * BlockDct.Blocks(w);
        if (blocks * 64 > Array.MaxLength) throw r.Corrupt("an impossible image size");
        var dec = new RangeDecoder(r.Bytes(r.Remaining));
        var coder = new DctBlockCoder();
        var scores = new float[basis.K][];
        try
        {
            for (int j = 0; j < basis.K; j++)
            {
                var q = coder.Decode(dec, (int)blocks, j);
                var c = new float[q.Length];
                for (int i = 0; i < q.Length; i++) c[i] = q[i] * step;
                scores[j] = BlockDct.Inverse(c, h, w);
            }
        }
        catch (InvalidDataException e)
        {
            throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: {e.Message}", path, e);
        }
        return basis.Reconstruct(scores, (long)h * w);
    }
}
