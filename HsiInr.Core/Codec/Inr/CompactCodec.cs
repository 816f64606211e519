using System.Diagnostics;
using TorchSharp;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The compact INR codec: PCA-initialised low-rank spectral head on a SIREN trunk, a float phase with warm-up and
/// cosine decay, then rate control on the real entropy-coded size (coarsening the quantisation steps until the
/// archive fits), then quantisation-aware training with those steps. See docs/codec.md.
/// </summary>
public static class CompactCodec
{
    /// <summary>Expected coded bits per weight as a fraction of the nominal bit depth, for the size formula that gives
    /// the first guess of the width (and the rank cap); the width is then fixed by coding the initialised network.</summary>
    public const double CodingEfficiency = 1.0;
    /// <summary>The same for the spectral basis, coded as differences between bands (payload kinds 3 and 5): 0.44–0.53 of
    /// its nominal size on the four swept scenes (bench/results/coding.md).</summary>
    public const double BasisCodingEfficiency = 0.5;
    /// <summary>Share of the budget the untrained network may code to: training moves the codes' statistics a little
    /// (+1–2 % on Jasper Ridge), and the rate controller coarsens the grid if the trained network does not fit.</summary>
    public const double InitialFill = 0.98;
    /// <summary>Expected coded bits per quantisation step (kind 5 codes each as the difference from the row before).</summary>
    public const double StepBits = 4.0;

