using System.Diagnostics;
using System.Globalization;
using HsiInr.Bench;
using HsiInr.Core.IO;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Child mode: one point, one JSON line on stdout.
if (args.Length == 2 && args[0] == "--point")
    return PointWorker.Run(args[1]);
if (args.Length == 2 && args[0] == "--large-step")
    return LargeWorker.Run(args[1]);
// Child mode of the batch suite: fit a list of seeds, one line per fit.
if (args.Length == 4 && args[0] == BatchSuite.WorkerFlag)
    return BatchSuite.Worker(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)));

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

try
{
    string? repo = RunInfo.RepoRoot();
    string results = Path.GetFullPath(options.ResultsDir ?? (repo is not null ? Path.Combine(repo, "bench", "results")
        : throw new BenchException("No repository root (HsiInr.slnx) above the current directory or the executable: pass --results DIR.")));
    if (options.Suite == LargeSuite.Name)
    {
        if (repo is null) throw new BenchException("The large suite writes its cubes under bench/work/ of the repository: run it from inside the repository.");
        Directory.CreateDirectory(results);
        Console.WriteLine($"HsiInr.Bench: {RunInfo.Machine()}; commit {RunInfo.Commit(repo)}; results in {results}");
        return LargeSuite.Run(options, repo, results, RunInfo.Machine(), RunInfo.Commit(repo)) > 0 ? 1 : 0;
    }
    string? data = options.DataDir is not null ? Path.GetFullPath(options.DataDir)
        : repo is not null ? Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets")) : null;
    if (data is null && options.Scenes.Count == 0)
        throw new BenchException("No data folder: pass --data DIR or --scene PATH.");
    Directory.CreateDirectory(results);

    string machine = RunInfo.Machine();
    string commit = RunInfo.Commit(repo);
    Console.WriteLine($"HsiInr.Bench: {machine}; commit {commit}; results in {results}");

    if (options.Suite == "batch")
    {
        string scene = options.Scenes.FirstOrDefault() ?? Path.Combine(repo ?? ".", "samples", "jasper-ridge-64.mat");
        if (!File.Exists(scene)) throw new BenchException($"The batch suite's scene '{scene}' does not exist: pass --scene PATH.");
        return BatchSuite.Run(Path.GetFullPath(scene), options.Cubes ?? 4, options.Iterations ?? 1000, results, machine, commit);
    }
    if (options.Suite == CodingSuite.Name)
    {
        if (repo is null) throw new BenchException("The coding suite keeps its archives under bench/work/ of the repository: run it from inside the repository.");
        var scenes = Suites.Discover(Variants.Rd, data, options.Scenes, options.OnlyScenes).Where(s => options.OnlyScenes is not null || s.Sweep).ToList();
        return CodingSuite.Run(scenes, options.Rates ?? [Suites.SingleRate], repo, results, machine, commit);
    }
    var suites = options.Suite == "all" ? new[] { Variants.Rd, Variants.Paper } : [options.Suite];
    if (suites.Length > 1 && options.OnlyScenes is { } only)
    {
        var known = suites.SelectMany(s => Suites.Discover(s, data, options.Scenes, only, strictOnly: false)).Select(s => s.Name).ToList();
        foreach (var n in only.Where(n => !known.Contains(n, StringComparer.OrdinalIgnoreCase)))
            throw new BenchException($"--only-scenes: no scene '{n}' in either suite.");
    }
    int failures = 0;
    foreach (var suite in suites)
        failures += RunSuite(suite, options, data, results, machine, commit);
    return failures > 0 ? 1 : 0;
}
catch (BenchException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static int RunSuite(string suite, BenchOptions o, string? data, string results, string machine, string commit)
{
    var scenes = Suites.Discover(suite, data, o.Scenes, o.OnlyScenes, strictOnly: o.Suite != "all");
    var store = ResultStore.Load(Path.Combine(results, suite + ".json"));
    int failures = 0;
    if (!o.ReportOnly)
    {
        var plan = Suites.Plan(suite, scenes, o);
        var todo = plan.Where(p => !store.IsDone(new PointKey(p.Scene, p.Codec, p.Variant, p.TargetBpppb))).ToList();
        Console.WriteLine($"== suite {suite}: {plan.Count} points planned, {plan.Count - todo.Count} already in {Path.GetFileName(store.Path)} (skipped), {todo.Count} to run");
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < todo.Count; i++)
        {
            var spec = todo[i];
            Console.WriteLine($"[{i + 1}/{todo.Count}] {spec.Scene} {spec.Codec}/{spec.Variant} @ {spec.TargetBpppb?.ToString(Suites.RateFormat)} bpppb ...");
            var t0 = clock.Elapsed;
            var point = PointRunner.Run(spec);
            point.Machine = machine;
            point.Commit = commit;
            point.Timestamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            store.Upsert(point);
            store.Save();
            if (!point.Ok) failures++;
            var elapsed = clock.Elapsed;
            var eta = TimeSpan.FromSeconds(elapsed.TotalSeconds / (i + 1) * (todo.Count - i - 1));
            string outcome = point.Ok
                ? $"{point.Psnr:0.00} dB at {point.Bpppb:0.0000} bpppb (enc {point.EncodeSeconds:0.0}s, dec {point.DecodeSeconds:0.00}s, peak {point.PeakRssMb:0} MB)"
                : $"ERROR {point.Error}";
            Console.WriteLine($"[{i + 1}/{todo.Count}] {spec.Scene} {spec.Codec}/{spec.Variant} @ {spec.TargetBpppb?.ToString(Suites.RateFormat)}: {outcome}; " +
                              $"point {(elapsed - t0).TotalSeconds:0}s, elapsed {elapsed:hh\\:mm\\:ss}, ETA {eta:hh\\:mm\\:ss}");
        }
    }
    WriteReports(suite, store, scenes, data, results);
    return failures;
}

