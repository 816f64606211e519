using System.Diagnostics;
using System.Globalization;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Baseline: every band coded on its own with JPEG2000 (OpenJPEG, irreversible 9/7) at 16 bits. Samples map to
/// uint16 through the header's global range (free: the header already stores it). All bands get the same
/// compression ratio, and that ratio is searched on the real total size: opj's <c>-r</c> only caps a band, and
/// smooth bands come out smaller. Payload: the codestreams with their common main header stored once.
/// </summary>
public sealed class Jpeg2000Codec : BaselineCodec
{
    public override CodecId Id => CodecId.Jpeg2000;

    public override BaselineEncoding Encode(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long budget = RateBudget.PayloadBytes(header, bpppb);
        OpenJpegTool.Find("opj_compress");
        int bands = cube.Bands, w = cube.Width, h = cube.Height;
        var images = new ushort[bands][];
        Parallel.For(0, bands, b => images[b] = ToUInt16(cube.GetBand(b), header.NormMin, header.NormMax));
        double rawBytes = 2.0 * w * h;

        byte[] Payload(double ratio)
        {
            string r = ratio.ToString("0.####", CultureInfo.InvariantCulture);
            var streams = OpenJpegTool.Encode(images, w, h, _ => ["-I", "-r", r], ct).Select(CodestreamSplit.SplitJ2k).ToArray();
            var pw = new PayloadWriter();
            SharedHeaderStreams.Write(pw, streams);
            return pw.ToArray();
        }

        // Start from an even split of the budget (plus the ~150 header bytes opj counts in each band's cap).
        double perBand = Math.Max(1.0, (double)budget / bands);
        var search = new RatioSearch(budget, rawBytes / (perBand + 150), minRatio: 1, maxRatio: rawBytes);
        int step = 0;
        while (search.Next() is { } ratio)
        {
            Report(progress, $"jpeg2000 ratio {ratio:0.##}", ++step, RatioSearch.MaxEvaluations, clock);
            search.Record(ratio, Payload(ratio));
        }
        if (search.Best is not { } best)
            throw RateBudget.TooLow(header, bpppb, search.SmallestTried, "per-band JPEG2000");
        return new BaselineEncoding(best.Payload, string.Create(CultureInfo.InvariantCulture, $"r={best.Ratio:0.##}"));
    }

    public override float[] DecodePayload(ArchiveHeader header, ReadOnlyMemory<byte> payload, string? path)
    {
        var r = new PayloadReader(payload, path);
        var streams = SharedHeaderStreams.Read(r, header.Bands);
        r.End();
        var j2k = streams.Select(s => CodestreamSplit.JoinJ2k(s.Header.Span, s.Body.Span)).ToArray();
        var images = OpenJpegTool.Decode(j2k, header.Width, header.Height, path, CancellationToken.None);
        long pixels = header.PixelCount;
        int bands = header.Bands;
        double scale = (header.NormMax - header.NormMin) / 65535.0;
        var data = new float[header.SampleCount];
        Parallel.For(0, bands, b =>
        {
            for (long p = 0; p < pixels; p++) data[p * bands + b] = (float)(header.NormMin + images[b][p] * scale);
        });
        return data;
    }

    /// <summary>Maps [lo, hi] linearly onto 0…65535 (non-finite samples to 0).</summary>
    internal static ushort[] ToUInt16(float[] img, double lo, double hi)
    {
        double s = hi > lo ? 65535.0 / (hi - lo) : 0;
        var u = new ushort[img.Length];
        for (int i = 0; i < img.Length; i++)
            u[i] = float.IsFinite(img[i]) ? (ushort)Math.Clamp(Math.Round((img[i] - lo) * s), 0, 65535) : (ushort)0;
        return u;
    }
}

/// <summary>
/// Finds the smallest compression ratio (best quality) whose payload fits a byte budget, with few encodes: the
/// size is roughly inversely proportional to the ratio, so steps are multiplicative (secant in log–log) until the
/// fit is bracketed, then interpolated in the bracket. Stops once a fit reaches 98 % of the budget.
/// </summary>
internal sealed class RatioSearch(long budget, double start, double minRatio, double maxRatio)
{
    public const int MaxEvaluations = 12;
    private double? fitRatio, overRatio;
    private long fitSize, overSize;
    private int evaluations;
    public (double Ratio, byte[] Payload)? Best { get; private set; }
    public long SmallestTried { get; private set; } = long.MaxValue;

    public double? Next()
    {
        if (evaluations >= MaxEvaluations) return null;
        if (Best is { } b && b.Payload.Length >= 0.98 * budget) return null;
        if (evaluations == 0) return Math.Clamp(start, minRatio, maxRatio);
        double r;
        if (fitRatio is { } fr && overRatio is { } or)
        {
            if (fr / or < 1.0005) return null;
            // Interpolate log(ratio) against log(size) between the bracket ends, kept inside the bracket.
            double t = (Math.Log(budget) - Math.Log(fitSize)) / (Math.Log(overSize) - Math.Log(fitSize));
            t = Math.Clamp(double.IsFinite(t) ? t : 0.5, 0.15, 0.85);
            r = Math.Exp(Math.Log(fr) + t * (Math.Log(or) - Math.Log(fr)));
        }
        else if (fitRatio is { } f)
        {
            if (f <= minRatio) return null;
            r = f * Math.Max(0.25, Math.Min(0.95, (double)fitSize / budget));
        }
        else
        {
            double o = overRatio!.Value;
            if (o >= maxRatio) return null;
            r = Math.Min(maxRatio, o * Math.Min(8, Math.Max(1.1, 1.05 * overSize / budget)));
        }
        r = Math.Max(r, minRatio);
        return r;
    }

    public void Record(double ratio, byte[] payload)
    {
        evaluations++;
        SmallestTried = Math.Min(SmallestTried, payload.Length);
        if (payload.Length <= budget)
        {
            if (fitRatio is null || ratio < fitRatio) { fitRatio = ratio; fitSize = payload.Length; }
            if (Best is null || payload.Length > Best.Value.Payload.Length) Best = (ratio, payload);
        }
        else if (overRatio is null || ratio > overRatio) { overRatio = ratio; overSize = payload.Length; }
    }
}