    public static CompressionResult Compress(HsiCube cube, InrOptions o, IProgress<FitProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var device = ComputeDevice.Resolve(o.Device);
        using var cores = CoreShare.Join(o.Threads);
        TimeSpan? deadline = o.MaxSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
        var header = ArchiveHeaders.For(cube, CodecId.Inr, o.Seed) with { FormatVersion = 2 };
        long? budget = o.Bpppb is { } b ? header.BytesAt(b) : null;
        int bits = o.WeightBits;

        using var scope = NewDisposeScope();
        var coords = CubeTensors.Grid(cube.Height, cube.Width, device);
        var target = CubeTensors.NormalisedTarget(cube, header.NormMin, header.NormMax, device);
        int maxRank = Math.Min(cube.Bands, 32);
        var pca = SpectralPca.Fit(target, o.Rank is { } r ? Math.Min(r, cube.Bands) : maxRank);
        var arch = ChooseArchitecture(header, o, budget, pca);
        if (o.Width is null && budget is { } fill) arch = WidestThatCodesWithin(header, arch, pca, o, (long)(fill * InitialFill));

        double sampleFraction = o.SampleFraction ?? Math.Min(1.0, (double)CompactDefaults.PixelsPerStep / cube.PixelCount);
        var schedule = new CompactSchedule
        {
            Iterations = o.IterationsOrDefault,
            PeakLearningRate = o.LearningRateOrDefault(arch.Width),
            SampleFraction = sampleFraction,
            ChunkPixels = o.ChunkPixels,
        };
        var model = InitialisedModel(arch, cube.Bands, pca, o);
        model.to(device);
        using var trainer = new CompactTrainer(model, coords, target, schedule, o.Seed);

        string stage = $"fit {arch.Layers}×{arch.Width} rank {arch.Rank}";
        long lastTick = -1000;
        void Report(CompactTrainer t)
        {
            cores.Refresh();
            long now = clock.ElapsedMilliseconds;
            if (progress is null || (now - lastTick < 250 && t.IterationsDone != schedule.Iterations)) return;
            lastTick = now;
            int done = t.IterationsDone;
            TimeSpan? left = TimeSpan.FromMilliseconds(now * (double)(schedule.Iterations - done) / Math.Max(1, done));
            if (deadline is { } d && clock.Elapsed + left > d) left = d - clock.Elapsed;
            progress.Report(new FitProgress(stage, done, schedule.Iterations, SirenTrainer.MseToPsnr(t.LastMse), t.BestPsnr,
                clock.Elapsed, left, (int)(100L * done / schedule.Iterations)));
        }

        // Float phase, stopping where quantisation-aware training begins (or at the time budget, keeping a share for QAT).
        TimeSpan? floatDeadline = deadline is { } dl ? dl * ((double)schedule.QuantStart / schedule.Iterations) : null;
        bool completed = trainer.Train(clock, floatDeadline, Report, ct, stopAfter: schedule.QuantStart);

        // Rate control on the real coded size, then train with the quantiser in the loop.
        int[] tensorBits = CompactPayload.DefaultTensorBits(arch.Layers, bits);
        // 3 % of headroom: QAT moves weights, and with them the coded size.
        double coarsening = FitSteps(model.OrderedParameters(), arch, header, bits, tensorBits, budget is { } full ? (long)(full * 0.97) : null, out var steps);
        model.SetQuantisation(steps, tensorBits);
        foreach (var t in steps) t.Dispose();
        trainer.ResetCheckpoint();

        // QAT moves the weights and with them the coded size: check it every 200 steps and, when it creeps over the
        // budget, coarsen the grid by 2 % while there is still training left to adapt to it.
        void ReportAndControlRate(CompactTrainer t)
        {
            Report(t);
            if (budget is not { } limit || t.IterationsDone % 200 != 0 || t.IterationsDone > schedule.Iterations - 100) return;
            var ps = model.OrderedParameters();
            if (ArchiveFormat.ArchiveSize(header, Build(ps, model.CurrentSteps(), arch, cube.Bands, bits, tensorBits, (float)o.Omega0).Length) <= limit * 0.99) return;
            coarsening *= 1.02;
            using var rescope = NewDisposeScope();
            model.SetQuantisation(StepsFor(ps, tensorBits, coarsening), tensorBits);
            t.ResetCheckpoint();
        }
        completed &= trainer.Train(clock, deadline, ReportAndControlRate, ct);

        // The best quantised checkpoint. Training may have drifted past the budget (the steps were fitted with a
        // margin, so rarely): then coarsen a little and fine-tune on the new grid, because re-rounding a sine
        // network's weights to another grid without training costs many dB.
        var payload = Build(trainer.BestParameters(), model.CurrentSteps(), arch, cube.Bands, bits, tensorBits, (float)o.Omega0);
        for (int attempt = 0; budget is { } limit && ArchiveFormat.ArchiveSize(header, payload.Length) > limit; attempt++)
        {
            if (attempt == 8) throw new HsiException(HsiErrorKind.InvalidArgument, $"Could not fit the network into {o.Bpppb} bpppb; raise -Bpppb.");
            trainer.RestoreBest();
            coarsening = FitSteps(model.OrderedParameters(), arch, header, bits, tensorBits, (long)(limit * (0.98 - 0.02 * attempt)), out var finer);
            model.SetQuantisation(finer, tensorBits);
            foreach (var t in finer) t.Dispose();
            trainer.ResetCheckpoint();
            trainer.FineTune(Math.Max(100, schedule.Iterations / 10), ct);
            payload = Build(trainer.BestParameters(), model.CurrentSteps(), arch, cube.Bands, bits, tensorBits, (float)o.Omega0);
        }

        // The bytes the network left under the budget buy corrections for the pixels it fits worst. The decoder adds
        // them to the network's output (DecodeSamples), as done here to the one evaluation of the stored network.
        var parsed = CompactPayload.Parse(payload, cube.Bands, cube.PixelCount);
        var samples = DecodeSamples(header, parsed, device);
        string corrected = "";
        var corrections = budget is { } total ? PixelCorrections.Fit(cube.Data, samples, cube.Bands, total - ArchiveFormat.ArchiveSize(header, payload.Length)) : null;
        if (corrections is not null)
        {
            // ToCube rounds in place, and the corrections go onto the unrounded output, as in the decoder.
            double networkPsnr = QualityMetrics.Compare(cube, ArchiveHeaders.ToCube(header, (float[])samples.Clone())).Psnr;
            payload = (parsed with { Corrections = corrections }).ToBytes();
            corrections.Apply(samples, header.Width, Tiling.PixelRegion.Whole(header.Height, header.Width));
            corrected = $" +{corrections.Count} px q{corrections.Rank} (network {networkPsnr:0.00} dB)";
        }
        var decoded = ArchiveHeaders.ToCube(header, samples);
        double psnr = QualityMetrics.Compare(cube, decoded).Psnr;
        double seconds = clock.Elapsed.TotalSeconds;
        var finalHeader = header with { EncodePsnr = (float)psnr, Iterations = trainer.IterationsDone }; // no wall time: same seed, same bytes
        return new CompressionResult
        {
            Archive = ArchiveFormat.Write(finalHeader, payload),
            Header = finalHeader,
            Layers = arch.Layers,
            Width = arch.Width,
            Rank = arch.Rank,
            WeightBits = bits,
            CorrectedPixels = corrections?.Count ?? 0,
            Precision = WeightPrecision.Single,
            Psnr = psnr,
            EncodeSeconds = seconds,
            Iterations = trainer.IterationsDone,
            BestIteration = trainer.BestIteration,
            StoppedEarly = !completed,
            Device = device.type.ToString().ToLowerInvariant(),
            Variant = $"compact L{arch.Layers} W{arch.Width} k{arch.Rank} {bits}b c{coarsening:0.00}" + (trainer.Recoveries > 0 ? $" recovered {trainer.Recoveries}×" : "") + corrected,
        };
    }

