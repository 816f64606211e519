using System.Globalization;

namespace HsiInr.Bench;

/// <summary>The command line of the parent process.</summary>
public sealed class BenchOptions
{
    public string Suite { get; set; } = "rd";
    public List<string> Scenes { get; } = [];
    public List<string>? OnlyScenes { get; set; }
    public List<string>? Codecs { get; set; }
    public List<double>? Rates { get; set; }
    public int? Iterations { get; set; }
    public int? SearchIterations { get; set; }
    /// <summary>Batch suite: fits per mode.</summary>
    public int? Cubes { get; set; }
    public double? MaxSeconds { get; set; }
    public string? ResultsDir { get; set; }
    public string? DataDir { get; set; }
    /// <summary>Only rewrite the reports from the JSON files already there.</summary>
    public bool ReportOnly { get; set; }
    public bool Help { get; set; }
    /// <summary>Large suite: cube sizes (H×W×B) instead of the two defaults.</summary>
    public List<(int H, int W, int B)>? Sizes { get; set; }

    public const string Usage = """
        HsiInr.Bench — rate-distortion and paper benchmarks (see bench/README.md)

          dotnet HsiInr.Bench.dll [--suite rd|paper|all|batch|large|coding] [--scene PATH ...] [--only-scenes a,b]
                                  [--codecs Inr,Jpeg,...] [--rates 0.05,0.1] [--iterations N]
                                  [--search-iterations N] [--max-seconds S] [--results DIR] [--data DIR]
                                  [--report-only] [--sizes 614x512x224,...]

          --suite              rd (default): every codec on the data sets; paper: the paper's INR checks; all: both;
                               batch: throughput of 1 job against 2 parallel jobs (--scene, --cubes N, --iterations N)
                               large: tiled compression of big synthetic cubes, peak memory and time (not in all)
                               coding: the compact INR's weight codes, range coder against zstd and Brotli
                               (the swept scenes, or --only-scenes; --rates, default 0.1; not in all)
          --scene PATH         add a cube file (MAT or ENVI); repeatable; swept over every rate
          --only-scenes a,b    run only these scenes (file names without extension)
          --codecs a,b         codecs (Inr, Jpeg, Jpeg2000, PcaDct, PcaJpeg2000) or variants (Inr/search)
          --rates a,b          target bpppb list (default 0.0125,0.025,0.05,0.1,0.2,0.4; other scenes 0.1)
          --iterations N       INR iterations (default 10000; the Pavia-size timing point runs at most 20)
          --search-iterations N  INR iterations per search candidate (default 300)
          --max-seconds S      time budget of each INR encode
          --results DIR        output folder (default bench/results)
          --data DIR           scene folder (default ../shared/datasets beside the repository)
          --report-only        rewrite the .md and .png files from the JSON already there
          --sizes a,b          large suite: cube sizes HxWxB (default 614x512x224,2048x2048x224); its INR
                               rows use --iterations per tile (default 200) and the first --rates value (0.1)
        A rerun skips the points already in the results JSON without an error.
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            List<string> List() => Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            switch (a)
            {
                case "--suite":
                    o.Suite = Value().ToLowerInvariant();
                    if (o.Suite is not ("rd" or "paper" or "all" or "batch" or "large" or CodingSuite.Name)) throw new ArgumentException("--suite must be rd, paper, all, batch, large or coding.");
                    break;
                case "--scene": o.Scenes.Add(Value()); break;
                case "--only-scenes": o.OnlyScenes = List(); break;
                case "--codecs": o.Codecs = List(); break;
                case "--rates": o.Rates = List().Select(ParseRate).ToList(); break;
                case "--iterations": o.Iterations = PositiveInt(a, Value()); break;
                case "--cubes": o.Cubes = PositiveInt(a, Value()); break;
                case "--search-iterations": o.SearchIterations = PositiveInt(a, Value()); break;
                case "--max-seconds":
                    o.MaxSeconds = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s
                        : throw new ArgumentException("--max-seconds must be a positive number.");
                    break;
                case "--results": o.ResultsDir = Value(); break;
                case "--data": o.DataDir = Value(); break;
                case "--report-only": o.ReportOnly = true; break;
                case "--sizes": o.Sizes = List().Select(ParseSize).ToList(); break;
                case "-h" or "--help" or "-?": o.Help = true; break;
                default: throw new ArgumentException($"Unknown argument '{a}'. Use --help.");
            }
        }
        if (o.Codecs is { } codecs)
            foreach (var c in codecs.Where(c => !Variants.All.Any(v => Variants.Selected(v, [c]))))
                throw new ArgumentException($"--codecs: no codec or variant '{c}' (known: {string.Join(", ", Variants.All.Select(v => v.Label))}).");
        return o;
    }

    private static (int, int, int) ParseSize(string s)
    {
        var parts = s.Split('x');
        return parts.Length == 3 && parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0)
            ? (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture))
            : throw new ArgumentException($"--sizes: '{s}' is not HxWxB, e.g. 614x512x224.");
    }

    private static double ParseRate(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && r <= 64 ? r
            : throw new ArgumentException($"--rates: '{s}' is not a bpppb in (0, 64].");

    private static int PositiveInt(string name, string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new ArgumentException($"{name} must be a positive integer.");
}