static void WriteReports(string suite, ResultStore store, IReadOnlyList<Scene> scenes, string? data, string results)
{
    var points = store.Points;
    if (points.Count == 0) { Console.WriteLine($"== {suite}: no points yet, no report."); return; }
    if (suite == Variants.Paper)
    {
        ResultStore.WriteAtomic(Path.Combine(results, "paper.md"), Reports.PaperMarkdown(points, Reports.Reproduce("paper")));
        Console.WriteLine($"== wrote {Path.Combine(results, "paper.md")}");
        return;
    }
    var shapes = new Dictionary<string, string>();
    foreach (var name in points.Select(p => p.Scene).Distinct())
    {
        // Points of earlier runs may be of scenes this run left out: look for them in the data folder.
        string? source = scenes.FirstOrDefault(s => s.Name == name)?.Source
            ?? (data is not null && File.Exists(Path.Combine(data, name + ".mat")) ? Path.Combine(data, name + ".mat") : null);
        if (source is null || source.StartsWith(PointSpec.SyntheticPrefix, StringComparison.Ordinal)) continue;
        try { var c = CubeFile.Read(source); shapes[name] = $"{c.Height}×{c.Width}×{c.Bands}"; }
        catch (Exception e) when (e is not OutOfMemoryException) { Console.Error.WriteLine($"warning: shape of {name}: {e.Message}"); }
    }
    ResultStore.WriteAtomic(Path.Combine(results, "rd.md"), Reports.RdMarkdown(points, shapes, Reports.Reproduce("rd")));
    Console.WriteLine($"== wrote {Path.Combine(results, "rd.md")}");
    foreach (var name in points.Select(p => p.Scene).Distinct())
    {
        string png = Path.Combine(results, $"rd-{name}.png");
        var why = Plots.TryWrite(png, name, shapes.GetValueOrDefault(name), points.Where(p => p.Scene == name).ToList());
        Console.WriteLine(why is null ? $"== wrote {png}" : $"warning: no plot for {name}: {why} (fonts: see bench/README.md)");
    }
}