    public readonly record struct Architecture(int Layers, int Width, int Rank);

    private const int MinWidth = 4, MaxWidth = 1024;

    /// <summary>
    /// Rank: the fewest PCA components whose residual is under 50–60 dB (normalised units; see AutoRank), within a
    /// quarter of the budget. Width: the widest trunk whose estimated archive fits, at <see cref="CompactDefaults.Layers"/> layers.
    /// </summary>
    public static Architecture ChooseArchitecture(ArchiveHeader header, InrOptions o, long? budget, PcaSpectrum pca)
    {
        int bands = header.Bands;
        int layers = o.Layers ?? CompactDefaults.Layers;
        int rank = o.Rank is { } given ? Math.Min(given, header.Bands) : AutoRank(header, pca, budget, o.WeightBits);
        if (o.Width is { } w) return new Architecture(layers, w, rank);
        if (budget is not { } limit) throw new HsiException(HsiErrorKind.InvalidArgument, "Give -Bpppb, or -Layers and -Width.");
        int best = WidestWithin(header, layers, rank, o.WeightBits, limit);
        if (best == 0)
            throw new HsiException(HsiErrorKind.InvalidArgument,
                $"No compact network fits {o.Bpppb} bpppb for a {header.Height}×{header.Width}×{bands} cube (a {layers}-layer, width-4, rank-{rank} network needs about {EstimatedBytes(header, layers, 4, rank, o.WeightBits) * 8.0 / header.SampleCount:0.####} bpppb). Raise -Bpppb or lower -Rank/-Layers.");
        return new Architecture(layers, best, rank);
    }

    /// <summary>The widest trunk whose <see cref="EstimatedBytes"/> is within <paramref name="limit"/>; 0 if none.</summary>
    public static int WidestWithin(ArchiveHeader header, int layers, int rank, int bits, long limit)
    {
        int best = 0;
        for (int width = MinWidth; width <= MaxWidth; width++)
            if (EstimatedBytes(header, layers, width, rank, bits) <= limit) best = width;
            else break;
        return best;
    }

