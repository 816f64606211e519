using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HsiInr.Fuzz;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const string Usage = """
    HsiInr.Fuzz: mutation fuzzing of the archive decoder and the MAT v5, MAT v7.3 and ENVI readers.

      run     [--archives N] [--files N] [--targets archive,mat5,mat73,envi] [--seed S] [--hang-s 30] [--batch 1000]
              [--results DIR] [--findings DIR] [--seeds DIR]
              N mutated archives and N mutated files per reader, each case in a worker child process; writes
              fuzz.json and fuzz.md to --results (default bench/results) and failing inputs to --findings
              (default out/fuzz-findings). Exit code 1 when any finding, crash or hang remains.
      case    --target T --index I [--seed S] [--out DIR]   write case I's input files (to reproduce it)
      replay  --target T --index I [--seed S]               run case I in this process and print its outcome
      seeds   [--seeds DIR]                                  regenerate the seed corpus (tests/HsiInr.Fuzz/seeds)
      report  [--results DIR]                                re-render fuzz.md/fuzz.json with the current notes
    """;

var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"error: unexpected '{args[i]}'\n{Usage}"); return 2; }
    opts[args[i][2..]] = args[i + 1];
}
if (args.Length == 0 || args[0] is "-h" or "--help" || args.Length % 2 == 0) { Console.WriteLine(Usage); return args.Length == 0 ? 2 : 0; }

string? repo = RepoRoot();
string seeds = Path.GetFullPath(opts.GetValueOrDefault("seeds") ?? Path.Combine(repo ?? ".", "tests", "HsiInr.Fuzz", "seeds"));
long runSeed = long.Parse(opts.GetValueOrDefault("seed") ?? "20261126");
int Int(string key, int dflt) => opts.TryGetValue(key, out var v) ? int.Parse(v) : dflt;

