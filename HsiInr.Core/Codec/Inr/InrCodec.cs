using System.Diagnostics;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The paper's codec: fit (architecture search, then a long fit of the winner) → compress (weights behind the
/// container header) → decompress (evaluate the network on the grid, undo the normalisation).
/// </summary>
public static class InrCodec
{
    public static CompressionResult Compress(HsiCube cube, InrOptions options, IProgress<FitProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        if (options.Recipe == InrRecipe.Compact) return CompactCodec.Compress(cube, options, progress, ct);
        var clock = Stopwatch.StartNew();
        var device = ComputeDevice.Resolve(options.Device);
        using var cores = CoreShare.Join(options.Threads);
        TimeSpan? deadline = options.MaxSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

        var header = HeaderFor(cube, options.Seed);
        var candidates = options.Layers is { } l && options.Width is { } w
            ? new List<(int, int)> { (l, w) }
            : ArchitectureSearch.Candidates(header, options.Bpppb!.Value, options.Precision);
        if (candidates.Count == 0)
        {
            long smallest = ArchitectureSearch.ArchiveBytes(header, ArchitectureSearch.Depths[0], ArchitectureSearch.Widths[0], options.Precision);
            throw new HsiException(HsiErrorKind.InvalidArgument,
                $"No network in the search grid fits {options.Bpppb} bpppb for a {cube.Shape} cube: the smallest ({ArchitectureSearch.Depths[0]}×{ArchitectureSearch.Widths[0]}) needs {ArchitectureSearch.Bpppb(smallest, header):0.####} bpppb. Raise -Bpppb or use -Precision Half.");
        }

        using var scope = NewDisposeScope();
        var coords = CubeTensors.Grid(cube.Height, cube.Width, device);
        var target = CubeTensors.NormalisedTarget(cube, header.NormMin, header.NormMax, device);

        bool searching = candidates.Count > 1;
        long totalIters = (searching ? (long)candidates.Count * options.SearchIterationsOrDefault : 0) + options.IterationsOrDefault;
        long doneBefore = 0;
        var trials = new List<SearchTrial>();
        bool stoppedEarly = false;
        SirenTrainer? winner = null;
        string device0 = device.type.ToString().ToLowerInvariant();

        Action<SirenTrainer> Reporter(string stage, int stageTotal)
        {
            long lastTick = 0;
            return t =>
            {
                cores.Refresh();
                long now = clock.ElapsedMilliseconds;
                if (progress is null || (now - lastTick < 250 && t.IterationsDone != stageTotal)) return;
                lastTick = now;
                long done = doneBefore + t.IterationsDone;
                TimeSpan? left = done > 0 ? TimeSpan.FromMilliseconds(now * (double)(totalIters - done) / done) : null;
                if (deadline is { } d && left is { } lf && clock.Elapsed + lf > d) left = d - clock.Elapsed;
                progress.Report(new FitProgress(stage, t.IterationsDone, stageTotal, SirenTrainer.MseToPsnr(t.LastMse), t.BestPsnr,
                    clock.Elapsed, left, (int)Math.Clamp(100 * done / Math.Max(1, totalIters), 0, 100)));
            };
        }

        try
        {
            if (searching)
            {
                // Trials get at most 40 % of a time budget so the winner keeps time to converge.
                TimeSpan? searchDeadline = deadline is { } d ? d * 0.4 : null;
                for (int i = 0; i < candidates.Count; i++)
                {
                    var (layers, width) = candidates[i];
                    if (searchDeadline is { } sd && clock.Elapsed >= sd && winner is not null) { stoppedEarly = true; break; }
                    var t0 = clock.Elapsed;
                    var trainer = NewTrainer(layers, width, cube.Bands, options, coords, target, device);
                    string stage = $"search {i + 1}/{candidates.Count}: {layers}×{width}";
                    if (!trainer.Train(options.SearchIterationsOrDefault, clock, searchDeadline, Reporter(stage, options.SearchIterationsOrDefault), ct)) stoppedEarly = true;
                    doneBefore += options.SearchIterationsOrDefault;
                    trials.Add(new SearchTrial(layers, width, trainer.BestPsnr,
                        ArchitectureSearch.Bpppb(ArchitectureSearch.ArchiveBytes(header, layers, width, options.Precision), header),
                        (clock.Elapsed - t0).TotalSeconds));
                    if (winner is null || trainer.BestMse < winner.BestMse) { winner?.Dispose(); winner = trainer; }
                    else trainer.Dispose();
                }
                // The winner continues from where its trial stopped: the trial was its first iterations.
                int rest = Math.Max(0, options.IterationsOrDefault - winner!.IterationsDone);
                if (!winner.Train(rest, clock, deadline, Reporter($"fit {winner.Model.Layers}×{winner.Model.Width}", options.IterationsOrDefault), ct)) stoppedEarly = true;
            }
            else
            {
                var (layers, width) = candidates[0];
                winner = NewTrainer(layers, width, cube.Bands, options, coords, target, device);
                if (!winner.Train(options.IterationsOrDefault, clock, deadline, Reporter($"fit {layers}×{width}", options.IterationsOrDefault), ct)) stoppedEarly = true;
            }

            var payload = new InrPayload(winner.Model.Layers, winner.Model.Width, cube.Bands, options.Precision, (float)options.Omega0, winner.BestWeights());
            int iterations = winner.IterationsDone;
            int bestIteration = winner.BestIteration;
            double seconds = clock.Elapsed.TotalSeconds;

            // Measure the archive as a user will see it: decode the payload and compare with the input.
            var decoded = Decode(header, payload, device);
            double psnr = QualityMetrics.Compare(cube, decoded).Psnr;
            var finalHeader = header with { EncodePsnr = (float)psnr, Iterations = iterations }; // no wall time: same seed, same bytes
            byte[] archive = ArchiveFormat.Write(finalHeader, payload.ToBytes());
            return new CompressionResult
            {
                Archive = archive,
                Header = finalHeader,
                Layers = payload.Layers,
                Width = payload.Width,
                Precision = options.Precision,
                Psnr = psnr,
                EncodeSeconds = seconds,
                Iterations = iterations,
                BestIteration = bestIteration,
                StoppedEarly = stoppedEarly,
                Trials = trials,
                Device = device0,
            };
        }
        finally
        {
            winner?.Dispose();
        }
    }