    private static int AutoRank(ArchiveHeader header, PcaSpectrum pca, long? budget, int bits)
    {
        // Fewest components whose residual (unexplained variance per sample, normalised units) is under a threshold
        // far below the codec's error, so the basis never limits quality; joint training refines it anyway. The
        // threshold is 3 dB short of what all computed components reach, within [50, 60] dB: a scene whose spectra
        // have a noise floor near 50 dB (Jasper Ridge, HYDICE) stops there, since further components describe noise
        // the trunk cannot fit and take its bits; a clean one (the ABU scenes, coded near 50 dB) goes on to 60 dB,
        // which a 50 dB threshold cut at 4 components, leaving the basis most of the error (docs/codec.md).
        double floorDb = -10 * Math.Log10(Math.Max(pca.TotalVariance - pca.ComponentVariance.Sum(), 1e-30) / header.Bands);
        double threshold = Math.Pow(10, -Math.Clamp(floorDb - 3, 50, 60) / 10);
        int rank = pca.ComponentVariance.Length;
        double residual = pca.TotalVariance;
        for (int k = 0; k < pca.ComponentVariance.Length; k++)
        {
            residual -= pca.ComponentVariance[k];
            if (residual / header.Bands <= threshold) { rank = k + 1; break; }
        }
        rank = Math.Clamp(rank, Math.Min(2, pca.ComponentVariance.Length), pca.ComponentVariance.Length);
        // The basis (rank × bands weights) may take at most a quarter of the budget.
        if (budget is { } limit)
            while (rank > 2 && rank * (header.Bands * bits * BasisCodingEfficiency + CompactPayload.FineBits) / 8 > 0.25 * limit) rank--;
        return rank;
    }

    /// <summary>The archive's size before training: every tensor at its bit depth (<see cref="CompactPayload.FineBits"/>
    /// for the first layer and the biases), the band-differenced basis at <see cref="BasisCodingEfficiency"/> of it,
    /// and <see cref="StepBits"/> per quantisation step.</summary>
    public static long EstimatedBytes(ArchiveHeader header, int layers, int width, int rank, int bits)
    {
        int[] tensorBits = CompactPayload.DefaultTensorBits(layers, bits);
        int basis = CompactPayload.BasisTensor(layers);
        double payloadBits = CompactPayload.TensorShapes(layers, width, rank, header.Bands)
            .Select((shape, t) => (double)shape.Rows * shape.Cols * tensorBits[t] * (t == basis ? BasisCodingEfficiency : CodingEfficiency) + StepBits * shape.Rows)
            .Sum();
        return ArchiveFormat.ArchiveSize(header, CompactPayload.FixedBytes(CompactPayload.Kind, layers, width, rank, header.Bands) + (long)Math.Ceiling(payloadBits / 8));
    }

    /// <summary>
    /// The trunk width by the real coder: the widest whose freshly initialised network (the one training starts from:
    /// same seed, the PCA basis), quantised on the finest grid, codes within <paramref name="limit"/>. The formula's
    /// width is the first guess; it is off by up to 20 % in size where the basis codes far below its nominal bits
    /// (smooth spectra) or the fixed costs are a large share (small scenes), which left that much budget unused.
    /// </summary>
    private static Architecture WidestThatCodesWithin(ArchiveHeader header, Architecture guess, PcaSpectrum pca, InrOptions o, long limit)
    {
        var sizes = new Dictionary<int, long>();
        long Size(int width)
        {
            if (sizes.TryGetValue(width, out long known)) return known;
            using var scope = NewDisposeScope();
            var arch = guess with { Width = width };
            using var model = InitialisedModel(arch, header.Bands, pca, o);
            byte[] payload = BuildWithCoarsening(model.OrderedParameters(), arch, header.Bands, o.WeightBits,
                CompactPayload.DefaultTensorBits(guess.Layers, o.WeightBits), (float)o.Omega0, 1.0);
            return sizes[width] = ArchiveFormat.ArchiveSize(header, payload.Length);
        }
        int w = guess.Width;
        if (Size(w) <= limit)
            while (w < MaxWidth && Size(w + 1) <= limit) w++;
        else
            while (w > MinWidth && Size(w) > limit) w--;
        // Nothing codes within the limit: keep the formula's width and let the rate controller coarsen the grid.
        return Size(w) <= limit ? guess with { Width = w } : guess;
    }

    /// <summary>The network training starts from: SIREN initialisation from the seed, the PCA basis and mean. The
    /// sizing codes exactly this network, so it must be built the same way there and in <see cref="Compress"/>.</summary>
    private static CompactSiren InitialisedModel(Architecture arch, int bands, PcaSpectrum pca, InrOptions o)
    {
        var model = new CompactSiren(arch.Layers, arch.Width, arch.Rank, bands, o.Omega0);
        using (var gen = new Generator((ulong)o.Seed))
        using (var basis = pca.Basis.narrow(1, 0, arch.Rank))
            model.Initialize(gen, basis, pca.Mean);
        return model;
    }

