using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HsiInr.Fuzz;

/// <summary>Per-target counts of a run: what the issue asks to report (cases, ok, rejected by ErrorId, findings,
/// crashes, hangs, slowest case), plus the mutation modes that reached a decoded cube.</summary>
public sealed record TargetSummary(string Target, int Seeds, int Cases, int Ok, int Rejected, int Findings, int Crashes, int Hangs,
    double MaxCaseMs, string SlowestCase, double MeanCaseMs, SortedDictionary<string, int> RejectedBy, SortedDictionary<string, int[]> Modes,
    List<string> FindingDetails, SortedDictionary<string, int> WrappedExceptions)
{
    public static TargetSummary Of(string target, int seeds, IReadOnlyList<CaseResult> results)
    {
        var slowest = results.Where(r => r.Outcome is not (Outcome.Crash or Outcome.Hang)).MaxBy(r => r.Ms);
        var modes = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            string mode = r.Mutation.Split(':')[0];
            if (mode.Contains('+') || mode == r.Mutation) mode = r.Mutation.Split('+')[0].Split(':')[0];
            if (!modes.TryGetValue(mode, out var c)) modes[mode] = c = new int[2];
            c[0]++;
            if (r.Outcome == Outcome.Ok) c[1]++;
        }
        return new TargetSummary(target, seeds, results.Count,
            results.Count(r => r.Outcome == Outcome.Ok),
            results.Count(r => r.Outcome == Outcome.Rejected),
            results.Count(r => r.Outcome == Outcome.Finding),
            results.Count(r => r.Outcome == Outcome.Crash),
            results.Count(r => r.Outcome == Outcome.Hang),
            slowest?.Ms ?? 0, slowest is null ? "" : $"{slowest.Index} ({slowest.Seed}, {slowest.Mutation})",
            results.Count == 0 ? 0 : results.Average(r => r.Ms),
            new SortedDictionary<string, int>(results.Where(r => r.ErrorId is not null).GroupBy(r => r.ErrorId!).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal),
            modes,
            results.Where(r => r.Outcome is Outcome.Finding or Outcome.Crash or Outcome.Hang)
                .Select(r => OneLine($"case {r.Index} ({r.Seed}, {r.Mutation}): {r.Outcome} {r.ExceptionType} {r.Message}")).Take(50).ToList(),
            // What readers wrapped into their HsiExceptions: zlib's and PureHDF's own errors are expected there; an
            // OutOfMemoryException or IndexOutOfRangeException would be a bug hidden behind a clean error.
            new SortedDictionary<string, int>(results.Where(r => r.Inner is not null).GroupBy(r => $"{r.ErrorId} ← {r.Inner}").ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal));
    }

    private static string OneLine(string s)
    {
        s = string.Join(' ', s.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return s.Length > 400 ? s[..400] + "…" : s;
    }
}

/// <summary>A fixed bug, one row of the table in findings-fixed.md.</summary>
public sealed record FixedFinding(string Target, string Input, string Was, string Now);

public sealed record RunSummary(string Timestamp, string Machine, string Commit, long RunSeed, double HangLimitSeconds, double WallSeconds,
    string Command, List<TargetSummary> Targets)
{
    public List<FixedFinding> FindingsFixed { get; set; } = [];

    /// <summary>The rows of the first table in the notes: the bugs found so far and how each was fixed.</summary>
    public static List<FixedFinding> ReadFixed(string? notesPath)
    {
        if (notesPath is null || !File.Exists(notesPath)) return [];
        return File.ReadLines(notesPath).SkipWhile(l => !l.StartsWith("| target", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())
            .Where(c => c.Length == 4).Select(c => new FixedFinding(c[0], c[1], c[2], c[3])).ToList();
    }

    public void Write(string dir, string? notesPath)
    {
        FindingsFixed = ReadFixed(notesPath);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "fuzz.json"), JsonSerializer.Serialize(this, new JsonSerializerOptions(Json.Options) { WriteIndented = true }) + "\n");
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append("# Fuzzing: hostile archives and cube files\n\n");
        md.Append(inv, $"`{Command}` — {Timestamp}, commit `{Commit}`, {Machine}; run seed {RunSeed}, hang limit {HangLimitSeconds:0} s per case, {WallSeconds / 60:0.0} min in all.\n\n");
        md.Append("Accepted outcomes: a decoded cube (ok) or an `HsiException` (rejected, by ErrorId). Anything else thrown is a finding; a worker that dies inside a case is a crash; a case over the limit is a hang.\n\n");
        md.Append("| target | seeds | cases | ok | rejected | findings | crashes | hangs | max case (ms) | mean case (ms) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var t in Targets)
            md.Append(inv, $"| {t.Target} | {t.Seeds} | {t.Cases} | {t.Ok} | {t.Rejected} | {t.Findings} | {t.Crashes} | {t.Hangs} | {t.MaxCaseMs:0} | {t.MeanCaseMs:0.0} |\n");
        md.Append("\n## Rejections by ErrorId\n\n");
        foreach (var t in Targets)
            md.Append(inv, $"* **{t.Target}**: {string.Join(", ", t.RejectedBy.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}"))}\n");
        md.Append("\n## Exceptions wrapped by the readers (ErrorId ← inner exception)\n\n");
        foreach (var t in Targets)
            md.Append(inv, $"* **{t.Target}**: {(t.WrappedExceptions.Count == 0 ? "none" : string.Join(", ", t.WrappedExceptions.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}")))}\n");
        md.Append("\n## Mutation modes (cases / decoded ok)\n\n");
        foreach (var t in Targets)
            md.Append(inv, $"* **{t.Target}**: {string.Join(", ", t.Modes.Select(k => $"{k.Key} {k.Value[0]}/{k.Value[1]}"))}\n");
        md.Append("\n## Slowest case per target\n\n");
        foreach (var t in Targets) md.Append(inv, $"* **{t.Target}**: {t.MaxCaseMs:0} ms, case {t.SlowestCase}\n");
        var open = Targets.SelectMany(t => t.FindingDetails).ToList();
        md.Append("\n## Open findings in this run\n\n").Append(open.Count == 0 ? "None.\n" : string.Join("\n", open.Select(f => "* " + f)) + "\n");
        if (notesPath is not null && File.Exists(notesPath)) md.Append('\n').Append(File.ReadAllText(notesPath));
        File.WriteAllText(Path.Combine(dir, "fuzz.md"), md.ToString());
    }
}
