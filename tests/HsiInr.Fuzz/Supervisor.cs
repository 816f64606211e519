using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace HsiInr.Fuzz;

/// <summary>
/// Runs a target's cases in child processes ("worker" mode of this program), so a native crash, a stack overflow, an
/// out-of-memory kill or a hang ends only the child. The worker announces each case before running it ("@@B i") and
/// reports it after ("@@E {json}"); a child that dies or stays on one case longer than the hang limit is killed and
/// the announced case is the culprit: it is recorded, its input saved, and a fresh worker resumes after it.
/// </summary>
public sealed class Supervisor(string seedsDir, string findingsDir, long runSeed, double hangSeconds, int batch, TextWriter log)
{
    public const string Begin = "@@B ";
    public const string End = "@@E ";

    public List<CaseResult> Run(string target, int count)
    {
        var results = new List<CaseResult>(count);
        var t = FuzzTarget.Create(target, seedsDir);
        int next = 0, respawns = 0;
        var clock = Stopwatch.StartNew();
        while (next < count)
        {
            int to = Math.Min(count, next + batch);
            var (done, culprit, outcome, detail) = RunWorker(target, next, to, results);
            if (culprit is { } i)
            {
                var c = t.Case(runSeed, i);
                string saved = Save(c, outcome.ToString().ToLowerInvariant(), detail);
                results.Add(new CaseResult(target, i, c.Seed, c.Mutation, outcome, outcome == Outcome.Hang ? hangSeconds * 1000 : 0,
                    Message: detail, Stack: saved));
                log.WriteLine($"  {target} case {i}: {outcome} ({c.Seed}, {c.Mutation}); input saved to {saved}");
                next = i + 1;
            }
            else if (done < to)
            {
                // The worker died between cases (e.g. at start-up): retry a few times, then give up loudly.
                if (++respawns > 3) throw new InvalidOperationException($"The {target} worker keeps failing outside any case: {detail}");
                next = done;
                continue;
            }
            else next = to;
            log.WriteLine($"  {target}: {next}/{count} cases, {clock.Elapsed.TotalSeconds:0} s");
        }
        return results;
    }

    /// <summary>Runs cases [from, to) in one worker; returns the next unreported case and, when the worker died or
    /// hung inside a case, that case.</summary>
    private (int Done, int? Culprit, Outcome Outcome, string Detail) RunWorker(string target, int from, int to, List<CaseResult> results)
    {
        var psi = SelfStart(["worker", "--target", target, "--from", from.ToString(), "--to", to.ToString(),
            "--seed", runSeed.ToString(), "--seeds", seedsDir, "--findings", findingsDir]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        // One core, bounded memory: a case that allocates wildly fails (OutOfMemoryException, a finding) instead of
        // pushing the machine into swap; libtorch and the decoders stay single-threaded.
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0xC0000000";
        psi.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["MKL_NUM_THREADS"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start a worker.");
        var lines = new BlockingCollection<string>();
        var stderr = new System.Text.StringBuilder();
        var reader = Task.Run(() =>
        {
            string? l;
            while ((l = p.StandardOutput.ReadLine()) is not null) lines.Add(l);
            lines.CompleteAdding();
        });
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) { stderr.AppendLine(e.Data); if (stderr.Length > 8000) stderr.Remove(0, stderr.Length - 8000); } };
        p.BeginErrorReadLine();

        int done = from;
        int? current = null;
        var since = Stopwatch.StartNew();
        while (true)
        {
            if (lines.TryTake(out var line, 200))
            {
                if (line.StartsWith(Begin, StringComparison.Ordinal))
                {
                    current = int.Parse(line[Begin.Length..]);
                    since.Restart();
                }
                else if (line.StartsWith(End, StringComparison.Ordinal))
                {
                    var r = JsonSerializer.Deserialize<CaseResult>(line[End.Length..], Json.Options)!;
                    results.Add(r);
                    done = r.Index + 1;
                    current = null;
                }
                continue;
            }
            if (current is { } c && since.Elapsed.TotalSeconds > hangSeconds)
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                return (done, c, Outcome.Hang, $"still running after {hangSeconds} s");
            }
            if (lines.IsCompleted)
            {
                p.WaitForExit();
                string err;
                lock (stderr) err = stderr.ToString();
                string tail = err.Length > 1500 ? err[^1500..] : err;
                if (current is { } dead) return (done, dead, Outcome.Crash, $"worker exited with code {p.ExitCode} inside the case: {tail.Trim()}");
                return (done, null, Outcome.Ok, $"exit code {p.ExitCode}: {tail.Trim()}");
            }
        }
    }

    private string Save(FuzzCase c, string what, string detail)
    {
        Directory.CreateDirectory(findingsDir);
        string stem = Path.Combine(findingsDir, $"{c.Target}-{c.Index}-{what}");
        c.WriteTo(stem);
        File.WriteAllText(stem + ".txt", $"target {c.Target}, run seed {runSeed}, case {c.Index}\nseed file {c.Seed}\nmutation {c.Mutation}\nvariable {c.Variable}\n{detail}\n");
        return stem + c.Open;
    }

    /// <summary>Starts this program again: through its apphost, or through dotnet when run as "dotnet HsiInr.Fuzz.dll".</summary>
    public static ProcessStartInfo SelfStart(IEnumerable<string> args)
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(Supervisor).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