    /// <summary>Steps for the current weights: the finest grid (coarsening 1) if it fits the budget, else the least
    /// coarsening that does, found by bisection on the real coded size.</summary>
    private static double FitSteps(IReadOnlyList<Tensor> parameters, Architecture arch, ArchiveHeader header, int bits, int[] tensorBits, long? budget, out Tensor[] steps)
    {
        float omega0 = 30f;
        long Size(double c) => ArchiveFormat.ArchiveSize(header, BuildWithCoarsening(parameters, arch, header.Bands, bits, tensorBits, omega0, c).Length);
        double chosen = 1.0;
        if (budget is { } limit && Size(1.0) > limit)
        {
            double lo = 1.0, hi = 2.0;
            while (Size(hi) > limit)
            {
                lo = hi; hi *= 2;
                if (hi > 1 << 12) throw new HsiException(HsiErrorKind.InvalidArgument, "The network's fixed costs alone exceed the rate budget; raise -Bpppb.");
            }
            for (int i = 0; i < 12; i++)
            {
                double mid = Math.Sqrt(lo * hi);
                if (Size(mid) > limit) lo = mid; else hi = mid;
            }
            chosen = hi;
        }
        steps = StepsFor(parameters, tensorBits, chosen);
        return chosen;
    }

    /// <summary>Per-row steps for each parameter; coarsening applies to the nominal-depth tensors only (the fine
    /// ones are a rounding error of the rate).</summary>
    private static Tensor[] StepsFor(IReadOnlyList<Tensor> parameters, int[] tensorBits, double coarsening) =>
        parameters.Select((p, i) => WeightQuantizer.Steps(p.detach(), tensorBits[i], CompactPayload.IsFine(i) ? 1.0 : coarsening)).ToArray();

    private static byte[] BuildWithCoarsening(IReadOnlyList<Tensor> parameters, Architecture arch, int bands, int bits, int[] tensorBits, float omega0, double coarsening)
    {
        using var scope = NewDisposeScope();
        return Build(parameters, StepsFor(parameters, tensorBits, coarsening), arch, bands, bits, tensorBits, omega0);
    }

    private static byte[] Build(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> steps, Architecture arch, int bands, int bits, int[] tensorBits, float omega0)
    {
        using var scope = NewDisposeScope();
        var codes = new int[parameters.Count][];
        var stepValues = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            var c = WeightQuantizer.Codes(parameters[i].detach().cpu(), steps[i].cpu(), WeightQuantizer.MaxLevel(tensorBits[i])).to(ScalarType.Int32).contiguous();
            codes[i] = c.data<int>().ToArray();
            stepValues[i] = steps[i].cpu().contiguous().data<float>().ToArray();
        }
        return new CompactPayload(arch.Layers, arch.Width, arch.Rank, bands, bits, omega0, tensorBits, stepValues, codes).ToBytes();
    }

    /// <summary>Evaluates a compact payload on the grid: samples in original units, BIP order.</summary>
    public static float[] DecodeSamples(ArchiveHeader header, CompactPayload payload, Device? device = null, int chunkPixels = 65536, Tiling.PixelRegion? region = null)
    {
        device ??= CPU;
        using var scope = NewDisposeScope();
        using var model = new CompactSiren(payload.Layers, payload.Width, payload.Rank, payload.Bands, payload.Omega0);
        GridEvaluator.LoadWeights(model.OrderedParameters(), payload.Weights());
        model.to(device);
        int chunk = GridEvaluator.ChunkFor(payload.Layers, payload.Width, payload.Bands, chunkPixels);
        var samples = GridEvaluator.Evaluate(model.forward, header, device, chunk, region);
        payload.Corrections?.Apply(samples, header.Width, region ?? Tiling.PixelRegion.Whole(header.Height, header.Width));
        return samples;
    }
}
