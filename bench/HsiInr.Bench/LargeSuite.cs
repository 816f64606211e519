using System.Globalization;
using System.Text;
using System.Text.Json;
using HsiInr.Core.Codec.Container;

namespace HsiInr.Bench;

/// <summary>
/// The large-scene suite (issue 7): synthetic cubes of the full Cuprite scene's size and of 2048 × 2048 × 224 are
/// written as ENVI int16 files under bench/work/, then each step runs in a child process of its own, so its peak
/// RSS (VmHWM) is that step's alone: Import → Compress (tiled automatically) → archive, Expand (whole), Expand
/// -Region. Results go to bench/results/large.json and large.md; the generated files are deleted afterwards.
/// </summary>
public static class LargeSuite
{
    public const string Name = "large";
    public static readonly (int H, int W, int B)[] DefaultSizes = [(614, 512, 224), (2048, 2048, 224)];
    public static readonly string[] DefaultCodecs = ["Inr", "PcaJpeg2000"];
    /// <summary>INR iterations per tile: the default 6000 would take about an hour per 64 tiles on two cores.</summary>
    public const int DefaultIterations = 200;
    /// <summary>
    /// The children's malloc settings: hugetlb as for every point, plus a fixed 1 MiB mmap threshold. glibc otherwise
    /// raises the threshold (up to 32 MiB) after a large block is freed, so later blocks of a tile's fit come from its
    /// arenas and are kept there: the same single-tile fit peaked anywhere from 0.9 to 2.1 GB in repeated runs, and at
    /// 0.65 GB with the fixed threshold. Recommended for large scenes in docs/codec.md.
    /// </summary>
    public const string GlibcTunables = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=1048576";

