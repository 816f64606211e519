using System.Diagnostics;
using System.Globalization;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Baseline after Du &amp; Fowler (2007): spectral PCA, each kept component image scaled to 16 bits and coded with
/// JPEG2000 (OpenJPEG, irreversible 9/7). Rate allocation is reverse water-filling driven by measured distortion:
/// one target distortion D (MSE in score units) for every component, handed to OpenJPEG's distortion-based rate
/// control (<c>-q</c>, PSNR relative to each component's 16-bit range); components whose variance is below D are
/// not coded at all. D is found by bisection on the real size and k over a small set (the basis costs bytes); the
/// best decoded PSNR that fits wins. Payload: k, mean (f32), basis (f16), per component f32 min and max, codestreams.
/// </summary>
public sealed class PcaJpeg2000Codec : BaselineCodec
{
    public override CodecId Id => CodecId.PcaJpeg2000;

    public override BaselineEncoding Encode(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long budget = RateBudget.PayloadBytes(header, bpppb);
        OpenJpegTool.Find("opj_compress");
        var pca = SpectralPca.Compute(cube);
        int h = cube.Height, w = cube.Width;
        long pixels = cube.PixelCount;
        (byte[] Payload, double Sse, int K, double D)? best = null;
        long smallest = long.MaxValue;
        int evaluation = 0;
        var ks = PcaDctCodec.KCandidates.Where(k => k <= cube.Bands).ToArray();
        foreach (int kMax in ks)
        {
            ct.ThrowIfCancellationRequested();
            if (StoredBasis.Bytes(cube.Bands, kMax) > budget) break;
            var basis = StoredBasis.From(pca, kMax);
            var scores = basis.Project(cube);
            var lo = new float[kMax];
            var hi = new float[kMax];
            var variance = new double[kMax];
            var images = new ushort[kMax][];
            for (int j = 0; j < kMax; j++)
            {
                var s = scores[j];
                lo[j] = s.Min();
                hi[j] = s.Max();
                double m = s.Average(v => (double)v);
                variance[j] = s.Sum(v => (v - m) * (v - m)) / pixels;
                images[j] = Jpeg2000Codec.ToUInt16(s, lo[j], hi[j]);
            }
            if (!(variance[0] > 0)) variance[0] = 1e-12;

            byte[] Payload(double d)
            {
                // Reverse water-filling: only components with more variance than D are worth coding.
                int kept = Math.Max(1, variance.Count(v => v > d));
                var psnr = new string[kept];
                for (int j = 0; j < kept; j++)
                {
                    double range = (double)hi[j] - lo[j];
                    double p = range > 0 ? 10 * Math.Log10(range * range / d) : 150;
                    psnr[j] = Math.Clamp(p, 1, 150).ToString("0.###", CultureInfo.InvariantCulture);
                }
                var streams = OpenJpegTool.Encode(images[..kept], w, h, j => ["-I", "-q", psnr[j]], ct).Select(CodestreamSplit.SplitJ2k).ToArray();
                var pw = new PayloadWriter();
                StoredBasis.From(pca, kept).Write(pw);
                for (int j = 0; j < kept; j++) { pw.F32(lo[j]); pw.F32(hi[j]); }
                SharedHeaderStreams.Write(pw, streams);
                return pw.ToArray();
            }

            // Bisection on log D: the payload shrinks as D grows.
            double dHi = variance[0] * 0.999, dLo = variance[0] * 1e-9;
            var top = Payload(dHi);
            smallest = Math.Min(smallest, top.Length);
            if (top.Length > budget) break; // one coarse component is the floor for every k
            byte[] fit = top;
            double fitD = dHi;
            for (int i = 0; i < 20 && dHi / dLo > 1.01; i++)
            {
                ct.ThrowIfCancellationRequested();
                double mid = Math.Sqrt(dLo * dHi);
                var p = Payload(mid);
                if (p.Length <= budget) { dHi = mid; fit = p; fitD = mid; } else dLo = mid;
                if (fit.Length >= 0.985 * budget) break;
            }
            Report(progress, $"pca-jpeg2000 k={kMax}", ++evaluation, ks.Length, clock);
            double sse = StoredBasis.Sse(cube, DecodePayload(header, fit, null));
            int keptK = Math.Max(1, variance.Count(v => v > fitD));
            if (best is null || sse < best.Value.Sse) best = (fit, sse, keptK, fitD);
            // Larger k cannot help once D already leaves components out, nor once quality starts to fall.
            if (keptK < kMax || sse > best.Value.Sse * 1.02) break;
        }
        if (best is not { } b) throw RateBudget.TooLow(header, bpppb, smallest, "PCA-JPEG2000 with one component");
        return new BaselineEncoding(b.Payload, string.Create(CultureInfo.InvariantCulture, $"k={b.K},D={b.D:G4}"));
    }

    public override float[] DecodePayload(ArchiveHeader header, ReadOnlyMemory<byte> payload, string? path)
    {
        var r = new PayloadReader(payload, path);
        var basis = StoredBasis.Read(r, header.Bands);
        int k = basis.K;
        if (8L * k > r.Remaining) throw r.Corrupt("it is too short for the component scales");
        var lo = new float[k];
        var hi = new float[k];
        for (int j = 0; j < k; j++) { lo[j] = r.F32(); hi[j] = r.F32(); }
        var streams = SharedHeaderStreams.Read(r, k);
        r.End();
        var j2k = streams.Select(s => CodestreamSplit.JoinJ2k(s.Header.Span, s.Body.Span)).ToArray();
        var images = OpenJpegTool.Decode(j2k, header.Width, header.Height, path, CancellationToken.None);
        var scores = new float[k][];
        for (int j = 0; j < k; j++)
        {
            double scale = ((double)hi[j] - lo[j]) / 65535.0;
            scores[j] = images[j].Select(u => (float)(lo[j] + u * scale)).ToArray();
        }
        return basis.Reconstruct(scores, header.PixelCount);
    }
}
