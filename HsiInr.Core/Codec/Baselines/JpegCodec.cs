using System.Diagnostics;
using System.Runtime.InteropServices;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using SkiaSharp;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Baseline: every band stretched to 8 bits with its own min/max and coded as a single-component (grayscale) JPEG,
/// one quality for all bands, the highest whose archive meets the rate (then as many bands as still fit move one
/// quality step up, since low quality steps are coarse). Payload: per band float32 min and max; the
/// JPEG streams with their common header stored once (<see cref="SharedHeaderStreams"/>).
/// </summary>
public sealed class JpegCodec : BaselineCodec
{
    public override CodecId Id => CodecId.Jpeg;

    public override BaselineEncoding Encode(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long budget = RateBudget.PayloadBytes(header, bpppb);
        int bands = cube.Bands;
        var lo = new float[bands];
        var hi = new float[bands];
        var images = new byte[bands][];
        Parallel.For(0, bands, b =>
        {
            var img = cube.GetBand(b);
            float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
            foreach (float v in img) if (float.IsFinite(v)) { mn = Math.Min(mn, v); mx = Math.Max(mx, v); }
            if (mn > mx) mn = mx = 0;
            lo[b] = mn; hi[b] = mx;
            double scale = mx > mn ? 255.0 / ((double)mx - mn) : 0;
            var u = new byte[img.Length];
            for (int i = 0; i < img.Length; i++)
                u[i] = float.IsFinite(img[i]) ? (byte)Math.Clamp(Math.Round((img[i] - mn) * scale), 0, 255) : (byte)0;
            images[b] = u;
        });

        (byte[] Header, byte[] Body)[] Streams(int quality)
        {
            ct.ThrowIfCancellationRequested();
            var streams = new (byte[], byte[])[bands];
            Parallelism.For(bands, ct, b => streams[b] = CodestreamSplit.SplitJpeg(EncodeGray(images[b], cube.Width, cube.Height, quality)));
            return streams;
        }

        byte[] Build((byte[] Header, byte[] Body)[] streams)
        {
            var w = new PayloadWriter();
            for (int b = 0; b < bands; b++) { w.F32(lo[b]); w.F32(hi[b]); }
            SharedHeaderStreams.Write(w, streams);
            return w.ToArray();
        }

        // Size grows with quality (almost always monotonically): bisection for the largest quality that fits.
        var bestStreams = Streams(1);
        var best = Build(bestStreams);
        if (best.Length > budget) throw RateBudget.TooLow(header, bpppb, best.Length, "JPEG at quality 1");
        int ok = 1, bad = 101, step = 0;
        while (bad - ok > 1)
        {
            int q = (ok + bad) / 2;
            Report(progress, $"jpeg quality {q}", ++step, 7, clock);
            var s = Streams(q);
            var p = Build(s);
            if (p.Length <= budget) { ok = q; best = p; bestStreams = s; } else bad = q;
        }
        if (ok == 100) return new BaselineEncoding(best, "q=100");

        // Quality steps are coarse at low qualities (q=3 → 4 can add 20 %): fill the rest of the budget by moving
        // the bands that grow least to q+1, so the archive lands close to the target.
        var up = Streams(ok + 1);
        var mixed = ((byte[], byte[])[])bestStreams.Clone();
        int upgraded = 0;
        foreach (int b in Enumerable.Range(0, bands).OrderBy(b => up[b].Body.Length - bestStreams[b].Body.Length))
        {
            mixed[b] = up[b];
            var p = Build(mixed);
            if (p.Length > budget) { mixed[b] = bestStreams[b]; break; }
            best = p;
            upgraded++;
        }
        return new BaselineEncoding(best, upgraded == 0 ? $"q={ok}" : $"q={ok}+{upgraded}@{ok + 1}");
    }

    public override float[] DecodePayload(ArchiveHeader header, ReadOnlyMemory<byte> payload, string? path)
    {
        var r = new PayloadReader(payload, path);
        int bands = header.Bands;
        if ((long)bands * 9 > r.Remaining) throw r.Corrupt("it is too short for the band scales");
        var lo = new float[bands];
        var hi = new float[bands];
        for (int b = 0; b < bands; b++) { lo[b] = r.F32(); hi[b] = r.F32(); }
        var streams = SharedHeaderStreams.Read(r, bands);
        r.End();
        long pixels = (long)header.Height * header.Width;
        var data = new float[header.SampleCount];
        Parallelism.For(bands, CancellationToken.None, b =>
        {
            var jpeg = CodestreamSplit.JoinJpeg(streams[b].Header.Span, streams[b].Body.Span);
            var img = DecodeGray(jpeg, header.Width, header.Height, b, path);
            double scale = ((double)hi[b] - lo[b]) / 255.0;
            for (long p = 0; p < pixels; p++) data[p * bands + b] = (float)(lo[b] + img[p] * scale);
        });
        return data;
    }

    internal static byte[] EncodeGray(byte[] pixels, int width, int height, int quality)
    {
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bmp = new SKBitmap(info);
        if (bmp.RowBytes != width) throw new InvalidOperationException("Unexpected bitmap row stride.");
        Marshal.Copy(pixels, 0, bmp.GetPixels(), pixels.Length);
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException("SkiaSharp could not encode a JPEG.");
        return data.ToArray();
    }

    private static byte[] DecodeGray(byte[] jpeg, int width, int height, int band, string? path)
    {
        using var skData = SKData.CreateCopy(jpeg);
        using var codec = SKCodec.Create(skData);
        if (codec is null || codec.Info.Width != width || codec.Info.Height != height)
            throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: band {band} is not a {width}×{height} JPEG.", path);
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        var pixels = new byte[width * height];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            var res = codec.GetPixels(info, handle.AddrOfPinnedObject());
            if (res != SKCodecResult.Success)
                throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: band {band}'s JPEG does not decode ({res}).", path);
        }
        finally { handle.Free(); }
        return pixels;
    }
}