    public static int Run(BenchOptions o, string repo, string results, string machine, string commit)
    {
        var sizes = o.Sizes ?? [.. DefaultSizes];
        var codecs = (o.Codecs ?? [.. DefaultCodecs]).Select(c => Enum.Parse<CodecId>(c, ignoreCase: true).ToString()).ToList();
        int iterations = o.Iterations ?? DefaultIterations;
        double rate = o.Rates is { Count: > 0 } r ? r[0] : 0.1;
        string work = Path.Combine(repo, "bench", "work", Name);
        Directory.CreateDirectory(work);
        string jsonPath = Path.Combine(results, Name + ".json");
        var rows = File.Exists(jsonPath) ? JsonSerializer.Deserialize<List<LargeRow>>(File.ReadAllText(jsonPath), BenchJson.File) ?? [] : [];
        int failures = 0;

        void Record(LargeRow row)
        {
            row.Machine = machine; row.Commit = commit;
            row.Timestamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            rows.RemoveAll(x => x.Scene == row.Scene && x.Step == row.Step && x.Codec == row.Codec);
            rows.Add(row);
            ResultStore.WriteAtomic(jsonPath, JsonSerializer.Serialize(rows, BenchJson.File) + "\n");
            ResultStore.WriteAtomic(Path.Combine(results, Name + ".md"), Markdown(rows));
            if (row.Error is not null) failures++;
            Console.WriteLine(row.Error is null
                ? $"   {row.Scene} {row.Step} {row.Codec}: {row.Seconds:0.0} s, peak {row.PeakRssMb:0} MiB{(row.RssOverCube is { } q ? $" ({q:0.00}× the cube)" : "")}{(row.Psnr is { } p ? $", {p:0.00} dB" : "")}"
                : $"   {row.Scene} {row.Step} {row.Codec}: ERROR {row.Error}");
        }

        LargeRow Step(LargeStep s)
        {
            var (line, exit, tail, startError) = PointRunner.RunChild("--large-step", JsonSerializer.Serialize(s, BenchJson.Line), LargeWorker.Marker, GlibcTunables);
            var row = line is not null ? JsonSerializer.Deserialize<LargeRow>(line, BenchJson.Line) : null;
            return row ?? new LargeRow { Scene = s.Scene, Step = s.Step, Codec = s.Codec, Error = startError ?? $"child exited with code {exit} without a result: {tail}" };
        }

        bool Done(string scene, string step, string codec) => rows.Any(x => x.Scene == scene && x.Step == step && x.Codec == codec && x.Error is null);

        if (!Done("-", "runtime", "-")) Record(Step(new LargeStep { Step = "runtime", Scene = "-", Codec = "-" }));
        foreach (var (h, w, b) in sizes)
        {
            string scene = $"synthetic-{h}x{w}x{b}";
            var todo = codecs.Where(c => !new[] { "compress", "expand", "region" }.All(s => Done(scene, s, c))).ToList();
            if (todo.Count == 0) { Console.WriteLine($"== {scene}: already in {Path.GetFileName(jsonPath)}"); continue; }
            string cubePath = Path.Combine(work, scene + ".img");
            Console.WriteLine($"== {scene}: generating the ENVI int16 cube in {work}");
            var gen = Step(new LargeStep { Step = "generate", Scene = scene, Codec = "-", Height = h, Width = w, Bands = b, CubePath = cubePath });
            Record(gen);
            try
            {
                if (gen.Error is not null) continue;
                // A window of up to 512 × 512 pixels in the middle: it meets several tiles of a 256-pixel grid.
                int rw = Math.Min(512, w), rh = Math.Min(512, h);
                int[] region = [(w - rw) / 2, (h - rh) / 2, rw, rh];
                foreach (var codec in todo)
                {
                    var s = new LargeStep
                    {
                        Scene = scene, Codec = codec, Height = h, Width = w, Bands = b, CubePath = cubePath,
                        ArchivePath = Path.Combine(work, $"{scene}-{codec}.hsiinr"), Bpppb = rate,
                        Iterations = codec == "Inr" ? iterations : null,
                    };
                    Console.WriteLine($"== {scene} {codec}: import + compress");
                    s.Step = "compress";
                    var c = Step(s);
                    Record(c);
                    if (c.Error is not null) continue;
                    Console.WriteLine($"== {scene} {codec}: expand");
                    s.Step = "expand";
                    Record(Step(s));
                    Console.WriteLine($"== {scene} {codec}: expand -Region {string.Join(',', region)}");
                    s.Step = "region";
                    s.Region = region;
                    Record(Step(s));
                }
            }
            finally
            {
                // The cubes are gigabytes: never leave them behind.
                foreach (var f in Directory.EnumerateFiles(work, scene + "*")) File.Delete(f);
            }
        }
        ResultStore.WriteAtomic(Path.Combine(results, Name + ".md"), Markdown(rows));
        Console.WriteLine($"== wrote {jsonPath} and {Path.ChangeExtension(jsonPath, ".md")}");
        return failures;
    }