    private static SirenTrainer NewTrainer(int layers, int width, int bands, InrOptions o, Tensor coords, Tensor target, Device device)
    {
        var model = new SirenNetwork(layers, width, bands, o.Omega0);
        // Same seed for every candidate: trials differ by architecture only, and a rerun is bit-identical.
        using (var gen = new Generator((ulong)o.Seed))
            model.InitializeSiren(gen);
        model.to(device);
        return new SirenTrainer(model, coords, target, o.LearningRateOrDefault(width), o.Precision, o.ChunkPixels);
    }

    /// <summary>The header describing just <paramref name="region"/> of the image (for wrapping a window's samples).</summary>
    internal static ArchiveHeader WindowHeader(ArchiveHeader header, PixelRegion? region) =>
        region is { } r ? header with { Height = r.Height, Width = r.Width } : header;

    /// <summary>The codec-independent header for <paramref name="cube"/> (encoder statistics filled in later).</summary>
    public static ArchiveHeader HeaderFor(HsiCube cube, long seed) => ArchiveHeaders.For(cube, CodecId.Inr, seed);

    /// <summary>Evaluates the stored network on the grid and returns the cube in its original units and type.</summary>
    /// <param name="region">Evaluate only this window of the grid (the cube returned is the window); null for all.</param>
    public static HsiCube Decode(ArchiveHeader header, InrPayload payload, Device? device = null, int chunkPixels = 65536, PixelRegion? region = null)
    {
        device ??= CPU;
        using var scope = NewDisposeScope();
        using var model = new SirenNetwork(payload.Layers, payload.Width, payload.Outputs, payload.Omega0);
        GridEvaluator.LoadWeights(model.OrderedParameters(), payload.Weights);
        model.to(device);
        model.eval();
        int chunk = GridEvaluator.ChunkFor(payload.Layers, payload.Width, payload.Outputs, chunkPixels);
        var data = GridEvaluator.Evaluate(model.forward, header, device, chunk, region);
        return ArchiveHeaders.ToCube(WindowHeader(header, region), data);
    }
}

/// <summary>What an INR payload describes, whichever layout it has (paper or compact).</summary>
/// <param name="CorrectedPixels">Pixels corrected apart from the network (compact payload kinds 4 and 6).</param>
public sealed record InrDescription(int Layers, int Width, int Rank, int WeightBits, WeightPrecision Precision, double PaperBpppb, int CorrectedPixels = 0);

/// <summary>Reads the two INR payload layouts: the paper's raw weights (container v1) and the compact one (v2, kinds 2 to 4).</summary>
public static class InrPayloads
{
    /// <summary>Container version 2 INR payloads are compact ones (they start with their kind byte, which the parser checks).</summary>
    public static bool IsCompact(ArchiveHeader h) => h.FormatVersion >= 2;

    public static InrDescription Describe(ArchiveHeader h, ReadOnlyMemory<byte> payload, string? path)
    {
        if (IsCompact(h))
        {
            var c = CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount, path);
            return new InrDescription(c.Layers, c.Width, c.Rank, c.Bits, WeightPrecision.Single,
                PaperBpppb(h, c.Layers, c.Width, c.Rank, c.Bits, WeightPrecision.Single), c.Corrections?.Count ?? 0);
        }
        var p = InrPayload.Parse(payload.Span, h.Bands, path);
        return new InrDescription(p.Layers, p.Width, 0, 0, p.Precision, PaperBpppb(h, p.Layers, p.Width, 0, 0, p.Precision));
    }

    /// <summary>
    /// The paper's formula (5): weights only (biases, steps and header ignored) at the stored precision, over
    /// H·W·C. For a compact network (<paramref name="rank"/> &gt; 0) its weights at <paramref name="bits"/> bits.
    /// </summary>
    public static double PaperBpppb(ArchiveHeader h, int layers, int width, int rank, int bits, WeightPrecision precision) =>
        rank > 0
            ? CompactSiren.WeightCount(layers, width, rank, h.Bands) * (double)bits / h.SampleCount
            : SirenNetwork.PaperParameterCount(layers, width, h.Bands) * InrPayload.BytesPerWeight(precision) * 8.0 / h.SampleCount;

    /// <param name="region">Evaluate the network on this window's pixels only; null for the whole grid.</param>
    public static HsiCube Decode(ArchiveHeader h, ReadOnlyMemory<byte> payload, string? path, Device device, PixelRegion? region = null) =>
        IsCompact(h)
            ? ArchiveHeaders.ToCube(InrCodec.WindowHeader(h, region), CompactCodec.DecodeSamples(h, CompactPayload.Parse(payload.Span, h.Bands, h.PixelCount, path), device, region: region))
            : InrCodec.Decode(h, InrPayload.Parse(payload.Span, h.Bands, path), device, region: region);
}
