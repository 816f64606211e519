using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.IO;
using ScottPlot;

namespace HsiInr.Bench;

/// <summary>
/// Batch throughput (issue 7): the same set of fits done by one job, by two jobs sharing the cores (the default), and
/// by two jobs that each take every core (HSIINR_THREADS pinned to the core count — what an unaware batch does).
/// Each job is a separate process, as in a scheduled script that starts one pwsh per worker.
/// </summary>
public static class BatchSuite
{
    public const string WorkerFlag = "--batch-worker";
    private const string Marker = "@@FIT ";

    public sealed record Mode(string Name, int Jobs, bool Oversubscribed);

    public sealed class ModeResult
    {
        public string Mode { get; set; } = "";
        public int Jobs { get; set; }
        public string ThreadsPerJob { get; set; } = "";
        public int Cubes { get; set; }
        public int FitsFinished { get; set; }
        public int Iterations { get; set; }
        public double WallSeconds { get; set; }
        public double CubesPerMinute { get; set; }
        public double? MeanFitSeconds { get; set; }
        public double? MeanMsPerIteration { get; set; }
        public double? MeanPsnr { get; set; }
        public string Scene { get; set; } = "";
        public string Machine { get; set; } = "";
        public string Commit { get; set; } = "";
        public string Timestamp { get; set; } = "";
    }

    private sealed record Fit(long Seed, double Seconds, int Iterations, double Psnr);

    public static readonly Mode[] Modes =
    [
        new("1 job", 1, false),
        new("2 jobs, cores shared (default)", 2, false),
        new("2 jobs, each all cores", 2, true),
    ];

    public static int Run(string scene, int cubes, int iterations, string results, string machine, string commit)
    {
        Console.WriteLine($"== suite batch: {cubes} fits of {Path.GetFileName(scene)} (compact INR at 0.1 bpppb, {iterations} iterations) per mode");
        var rows = new List<ModeResult>();
        TimeSpan? cap = null;
        foreach (var mode in Modes)
        {
            var seeds = Enumerable.Range(1, cubes).Select(i => (long)i).ToArray();
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            // An oversubscribed mode can be slower by an order of magnitude: it is stopped at 10× the first mode's
            // wall time and reported with the fits it finished.
            if (cap is { } c) stop.CancelAfter(c);
            var jobs = Enumerable.Range(0, mode.Jobs)
                .Select(j => Task.Run(() => RunJob(scene, iterations, seeds.Where((_, i) => i % mode.Jobs == j).ToArray(), mode.Oversubscribed, stop.Token)))
                .ToArray();
            var fits = jobs.SelectMany(t => t.Result).ToList();
            double wall = clock.Elapsed.TotalSeconds;
            bool finished = fits.Count == cubes;
            if (!finished && !stop.IsCancellationRequested) throw new BenchException($"batch mode '{mode.Name}': {fits.Count} of {cubes} fits reported.");
            var row = new ModeResult
            {
                Mode = mode.Name, Jobs = mode.Jobs, Cubes = cubes, FitsFinished = fits.Count, Iterations = iterations, WallSeconds = Math.Round(wall, 2),
                ThreadsPerJob = mode.Oversubscribed || mode.Jobs == 1 ? $"{Environment.ProcessorCount}" : $"{CoreShare.FairShare(mode.Jobs)} while {mode.Jobs} run",
                CubesPerMinute = Math.Round(fits.Count * 60 / wall, 2),
                MeanFitSeconds = fits.Count > 0 ? Math.Round(fits.Average(f => f.Seconds), 2) : null,
                MeanMsPerIteration = fits.Count > 0 ? Math.Round(fits.Average(f => 1000 * f.Seconds / Math.Max(1, f.Iterations)), 2) : null,
                MeanPsnr = fits.Count > 0 ? Math.Round(fits.Average(f => f.Psnr), 2) : null,
                Scene = Path.GetFileNameWithoutExtension(scene), Machine = machine, Commit = commit,
                Timestamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            };
            Console.WriteLine($"   {row.Mode}: {row.WallSeconds} s wall, {row.FitsFinished}/{cubes} fits, {row.CubesPerMinute} cubes/min" +
                              (finished ? $", {row.MeanMsPerIteration} ms/iteration" : " (stopped at the time cap)"));
            rows.Add(row);
            cap ??= TimeSpan.FromSeconds(Math.Max(60, 10 * wall));
        }
        File.WriteAllText(Path.Combine(results, "batch.json"), JsonSerializer.Serialize(rows, BenchJson.File) + "\n");
        File.WriteAllText(Path.Combine(results, "batch.md"), Markdown(rows));
        WritePlot(Path.Combine(results, "batch.png"), rows);
        Console.WriteLine($"== wrote batch.json, batch.md, batch.png in {results}");
        return 0;
    }

