namespace HsiInr.Bench;

/// <summary>Which points a suite runs (pure: scene list and options in, point specs out).</summary>
public static class Suites
{
    /// <summary>Scenes swept over every rate by the rd suite (issue 5); every other scene runs at 0.1 only.</summary>
    public static readonly string[] SweepScenes = ["jasperRidge2_R198", "abu-beach-1", "sandiego", "hydice"];
    public static readonly double[] SweepRates = [0.0125, 0.025, 0.05, 0.1, 0.2, 0.4];
    public const double SingleRate = 0.1;
    /// <summary>How every report and log line prints a rate: four decimals, so 0.0125 is not shown as 0.013.</summary>
    public const string RateFormat = "0.####";
    public const string JasperRidge = "jasperRidge2_R198";
    /// <summary>Pavia University's size (the paper's 610×340×103), for the memory and time check.</summary>
    public static readonly Scene PaviaSizeSynthetic = new("synthetic-610x340x103", PointSpec.SyntheticPrefix + "610x340x103", Sweep: false);

    /// <summary>
    /// The scenes of a run: the data folder's MAT files (the ENVI copy of Jasper Ridge is skipped), then --scene
    /// files (swept over every rate; a name already there is replaced). Filtered by --only-scenes.
    /// </summary>
    /// <param name="strictOnly">False for one suite of --suite all: an --only-scenes name may belong to the other suite.</param>
    public static List<Scene> Discover(string suite, string? dataDir, IEnumerable<string> extraFiles, IReadOnlyCollection<string>? only, bool strictOnly = true)
    {
        var scenes = new List<Scene>();
        bool Wanted(string name) => only is null || only.Contains(name, StringComparer.OrdinalIgnoreCase);
        string[] required = suite == Variants.Paper ? [JasperRidge] : SweepScenes;
        if (dataDir is not null && (only is null || only.Any(n => !extraFiles.Any(f => NameOf(f).Equals(n, StringComparison.OrdinalIgnoreCase)))))
        {
            if (!Directory.Exists(dataDir))
                throw new BenchException($"The data folder '{dataDir}' does not exist. Pass --data DIR, or --scene PATH with --only-scenes.");
            foreach (var f in Directory.EnumerateFiles(dataDir, "*.mat").Order(StringComparer.Ordinal))
            {
                string name = NameOf(f);
                if (suite == Variants.Paper && name != JasperRidge) continue;
                scenes.Add(new Scene(name, Path.GetFullPath(f), SweepScenes.Contains(name)));
            }
            foreach (var name in required.Where(Wanted))
                if (!scenes.Any(s => s.Name == name))
                    throw new BenchException($"Scene '{name}' ({name}.mat) is missing from '{dataDir}'. Pass --data DIR, or leave it out with --only-scenes.");
        }
        if (suite == Variants.Paper) scenes.Add(PaviaSizeSynthetic);
        foreach (var f in extraFiles)
        {
            if (!File.Exists(f)) throw new BenchException($"--scene '{f}': no such file.");
            string name = NameOf(f);
            scenes.RemoveAll(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            scenes.Add(new Scene(name, Path.GetFullPath(f), Sweep: true));
        }
        if (only is not null)
        {
            foreach (var n in only.Where(n => strictOnly && !scenes.Any(s => s.Name.Equals(n, StringComparison.OrdinalIgnoreCase))))
                throw new BenchException($"--only-scenes: no scene '{n}' (have: {string.Join(", ", scenes.Select(s => s.Name))}).");
            scenes = scenes.Where(s => Wanted(s.Name)).ToList();
        }
        return scenes;
    }

    public static string NameOf(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>
    /// Points in order scene → variant → rate. Rates: a variant's own (fixed architectures), else the full sweep for
    /// swept scenes of the rd suite and 0.1 otherwise. --rates replaces the sweep and filters the rest.
    /// </summary>
    public static List<PointSpec> Plan(string suite, IReadOnlyList<Scene> scenes, BenchOptions o)
    {
        var points = new List<PointSpec>();
        foreach (var scene in scenes)
            foreach (var v in Variants.All.Where(v => v.Suites.Contains(suite) && Variants.Selected(v, o.Codecs) && (v.Scenes?.Invoke(scene) ?? true)))
            {
                IEnumerable<double> rates;
                if (v.Rates is not null) rates = o.Rates is null ? v.Rates : v.Rates.Where(r => o.Rates.Any(x => Same(x, r)));
                else if (suite == Variants.Rd && scene.Sweep) rates = o.Rates ?? [.. SweepRates];
                else rates = o.Rates is null || o.Rates.Any(x => Same(x, SingleRate)) ? [SingleRate] : [];
                foreach (var r in rates)
                    points.Add(new PointSpec
                    {
                        Suite = suite, Scene = scene.Name, Source = scene.Source, Codec = v.Codec.ToString(), Variant = v.Name,
                        TargetBpppb = r, Iterations = o.Iterations, SearchIterations = o.SearchIterations, MaxSeconds = o.MaxSeconds,
                    });
            }
        return points;
    }

    private static bool Same(double a, double b) => Math.Abs(a - b) < 1e-9;
}

/// <summary>A user error: printed without a stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);
