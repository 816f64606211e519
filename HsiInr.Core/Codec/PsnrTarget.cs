using System.Diagnostics;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec;

/// <summary>
/// <c>-TargetPsnr</c>: the smallest archive whose PSNR reaches a target, found by a search over the rate where every
/// trial is a complete encode at that <c>-Bpppb</c> (so every trial's size is a real file's). From 0.1 bpppb the rate
/// doubles until the target is reached or halves while it still is; then the bracket is narrowed by geometric
/// bisection until its ends are within <see cref="RateTolerance"/> of each other. PSNR grows with the rate for every
/// codec here, though not strictly for a stochastic INR fit, so the result is the smallest of all trials that
/// reached the target, not merely the last one.
/// </summary>
public static class PsnrTarget
{
    public const double FirstRate = 0.1;
    public const double MinRate = 0.001;
    public const double MaxRate = 8.0;
    /// <summary>The search stops when the smallest passing rate is within this factor of the largest failing one.</summary>
    public const double RateTolerance = 1.1;
    public const int MaxTrials = 16;

    /// <param name="options">INR settings without a rate (its <see cref="InrOptions.Bpppb"/> is set per trial);
    /// <see cref="InrOptions.MaxSeconds"/> bounds the whole search: each trial gets what is left.</param>
    public static CompressionResult Compress(HsiCube cube, CodecId codec, InrOptions options, double targetPsnr, int? tileSize = null,
        IProgress<FitProgress>? progress = null, CancellationToken ct = default)
    {
        if (!(targetPsnr > 0) || double.IsInfinity(targetPsnr))
            throw new HsiException(HsiErrorKind.InvalidArgument, "-TargetPsnr must be a positive number of dB.");
        var clock = Stopwatch.StartNew();
        var trials = new List<SearchTrial>();
        CompressionResult? best = null;
        double bestMissed = double.NegativeInfinity;
        double failing = 0, passing = double.PositiveInfinity, rate = FirstRate;
        bool outOfTime = false;
        string? lastRefusal = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            double? left = options.MaxSeconds is { } budget ? budget - clock.Elapsed.TotalSeconds : null;
            if (left is <= 0) { outOfTime = true; break; }
            var result = Trial(cube, codec, options with { Bpppb = rate, MaxSeconds = left }, tileSize, progress, trials.Count + 1, rate, ct, out string? refused);
            if (refused is not null) lastRefusal = refused;
            if (result is not null)
                trials.Add(new SearchTrial(result.Layers, result.Width, result.Psnr, result.Bpppb, result.EncodeSeconds));
            if (result is not null && result.Psnr >= targetPsnr)
            {
                passing = rate;
                if (best is null || result.Archive.Length < best.Archive.Length) best = result;
            }
            else
            {
                failing = rate;
                if (result is not null) bestMissed = Math.Max(bestMissed, result.Psnr);
            }

            if (double.IsPositiveInfinity(passing))
            {
                if (failing >= MaxRate) break;
                rate = Math.Min(failing * 2, MaxRate);
            }
            else if (failing == 0)
            {
                if (passing / 2 < MinRate) break;
                rate = passing / 2;
            }
            else
            {
                if (passing / failing <= RateTolerance || trials.Count >= MaxTrials) break;
                rate = Math.Sqrt(failing * passing);
            }
        }
        if (best is null)
        {
            string missed = double.IsNegativeInfinity(bestMissed) ? $"no trial produced an archive: {lastRefusal}" : $"the best trial reached {bestMissed:0.00} dB";
            string why = outOfTime ? $"-MaxSeconds ran out after {trials.Count} trials" : $"not reached at {MaxRate} bpppb";
            throw new HsiException(HsiErrorKind.InvalidArgument, $"-TargetPsnr {targetPsnr} dB: {why} ({missed}). Lower -TargetPsnr{(outOfTime ? " or raise -MaxSeconds" : "")}.");
        }
        return best with
        {
            EncodeSeconds = clock.Elapsed.TotalSeconds,
            StoppedEarly = outOfTime || best.StoppedEarly,
            Trials = trials,
            Variant = $"{best.Variant}; {trials.Count} rate trials",
        };
    }

    /// <summary>One encode at <paramref name="rate"/>; null, with the codec's reason, when the codec refuses the rate
    /// (no network or quality setting fits it): a rate that fails.</summary>
    private static CompressionResult? Trial(HsiCube cube, CodecId codec, InrOptions options, int? tileSize, IProgress<FitProgress>? progress,
        int number, double rate, CancellationToken ct, out string? refused)
    {
        refused = null;
        var labelled = progress is null ? null : new Labelled(progress, $"rate trial {number} at {rate:0.####} bpppb");
        try
        {
            return CubeCompressor.Compress(cube, codec, options, tileSize, labelled, ct);
        }
        catch (HsiException e) when (e.Kind == HsiErrorKind.InvalidArgument)
        {
            refused = e.Message;
            return null;
        }
    }

    private sealed class Labelled(IProgress<FitProgress> inner, string label) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => inner.Report(value with { Stage = $"{label}: {value.Stage}" });
    }
}
