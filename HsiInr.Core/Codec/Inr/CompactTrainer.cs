using System.Diagnostics;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>How a <see cref="CompactTrainer"/> schedules one fit.</summary>
public sealed record CompactSchedule
{
    public int Iterations { get; init; } = 2000;
    public double PeakLearningRate { get; init; } = 1e-3;
    /// <summary>Fraction of iterations spent warming the learning rate up linearly from 0.</summary>
    public double WarmupFraction { get; init; } = 0.05;
    /// <summary>The cosine decay ends at this fraction of the peak rate.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.02;
    /// <summary>Fraction of iterations (at the end) trained with fake-quantised weights; 0 = none.</summary>
    public double QuantisedFraction { get; init; } = CompactDefaults.QuantisedFraction;
    /// <summary>The quantised phase is at least this many steps (half the iterations at most) when there is one.</summary>
    public int MinQuantisedSteps { get; init; } = CompactDefaults.MinQuantisedSteps;
    /// <summary>The iteration where the float phase ends and the caller fixes the quantisation.</summary>
    public int QuantStart => QuantisedFraction <= 0 ? Iterations
        : Iterations - Math.Max((int)Math.Round(Iterations * QuantisedFraction), Math.Min(MinQuantisedSteps, Iterations / 2));
    /// <summary>Pixels per step as a fraction of the image (1 = full batch). Below 1, quality is checked on the full grid every <see cref="EvalInterval"/> steps.</summary>
    public double SampleFraction { get; init; } = 1.0;
    public int EvalInterval { get; init; } = 25;
    public int ChunkPixels { get; init; } = 16384;
    /// <summary>Adam's second-moment decay (<see cref="CompactDefaults.AdamBeta2"/>).</summary>
    public double AdamBeta2 { get; init; } = CompactDefaults.AdamBeta2;
}

/// <summary>
/// Fits a <see cref="CompactSiren"/>: Adam with linear warm-up and cosine decay, a float phase and then a
/// quantisation-aware phase, keeping the best checkpoint of the quantised network (the one that will be stored).
/// </summary>
public sealed class CompactTrainer : IDisposable
{
    private readonly Tensor coords, target;
    private readonly CompactSchedule schedule;
    private optim.Optimizer optimizer;
    private readonly Generator sampler;
    private Tensor[]? best;
    // Divergence guard: a smoothed training loss, its best value and the weights that had it.
    private double smoothedMse = double.NaN, bestSmoothedMse = double.PositiveInfinity;
    private Tensor[]? lastGood;
    private double rateScale = 1.0;

    /// <summary>How many times the loss blew up and training went back to the last good weights at half the rate.</summary>
    public int Recoveries { get; private set; }

    /// <summary>A smoothed loss this many times its best is a divergence, not noise (about 6 dB of PSNR).</summary>
    public const double DivergenceFactor = 4.0;

    public CompactSiren Model { get; }
    public int IterationsDone { get; private set; }
    public double BestMse { get; private set; } = double.PositiveInfinity;
    public int BestIteration { get; private set; }
    public double LastMse { get; private set; } = double.NaN;
    public double BestPsnr => SirenTrainer.MseToPsnr(BestMse);

    public CompactTrainer(CompactSiren model, Tensor coords, Tensor target, CompactSchedule schedule, long seed)
    {
        Model = model;
        this.coords = coords;
        this.target = target;
        this.schedule = schedule;
        optimizer = NewAdam();
        sampler = new Generator((ulong)seed + 1);
    }

    private optim.Optimizer NewAdam() => optim.Adam(Model.parameters(), schedule.PeakLearningRate, beta2: schedule.AdamBeta2);

    /// <summary>Adam's β2 as the optimizer has it (its state is rebuilt after a divergence).</summary>
    public double AdamBeta2 => ((TorchSharp.Modules.Adam.ParamGroup)optimizer.ParamGroups.First()).Betas.Item2;