    /// <summary>Child side: fits each seed in turn and prints one line per fit.</summary>
    public static int Worker(string scene, int iterations, IEnumerable<long> seeds)
    {
        var cube = CubeFile.Read(scene);
        foreach (long seed in seeds)
        {
            var r = InrCodec.Compress(cube, new InrOptions { Bpppb = 0.1, Iterations = iterations, Seed = seed, Device = DeviceKind.Cpu });
            Console.WriteLine(Marker + string.Join(' ', seed, r.EncodeSeconds.ToString("R", CultureInfo.InvariantCulture), r.Iterations,
                r.Psnr.ToString("R", CultureInfo.InvariantCulture)));
        }
        return 0;
    }

    private static List<Fit> RunJob(string scene, int iterations, long[] seeds, bool oversubscribed, CancellationToken stop)
    {
        var psi = PointRunner.ChildStartInfo([WorkerFlag, scene, iterations.ToString(CultureInfo.InvariantCulture), string.Join(',', seeds)]);
        if (oversubscribed) psi.Environment[CoreShare.ThreadsVariable] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        else psi.Environment.Remove(CoreShare.ThreadsVariable);
        using var p = Process.Start(psi)!;
        using var kill = stop.Register(() => { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var fits = new List<Fit>();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith(Marker, StringComparison.Ordinal)) continue;
            var f = line[Marker.Length..].Split(' ');
            fits.Add(new Fit(long.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture),
                int.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)));
        }
        p.WaitForExit();
        if (p.ExitCode != 0 && !stop.IsCancellationRequested) throw new BenchException($"a batch worker exited with code {p.ExitCode}.");
        return fits;
    }

    private static string Markdown(IReadOnlyList<ModeResult> rows)
    {
        var r0 = rows[0];
        var sb = new StringBuilder();
        sb.AppendLine("# Batch throughput: one job against two parallel jobs").AppendLine();
        sb.AppendLine($"{r0.Cubes} fits of `{r0.Scene}` (compact INR, 0.1 bpppb, {r0.Iterations} iterations, seeds 1–{r0.Cubes}) per mode; each job is its own process. ");
        sb.AppendLine($"Machine: {r0.Machine}; commit {r0.Commit}; {r0.Timestamp}.").AppendLine();
        sb.AppendLine("| mode | jobs | torch threads per job | fits done | wall s | cubes/min | mean fit s | ms/iteration | mean PSNR dB |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            sb.AppendLine($"| {r.Mode} | {r.Jobs} | {r.ThreadsPerJob} | {r.FitsFinished}/{r.Cubes}{(r.FitsFinished < r.Cubes ? " (stopped at 10× the 1-job time)" : "")} | {r.WallSeconds:0.0} | {r.CubesPerMinute:0.00} | {r.MeanFitSeconds:0.0} | {r.MeanMsPerIteration:0.0} | {r.MeanPsnr:0.00} |");
        sb.AppendLine().AppendLine("\"cores shared\" is the default: each fit takes cores ÷ running fits (`CoreShare`, re-checked every 2 s). " +
            "\"each all cores\" pins `HSIINR_THREADS` to the core count in both jobs, which oversubscribes the CPU.");
        sb.AppendLine().AppendLine($"Reproduce: `dotnet pwsh ./build.ps1 -Task Bench -BenchArgs '--suite batch --cubes {r0.Cubes} --iterations {r0.Iterations}'` (add `--scene PATH` for another cube).");
        return sb.ToString();
    }

    private static void WritePlot(string path, IReadOnlyList<ModeResult> rows)
    {
        try
        {
            var plt = new Plot();
            var bars = rows.Select((r, i) => new Bar { Position = i, Value = r.CubesPerMinute, Label = r.CubesPerMinute.ToString("0.00", CultureInfo.InvariantCulture) }).ToArray();
            plt.Add.Bars(bars);
            plt.Axes.Bottom.SetTicks(rows.Select((_, i) => (double)i).ToArray(), rows.Select(r => r.Mode).ToArray());
            plt.Axes.Margins(bottom: 0);
            plt.YLabel("cubes per minute");
            plt.Title($"Batch throughput ({rows[0].Cubes} fits of {rows[0].Scene}, {rows[0].Iterations} iterations)");
            plt.Font.Automatic();
            plt.SavePng(path, 900, 500);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"warning: no plot {path}: {e.GetType().Name}: {e.Message}");
        }
    }
}