    public static string Markdown(IReadOnlyList<LargeRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Large scenes: tiled compression, peak memory and time");
        sb.AppendLine();
        sb.AppendLine("Synthetic, smooth, spectrally correlated cubes (`SyntheticCube.Smooth`, int16 values) of the full Cuprite scene's");
        sb.AppendLine("size (614 × 512 × 224) and of 2048 × 2048 × 224, written as ENVI int16 (BIP) files. Each step ran in a child");
        sb.AppendLine("process of its own, so **peak RSS is that step's alone** (VmHWM from /proc/self/status, MiB): *compress* is");
        sb.AppendLine("Import-HsiCube's reader (`CubeFile.Read`) then `CubeCompressor.Compress` (what Compress-HsiCube runs) with");
        sb.AppendLine("automatic tiling and the archive written (the compact INR: tiles of at most 100 × 100 when the rate buys each a");
        sb.AppendLine("trunk 40 wide, docs/codec.md; otherwise tiles of at most 256 × 256 above 2^26 samples; the *tiles* column and");
        sb.AppendLine("each row's commit, below, say which applied); *expand* decodes the");
        sb.AppendLine("whole archive (`ArchiveDecoder.DecodeFile`, as Expand-HsiCube); *region* decodes a window of up to 512 × 512");
        sb.AppendLine("pixels in the middle (Expand-HsiCube -Region). The peak of expand/region is read before the reference is");
        sb.AppendLine("loaded to measure PSNR. *Cube* is the cube's float32 size in MiB and *RSS/cube* the ratio of the two.");
        sb.AppendLine("*seconds*: compress = the encode after the import (import seconds in the next column), expand/region = decode.");
        sb.AppendLine($"The children ran with `GLIBC_TUNABLES={GlibcTunables}` (see docs/codec.md, large scenes).");
        sb.AppendLine($"INR rows fit each tile for a **reduced** iteration count (the *it/tile* column; the default is 6000) to keep");
        sb.AppendLine("the run within about an hour on two shared cores: their PSNR is below what the default gives, their time per tile");
        sb.AppendLine("grows with the iterations, their memory does not. Seconds are wall time on a machine shared with other jobs.");
        sb.AppendLine();
        if (rows.FirstOrDefault(r => r.Step == "runtime" && r.Error is null) is { } rt)
        {
            sb.AppendLine($"A child that only loads libtorch and runs one tensor operation peaks at **{rt.PeakRssMb:0} MiB**: the fixed part of");
            sb.AppendLine("every row below, which is why the ratio of the smaller cube is higher.");
            sb.AppendLine();
        }
        sb.AppendLine("| scene | step | codec | tiles | it/tile | bpppb | PSNR (dB) | seconds | import s | peak RSS (MiB) | import peak (MiB) | cube (MiB) | RSS/cube |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        string F(double? v, string fmt) => v is { } x ? x.ToString(fmt, CultureInfo.InvariantCulture) : "";
        foreach (var r in rows.Where(r => r.Step != "runtime").OrderBy(r => r.CubeMb).ThenBy(r => r.Codec == "-" ? 0 : 1).ThenBy(r => r.Codec)
                     .ThenBy(r => Array.IndexOf(new[] { "generate", "compress", "expand", "region" }, r.Step)))
        {
            if (r.Error is not null) { sb.AppendLine($"| {r.Scene} | {r.Step} | {r.Codec} | error: {r.Error.Replace('|', '/')} |||||||||"); continue; }
            sb.AppendLine($"| {r.Shape} | {r.Step}{(r.Region is not null ? " " + r.Region.Replace(" (width×height)", "") : "")} | {r.Codec} | {r.Tiles} | {r.Iterations} | {F(r.Bpppb, "0.0000")} | {F(r.Psnr, "0.00")} | {F(r.Seconds, "0.0")} | {F(r.ImportSeconds, "0.0")} | {F(r.PeakRssMb, "0")} | {F(r.ImportPeakRssMb, "0")} | {r.CubeMb:0} | {F(r.RssOverCube, "0.00")} |");
        }
        sb.AppendLine();
        if (rows.FirstOrDefault(r => r.Machine is not null) is { } m)
            sb.AppendLine($"Machine: {m.Machine}; " + string.Join(", ", rows.Where(r => r.Commit is not null && r.Scene != "-").GroupBy(r => r.Commit)
                .Select(g => $"commit {g.Key} ({string.Join(", ", g.Select(r => r.Shape).Distinct())})")) + ".");
        sb.AppendLine();
        sb.AppendLine("Reproduce (both codecs on both sizes: about an hour on two cores; about 8 GB of memory, for the 2048 × 2048 cube");
        sb.AppendLine("and its reference during the PSNR check, and 2 GB of disk under bench/work/; `--sizes` and `--codecs` run a part):");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine($"dotnet pwsh ./build.ps1 -Task Bench -BenchArgs '--suite {Name}'");
        sb.AppendLine("```");
        return sb.ToString();
    }
}