switch (args[0])
{
    case "seeds":
        SeedWriter.WriteAll(seeds, repo ?? throw new InvalidOperationException("Run from inside the repository (samples/ is needed)."));
        Console.WriteLine($"seeds written to {seeds}");
        return 0;

    case "worker":
    {
        var target = FuzzTarget.Create(opts["target"], seeds);
        string findings = opts["findings"];
        string work = Directory.CreateTempSubdirectory("hsiinr-fuzz-").FullName;
        try
        {
            for (int i = Int("from", 0), to = Int("to", 0); i < to; i++)
            {
                var c = target.Case(runSeed, i);
                Console.Out.WriteLine(Supervisor.Begin + i);
                var r = Oracle.Execute(target, c, work);
                if (r.Outcome == Outcome.Finding)
                {
                    Directory.CreateDirectory(findings);
                    string stem = Path.Combine(findings, $"{c.Target}-{c.Index}-finding");
                    c.WriteTo(stem);
                    File.WriteAllText(stem + ".txt", $"target {c.Target}, run seed {runSeed}, case {c.Index}\nseed file {c.Seed}\nmutation {c.Mutation}\nvariable {c.Variable}\n{r.Stack}\n");
                }
                Console.Out.WriteLine(Supervisor.End + JsonSerializer.Serialize(r with { Stack = null, Message = r.Outcome == Outcome.Rejected ? null : r.Message }, Json.Options));
            }
        }
        finally { try { Directory.Delete(work, true); } catch (IOException) { } }
        return 0;
    }

    case "case":
    {
        var c = FuzzTarget.Create(opts["target"], seeds).Case(runSeed, Int("index", 0));
        string dir = Path.GetFullPath(opts.GetValueOrDefault("out") ?? ".");
        Directory.CreateDirectory(dir);
        Console.WriteLine($"{c.WriteTo(Path.Combine(dir, $"{c.Target}-{c.Index}"))} ({c.Seed}, {c.Mutation}, variable {c.Variable ?? "-"})");
        return 0;
    }

    case "replay":
    {
        var target = FuzzTarget.Create(opts["target"], seeds);
        var c = target.Case(runSeed, Int("index", 0));
        string work = Directory.CreateTempSubdirectory("hsiinr-fuzz-").FullName;
        var r = Oracle.Execute(target, c, work);
        Directory.Delete(work, true);
        Console.WriteLine($"{c.Seed} {c.Mutation} variable={c.Variable ?? "-"}: {r.Outcome} {r.ErrorId} {r.ExceptionType} in {r.Ms:0} ms\n{r.Message}\n{r.Stack}");
        return r.Outcome is Outcome.Ok or Outcome.Rejected ? 0 : 1;
    }

    case "run":
    {
        int archives = Int("archives", 10_000), files = Int("files", 1_000);
        double hang = double.Parse(opts.GetValueOrDefault("hang-s") ?? Oracle.DefaultHangSeconds.ToString(CultureInfo.InvariantCulture));
        string results = Path.GetFullPath(opts.GetValueOrDefault("results") ?? Path.Combine(repo ?? ".", "bench", "results"));
        string findings = Path.GetFullPath(opts.GetValueOrDefault("findings") ?? Path.Combine(repo ?? ".", "out", "fuzz-findings"));
        var targets = (opts.GetValueOrDefault("targets") ?? string.Join(',', FuzzTarget.All)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var sup = new Supervisor(seeds, findings, runSeed, hang, Int("batch", 1000), Console.Out);
        var clock = Stopwatch.StartNew();
        var summaries = new List<TargetSummary>();
        foreach (var t in targets)
        {
            int n = t == "archive" ? archives : files;
            Console.WriteLine($"==> {t}: {n} cases");
            var r = sup.Run(t, n);
            summaries.Add(TargetSummary.Of(t, FuzzTarget.Create(t, seeds).SeedCount, r));
            var s = summaries[^1];
            Console.WriteLine($"    {s.Cases} cases: {s.Ok} ok, {s.Rejected} rejected, {s.Findings} findings, {s.Crashes} crashes, {s.Hangs} hangs; slowest {s.MaxCaseMs:0} ms");
        }
        var run = new RunSummary(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), Machine(), Commit(repo), runSeed, hang,
            clock.Elapsed.TotalSeconds, $"build.ps1 -Task Fuzz -FuzzArgs '{string.Join(' ', args.Skip(1))}'", summaries);
        run.Write(results, Path.Combine(repo ?? ".", "tests", "HsiInr.Fuzz", "findings-fixed.md"));
        Console.WriteLine($"results: {Path.Combine(results, "fuzz.md")}");
        return summaries.Any(s => s.Findings + s.Crashes + s.Hangs > 0) ? 1 : 0;
    }

    case "report":
    {
        // Re-renders fuzz.md and fuzz.json from a run's fuzz.json with the current notes (findings-fixed.md).
        string results = Path.GetFullPath(opts.GetValueOrDefault("results") ?? Path.Combine(repo ?? ".", "bench", "results"));
        var run = JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(Path.Combine(results, "fuzz.json")), Json.Options)!;
        run.Write(results, Path.Combine(repo ?? ".", "tests", "HsiInr.Fuzz", "findings-fixed.md"));
        Console.WriteLine($"results: {Path.Combine(results, "fuzz.md")}");
        return 0;
    }

    default:
        Console.Error.WriteLine($"error: unknown command '{args[0]}'\n{Usage}");
        return 2;
}

static string? RepoRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HsiInr.slnx"))) return d.FullName;
    return null;
}

static string Machine()
{
    string cpu = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
    }
    catch (IOException) { }
    return $"{Environment.ProcessorCount} cores, {cpu}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; workers on one core";
}

static string Commit(string? repo)
{
    if (repo is null) return "unknown";
    try
    {
        var psi = new ProcessStartInfo("git", ["-C", repo, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string head = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        var st = new ProcessStartInfo("git", ["-C", repo, "status", "--porcelain", "--", ".", ":(exclude)bench/results"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var q = Process.Start(st)!;
        string dirty = q.StandardOutput.ReadToEnd().Trim();
        q.WaitForExit();
        return head.Length == 0 ? "unknown" : dirty.Length > 0 ? head + "+dirty" : head;
    }
    catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException) { return "unknown"; }
}
