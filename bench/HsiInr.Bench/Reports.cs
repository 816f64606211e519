using System.Globalization;
using System.Text;
using HsiInr.Core.Codec.Container;

namespace HsiInr.Bench;

/// <summary>The markdown reports (pure: points in, text out).</summary>
public static class Reports
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static string F(double? v, string fmt) => v is { } x ? x.ToString(fmt, Inv) : "–";

    /// <summary>Variants in table order: the order of <see cref="Variants.All"/>, then any others by name.</summary>
    public static List<string> VariantOrder(IEnumerable<BenchPoint> points)
    {
        var labels = points.Select(p => p.Label).Distinct().ToList();
        var known = Variants.All.Select(v => v.Label).ToList();
        return labels.OrderBy(l => known.IndexOf(l) is var i && i >= 0 ? i : int.MaxValue).ThenBy(l => l, StringComparer.Ordinal).ToList();
    }

    /// <summary>Variants with a fixed architecture (their own rate): shown, but not counted for the row's winner.</summary>
    private static bool RateControlled(string label) => Variants.All.FirstOrDefault(v => v.Label == label)?.Rates is null;

    /// <summary>bench/results/rd.md: one table per scene.</summary>
    public static string RdMarkdown(IReadOnlyList<BenchPoint> points, IReadOnlyDictionary<string, string>? shapes, string reproduce)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Rate–distortion benchmark");
        sb.AppendLine();
        sb.AppendLine("PSNR (dB; R = the reference's value range, MSE over all samples) and actual bpppb (every bit of the archive file / (H·W·C)) per target rate. " +
                      "The best PSNR of each row is in **bold**; *margin* is its lead over the runner-up. Fixed-architecture variants (e.g. `Inr/paper-10x20`) " +
                      "sit at their own rate and are not counted for the winner. *paper* rows are published figures, not our runs.");
        sb.AppendLine();
        var machines = points.Select(p => p.Machine).Where(m => m is not null).Distinct().ToList();
        var commits = points.Select(p => p.Commit).Where(m => m is not null).Distinct().ToList();
        if (machines.Count > 0) sb.AppendLine($"Machine: {string.Join("; ", machines)}. Commit(s): {string.Join(", ", commits)}.");
        sb.AppendLine();
        sb.AppendLine($"How to reproduce: `{reproduce}` (a rerun skips the points already in rd.json; delete it to start over).");
        sb.AppendLine();

        foreach (var scene in points.Select(p => p.Scene).Distinct())
        {
            var sp = points.Where(p => p.Scene == scene).ToList();
            string shape = shapes is not null && shapes.TryGetValue(scene, out var s) ? $" ({s})" : "";
            sb.AppendLine($"## {scene}{shape}");
            sb.AppendLine();
            sb.Append(SceneTable(sp));
            var figures = PaperFigures.For(scene);
            if (figures.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Published figures (paper rows above; the paper's Jasper Ridge has 224 bands, ours 198):");
                foreach (var f in figures) sb.AppendLine($"- {f.Method}: {f.Psnr.ToString("0.00", Inv)} dB at {f.Bpppb.ToString(Suites.RateFormat, Inv)} bpppb — {f.Source}");
            }
            var failed = sp.Where(p => !p.Ok).ToList();
            if (failed.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Failed points:");
                foreach (var p in failed) sb.AppendLine($"- {p.Label} @ {F(p.TargetBpppb, Suites.RateFormat)}: {p.Error}");
            }
            double wall = sp.Sum(p => (p.EncodeSeconds ?? 0) + (p.DecodeSeconds ?? 0));
            sb.AppendLine();
            sb.AppendLine($"Time: {wall.ToString("0", Inv)} s of encode + decode over {sp.Count(p => p.Ok)} points ({TimeSpan.FromSeconds(wall):hh\\:mm\\:ss}).");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>One scene's table: rows = target rate, two columns (PSNR, bpppb) per variant, then the winner.</summary>
    public static string SceneTable(IReadOnlyList<BenchPoint> sp)
    {
        var sb = new StringBuilder();
        var order = VariantOrder(sp);
        sb.Append("| target bpppb |");
        foreach (var l in order) sb.Append($" {l} PSNR | {l} bpppb |");
        sb.AppendLine(" best (margin) |");
        sb.Append("|---:|");
        foreach (var _ in order) sb.Append("---:|---:|");
        sb.AppendLine("---|");

        foreach (var rate in sp.Select(p => p.TargetBpppb).Distinct().OrderBy(r => r ?? double.MaxValue))
        {
            var row = sp.Where(p => p.TargetBpppb == rate).ToList();
            // Only points whose file met the target compete (fixed architectures and codecs at their rate floor do not).
            var ranked = row.Where(p => p.Ok && p.Psnr is not null && RateControlled(p.Label) && p.Bpppb <= p.TargetBpppb + 1e-12)
                .OrderByDescending(p => p.Psnr).ToList();
            var best = ranked.FirstOrDefault();
            sb.Append($"| {F(rate, Suites.RateFormat)} |");
            foreach (var l in order)
            {
                var p = row.FirstOrDefault(x => x.Label == l);
                string psnr = p is null ? "" : !p.Ok ? "error" : F(p.Psnr, "0.00");
                if (p is not null && ReferenceEquals(p, best)) psnr = $"**{psnr}**";
                sb.Append($" {psnr} | {(p is { Ok: true } ? F(p.Bpppb, "0.0000") : "")} |");
            }
            string winner = best is null ? "–"
                : ranked.Count > 1 ? $"{best.Label} (+{(best.Psnr!.Value - ranked[1].Psnr!.Value).ToString("0.00", Inv)} dB)"
                : $"{best.Label} (alone)";
            sb.AppendLine($" {winner} |");
        }

        // Paper rows: the published PSNR in the first column of the same codec, at the paper's rate.
        var figures = PaperFigures.For(sp[0].Scene);
        foreach (var group in figures.GroupBy(f => f.Bpppb).OrderBy(g => g.Key))
            foreach (var layer in Layers(group.ToList()))
            {
                sb.Append($"| paper @{group.Key.ToString(Suites.RateFormat, Inv)} |");
                foreach (var l in order)
                {
                    var codec = l.Split('/')[0];
                    bool first = order.First(x => x.Split('/')[0] == codec) == l;
                    var f = first ? layer.FirstOrDefault(x => x.Codec.ToString() == codec) : null;
                    sb.Append(f is null ? " | |" : $" {f.Psnr.ToString("0.00", Inv)} ({f.Method}) | {f.Bpppb.ToString(Suites.RateFormat, Inv)} |");
                }
                sb.AppendLine(" paper |");
            }
        return sb.ToString();
    }

    /// <summary>Splits figures so that each row has at most one per codec.</summary>
    private static IEnumerable<List<PaperFigure>> Layers(List<PaperFigure> figures)
    {
        while (figures.Count > 0)
        {
            var layer = figures.GroupBy(f => f.Codec).Select(g => g.First()).ToList();
            yield return layer;
            figures = figures.Except(layer).ToList();
        }
    }

    /// <summary>bench/results/paper.md: the issue 4 acceptance table.</summary>
    public static string PaperMarkdown(IReadOnlyList<BenchPoint> points, string reproduce)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Paper checks (issue 4)");
        sb.AppendLine();
        sb.AppendLine("Our INR codec against the published figures of Rezasoltani & Qureshi (CRV 2023). *bpppb* is the whole archive file; " +
                      "*paper bpppb* is the paper's formula (5), weights only. The paper's Jasper Ridge has 224 bands, ours 198; " +
                      "the Pavia-size run is a synthetic cube (no real scene here), so only its time and memory compare.");
        sb.AppendLine();
        var machines = points.Select(p => p.Machine).Where(m => m is not null).Distinct().ToList();
        if (machines.Count > 0) sb.AppendLine($"Machine: {string.Join("; ", machines)}. Commit(s): {string.Join(", ", points.Select(p => p.Commit).Where(c => c is not null).Distinct())}.");
        sb.AppendLine();
        sb.AppendLine($"How to reproduce: `{reproduce}`.");
        sb.AppendLine();
        sb.AppendLine("| scene | variant | arch | precision | PSNR | MeanBandPsnr | bpppb | paper bpppb | iterations | encode s | decode s | s/iter | peak MB | paper | check |");
        sb.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var p in points)
        {
            if (!p.Ok)
            {
                sb.AppendLine($"| {p.Scene} | {p.Label} | | | error | | | | | | | | | {PaperNote(p)} | {p.Error} |");
                continue;
            }
            sb.AppendLine($"| {p.Scene} | {p.Label} | {p.Layers}×{p.Width} | {p.Precision} | {F(p.Psnr, "0.00")} | {F(p.MeanBandPsnr, "0.00")} | " +
                          $"{F(p.Bpppb, "0.0000")} | {F(p.PaperBpppb, "0.0000")} | {p.Iterations} | {F(p.EncodeSeconds, "0.0")} | {F(p.DecodeSeconds, "0.000")} | " +
                          $"{F(p.SecondsPerIteration, "0.000")} | {F(p.PeakRssMb, "0")} | {PaperNote(p)} | {Check(p, points)} |");
        }
        sb.AppendLine();
        sb.AppendLine($"Sources: {PaperFigures.Crv}; {PaperFigures.Tgrs}; TGRS 2024 Table II for times (RTX 2080).");
        return sb.ToString();
    }

    private static string PaperNote(BenchPoint p) => p.Variant switch
    {
        "paper-10x20" or "paper-10x20-50k" => "35.70 dB at 0.1 (ours, 10×20)",
        "paper-10x20-half" or "paper-10x20-50k-half" => "35.47 dB at 0.06 (HP ours)",
        "search" when p.Scene.Contains("jasper", StringComparison.OrdinalIgnoreCase) => "35.70 dB at 0.1 (10×20); TGRS ours-32bit 32.54 (5×20)",
        "pavia-20x60" => "Pavia U: 33.75 dB at 0.1 (20×60); TGRS encode 780 s on an RTX 2080",
        _ => "",
    };

    /// <summary>Issue 4's acceptance criteria, where they apply.</summary>
    private static string Check(BenchPoint p, IReadOnlyList<BenchPoint> all)
    {
        switch (p.Variant)
        {
            case "paper-10x20" or "paper-10x20-50k" when p.Precision == "Single":
                return p.Psnr >= 35.0 ? "✓ ≥ 35.0 dB" : "✗ < 35.0 dB";
            case "paper-10x20-half" or "paper-10x20-50k-half":
                // Compared with the Single run of the same length.
                string singleVariant = p.Variant[..^"-half".Length];
                var single = all.FirstOrDefault(x => x.Scene == p.Scene && x.Variant == singleVariant && x.Ok);
                if (single?.Psnr is not { } s || p.Psnr is not { } h) return "";
                return Math.Abs(s - h) <= 0.2 ? $"✓ within 0.2 dB of Single ({(h - s).ToString("+0.00;-0.00", Inv)})" : $"✗ {(h - s).ToString("+0.00;-0.00", Inv)} dB from Single";
            case "search":
                return p.Bpppb <= p.TargetBpppb + 1e-12 ? "✓ file ≤ target" : "✗ file > target";
            case "pavia-20x60":
                return p.PeakRssMb < 3 * 1024 ? "✓ peak < 3 GB" : "✗ peak ≥ 3 GB";
            default:
                return "";
        }
    }

    /// <summary>The command line that reproduces a run (for the reports).</summary>
    public static string Reproduce(string suite) =>
        $"dotnet pwsh ./build.ps1 -Task Bench -BenchArgs '--suite {suite}'";

    internal static CodecId? CodecOf(string label) => Enum.TryParse<CodecId>(label.Split('/')[0], out var c) ? c : null;
}