    private double LearningRate(int it)
    {
        int total = schedule.Iterations;
        int warm = Math.Max(1, (int)(total * schedule.WarmupFraction));
        if (it < warm) return rateScale * schedule.PeakLearningRate * (it + 1) / warm;
        double t = (double)(it - warm) / Math.Max(1, total - warm);
        double floor = schedule.FinalLearningRateFraction;
        return rateScale * schedule.PeakLearningRate * (floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }

    /// <summary>
    /// Trains until the schedule ends, <paramref name="stopAfter"/> iterations are done, or <paramref name="deadline"/>
    /// passes (then returns false). Checkpoints are only kept while the model is quantised.
    /// </summary>
    public bool Train(Stopwatch clock, TimeSpan? deadline, Action<CompactTrainer>? onIteration, CancellationToken ct, int? stopAfter = null)
    {
        int end = Math.Min(schedule.Iterations, stopAfter ?? int.MaxValue);
        bool completed = true;
        while (IterationsDone < end)
        {
            ct.ThrowIfCancellationRequested();
            if (deadline is { } d && clock.Elapsed >= d) { completed = false; break; }
            Step(ct);
            onIteration?.Invoke(this);
        }
        if (Model.Quantised) Consider(Mse(), force: best is null);
        return completed;
    }

    private void Step(CancellationToken ct)
    {
        int it = IterationsDone;
        foreach (var g in optimizer.ParamGroups) g.LearningRate = LearningRate(it);
        optimizer.zero_grad();
        bool quantised = Model.Quantised;
        if (schedule.SampleFraction >= 1)
        {
            LastMse = ChunkedLoss.Mse(Model.forward, coords, target, schedule.ChunkPixels, backward: true, ct);
            IterationsDone++;
            // Full-batch loss measures the weights before this step: a free evaluation of the quantised network.
            if (quantised) Consider(LastMse, force: false);
        }
        else
        {
            long n = coords.shape[0];
            long m = Math.Max(1, (long)(n * schedule.SampleFraction));
            using (var scope = NewDisposeScope())
            {
                var idx = randperm(n, generator: sampler).narrow(0, 0, m).to(coords.device);
                LastMse = ChunkedLoss.Mse(Model.forward, coords.index_select(0, idx), target.index_select(0, idx), schedule.ChunkPixels, backward: true, ct);
            }
            IterationsDone++;
            if (quantised && (IterationsDone % schedule.EvalInterval == 0)) Consider(Mse(), force: false);
        }
        optimizer.step();
        GuardAgainstDivergence();
    }

    /// <summary>
    /// Wide sine networks at the peak rate sometimes blow up: the loss jumps by orders of magnitude and the fit never
    /// recovers, so a larger budget gave a worse archive. Every <see cref="CompactSchedule.EvalInterval"/> steps the
    /// smoothed loss is compared with its best: improved weights are remembered, and a loss
    /// <see cref="DivergenceFactor"/> times the best sends training back to them with fresh Adam moments and half the
    /// learning rate from then on.
    /// </summary>
    private void GuardAgainstDivergence()
    {
        smoothedMse = double.IsNaN(smoothedMse) ? LastMse : 0.9 * smoothedMse + 0.1 * LastMse;
        if (IterationsDone % schedule.EvalInterval != 0) return;
        if (smoothedMse < bestSmoothedMse)
        {
            bestSmoothedMse = smoothedMse;
            if (lastGood is not null) foreach (var t in lastGood) t.Dispose();
            lastGood = Snapshot();
            return;
        }
        if (lastGood is null || (double.IsFinite(smoothedMse) && smoothedMse < DivergenceFactor * bestSmoothedMse)) return;
        Load(lastGood);
        optimizer.Dispose();
        optimizer = NewAdam();
        rateScale *= 0.5;
        smoothedMse = bestSmoothedMse;
        Recoveries++;
    }

    public double Mse() => ChunkedLoss.Mse(Model.forward, coords, target, schedule.ChunkPixels, backward: false);

    private void Consider(double mse, bool force)
    {
        if (!force && !(mse < BestMse)) return;
        BestMse = mse;
        BestIteration = IterationsDone;
        if (best is not null) foreach (var t in best) t.Dispose();
        best = Snapshot();
    }

    /// <summary>A copy of the model's parameters in storage order.</summary>
    private Tensor[] Snapshot()
    {
        using var _ = no_grad();
        return Model.OrderedParameters().Select(p => p.detach().clone()).ToArray();
    }

    /// <summary>Copies <paramref name="saved"/> (a <see cref="Snapshot"/> or the best checkpoint) into the model.</summary>
    private void Load(IReadOnlyList<Tensor> saved)
    {
        using var _ = no_grad();
        var ps = Model.OrderedParameters();
        for (int i = 0; i < ps.Count; i++) ps[i].copy_(saved[i]);
    }

    /// <summary>The best quantised checkpoint's raw parameters in storage order (quantise with the model's steps).</summary>
    public IReadOnlyList<Tensor> BestParameters() => best ?? throw new InvalidOperationException("No quantised checkpoint yet.");

    /// <summary>Loads the best checkpoint's parameters into the model.</summary>
    public void RestoreBest() => Load(BestParameters());

    /// <summary>More quantisation-aware steps after a grid change, at a tenth of the peak rate (the schedule's final
    /// rate is too small to move weights to the new grid).</summary>
    public void FineTune(int iterations, CancellationToken ct)
    {
        foreach (var g in optimizer.ParamGroups) g.LearningRate = schedule.PeakLearningRate * 0.1;
        for (int i = 0; i < iterations; i++)
        {
            ct.ThrowIfCancellationRequested();
            optimizer.zero_grad();
            LastMse = ChunkedLoss.Mse(Model.forward, coords, target, schedule.ChunkPixels, backward: true, ct);
            IterationsDone++;
            Consider(LastMse, force: false);
            optimizer.step();
        }
        Consider(Mse(), force: best is null);
    }

    /// <summary>Makes the current weights the checkpoint to beat afresh (after the quantisation changed).</summary>
    public void ResetCheckpoint()
    {
        if (best is not null) foreach (var t in best) t.Dispose();
        best = null;
        BestMse = double.PositiveInfinity;
        // The loss the guard compares with belongs to the old quantisation grid.
        smoothedMse = double.NaN;
        bestSmoothedMse = double.PositiveInfinity;
        if (lastGood is not null) foreach (var t in lastGood) t.Dispose();
        lastGood = null;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        sampler.Dispose();
        if (best is not null) foreach (var t in best) t.Dispose();
        if (lastGood is not null) foreach (var t in lastGood) t.Dispose();
        Model.Dispose();
    }
}
