using System.Diagnostics;
using HsiInr.Core.Codec.Container;
using TorchSharp;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// Overfits one <see cref="SirenNetwork"/> to a normalised cube with Adam and MSE, keeping the best checkpoint
/// as measured in the precision the weights will be stored in. Each step accumulates gradients over pixel chunks:
/// the same gradient as a full-batch step, with memory bounded by the chunk size (large full-batch steps spend
/// most of their time page-faulting fresh allocations).
/// </summary>
public sealed class SirenTrainer : IDisposable
{
    private readonly Tensor coords;
    private readonly Tensor target;
    private readonly long chunk;
    private readonly WeightPrecision precision;
    private readonly int evalInterval;
    private readonly optim.Optimizer optimizer;
    private Tensor[]? best;

    public SirenNetwork Model { get; }
    public int IterationsDone { get; private set; }
    public double BestMse { get; private set; } = double.PositiveInfinity;
    public int BestIteration { get; private set; }
    public double LastMse { get; private set; } = double.NaN;

    public double BestPsnr => MseToPsnr(BestMse);

    /// <param name="coords">(pixels × 2) grid on the model's device.</param>
    /// <param name="target">(pixels × bands) normalised samples on the model's device.</param>
    public SirenTrainer(SirenNetwork model, Tensor coords, Tensor target, double learningRate, WeightPrecision precision,
        int chunkPixels = 16384, int halfEvalInterval = 10)
    {
        Model = model;
        this.coords = coords;
        this.target = target;
        chunk = Math.Max(1, chunkPixels);
        this.precision = precision;
        evalInterval = Math.Max(1, halfEvalInterval);
        optimizer = optim.Adam(model.parameters(), learningRate);
    }

    public static double MseToPsnr(double mse) => mse > 0 ? 10 * Math.Log10(1.0 / mse) : double.PositiveInfinity;

    /// <summary>
    /// Runs up to <paramref name="iterations"/> more steps. Stops early (returning false) when
    /// <paramref name="deadline"/> passes; throws <see cref="OperationCanceledException"/> on cancellation.
    /// </summary>
    public bool Train(int iterations, Stopwatch clock, TimeSpan? deadline, Action<SirenTrainer>? onIteration, CancellationToken ct)
    {
        for (int i = 0; i < iterations; i++)
        {
            ct.ThrowIfCancellationRequested();
            if (deadline is { } d && clock.Elapsed >= d) { FinalEvaluate(); return false; }
            Step(ct);
            onIteration?.Invoke(this);
        }
        FinalEvaluate();
        return true;
    }

    private void Step(CancellationToken ct)
    {
        optimizer.zero_grad();
        LastMse = ChunkedLoss.Mse(Model.forward, coords, target, chunk, backward: true, ct);
        // The loss of this step measures the weights *before* optimizer.step(): a free full-grid evaluation.
        IterationsDone++;
        if (precision == WeightPrecision.Single)
            ConsiderCheckpoint(LastMse, null);
        else if (IterationsDone % evalInterval == 0 || IterationsDone == 1)
            EvaluateRounded();
        optimizer.step();
    }

    /// <summary>Evaluates the current weights after the round trip through the stored precision.</summary>
    private void EvaluateRounded()
    {
        using var _ = no_grad();
        var ps = Model.OrderedParameters();
        var saved = ps.Select(p => p.detach().clone()).ToArray();
        var rounded = new Tensor[ps.Count];
        for (int k = 0; k < ps.Count; k++)
        {
            using var h = ps[k].detach().to(ScalarType.Float16);
            rounded[k] = h.to(ScalarType.Float32);
            ps[k].copy_(rounded[k]);
        }
        double mse = Mse();
        for (int k = 0; k < ps.Count; k++) { ps[k].copy_(saved[k]); saved[k].Dispose(); }
        if (!ConsiderCheckpoint(mse, rounded))
            foreach (var t in rounded) t.Dispose();
    }

    private void FinalEvaluate()
    {
        if (precision == WeightPrecision.Half) EvaluateRounded();
        else ConsiderCheckpoint(Mse(), null);
    }

    /// <summary>Keeps the weights as the best checkpoint when <paramref name="mse"/> beats it; takes ownership of <paramref name="weights"/> then.</summary>
    private bool ConsiderCheckpoint(double mse, Tensor[]? weights)
    {
        if (!(mse < BestMse)) return false;
        BestMse = mse;
        BestIteration = IterationsDone;
        if (best is not null) foreach (var t in best) t.Dispose();
        using (no_grad())
            best = weights ?? Model.OrderedParameters().Select(p => p.detach().clone()).ToArray();
        return true;
    }

    /// <summary>Full-grid MSE of the model's current weights.</summary>
    public double Mse() => ChunkedLoss.Mse(Model.forward, coords, target, chunk, backward: false);

    /// <summary>The best checkpoint's weights, flattened in storage order (already rounded for Half).</summary>
    public float[] BestWeights()
    {
        var src = best ?? Model.OrderedParameters().Select(p => p.detach().clone()).ToArray();
        var all = new List<float>();
        foreach (var t in src)
        {
            using var c = t.cpu().contiguous();
            all.AddRange(c.data<float>().ToArray());
        }
        return all.ToArray();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        if (best is not null) foreach (var t in best) t.Dispose();
        Model.Dispose();
    }
}
