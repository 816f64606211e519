using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;

namespace HsiInr.Bench;

/// <summary>
/// A codec variant the benchmark can run: a codec, a name, the suites it belongs to, how to configure it, and
/// optionally which scenes and rates it is limited to.
/// </summary>
/// <param name="Inr">For the INR codec: the options of one point (apply the CLI overrides with <see cref="Variants.Apply"/>).
/// Null for a baseline, which runs through <see cref="CodecRunner"/> at the point's target rate.</param>
/// <param name="Scenes">Null: every scene of the suite.</param>
/// <param name="Rates">Null: the suite's rates for the scene. Fixed-architecture variants give their nominal rate.</param>
public sealed record Variant(
    CodecId Codec,
    string Name,
    string[] Suites,
    Func<PointSpec, InrOptions>? Inr = null,
    Func<Scene, bool>? Scenes = null,
    double[]? Rates = null)
{
    public string Label => $"{Codec}/{Name}";
}

/// <summary>
/// The table of variants. Adding one is one line here (for example an improved INR recipe:
/// <c>new(CodecId.Inr, "v2", [Rd], s => Apply(new InrOptions { Bpppb = s.TargetBpppb, ... }, s)),</c>).
/// </summary>
public static class Variants
{
    public const string Rd = "rd", Paper = "paper";
    /// <summary>Iterations of the paper-10x20-50k variants (five times the default).</summary>
    public const int LongIterations = 50_000;

    public static readonly IReadOnlyList<Variant> All =
    [
        // The default codec (compact recipe, no tuning flags) at every point.
        new(CodecId.Inr, "compact", [Rd], s => Apply(new InrOptions { Bpppb = s.TargetBpppb }, s), sc => !sc.IsSynthetic),
        // The paper's recipe: architecture search for the target rate of the whole file, then the long fit
        // (about 5 minutes a point here, so at 0.1 bpppb on Jasper Ridge, the paper's scene, only).
        new(CodecId.Inr, "search", [Rd, Paper], s => Apply(new InrOptions { Recipe = InrRecipe.Paper, Bpppb = s.TargetBpppb }, s), sc => sc.IsJasperRidge, [0.1]),
        // The paper's Jasper Ridge network (n_h 10, w_h 20) at its natural rate (the paper calls it 0.1 bpppb).
        new(CodecId.Inr, "paper-10x20", [Rd, Paper], s => Apply(new InrOptions { Recipe = InrRecipe.Paper, Layers = 10, Width = 20 }, s), sc => sc.IsJasperRidge, [0.1]),
        // The same network stored in fp16 (the paper's "HP ours", about half the rate).
        new(CodecId.Inr, "paper-10x20-half", [Paper], s => Apply(new InrOptions { Recipe = InrRecipe.Paper, Layers = 10, Width = 20, Precision = WeightPrecision.Half }, s), sc => sc.IsJasperRidge, [0.1]),
        // The same two trained until the curve flattens (it still rises at 10 000: +0.25 dB at 15 000, +0.56 at 30 000).
        new(CodecId.Inr, "paper-10x20-50k", [Paper], s => Apply(new InrOptions { Recipe = InrRecipe.Paper, Layers = 10, Width = 20 }, s) with { Iterations = s.Iterations ?? LongIterations }, sc => sc.IsJasperRidge, [0.1]),
        new(CodecId.Inr, "paper-10x20-50k-half", [Paper], s => Apply(new InrOptions { Recipe = InrRecipe.Paper, Layers = 10, Width = 20, Precision = WeightPrecision.Half }, s) with { Iterations = s.Iterations ?? LongIterations }, sc => sc.IsJasperRidge, [0.1]),
        // The paper's Pavia University network on a synthetic cube of its size: a timing and memory check (20 iterations at most).
        new(CodecId.Inr, "pavia-20x60", [Paper], s => Apply(new InrOptions { Recipe = InrRecipe.Paper, Layers = 20, Width = 60 }, s) with { Iterations = Math.Min(s.Iterations ?? 20, 20) }, sc => sc.IsSynthetic, [0.1]),
        new(CodecId.Jpeg, "default", [Rd]),
        new(CodecId.Jpeg2000, "default", [Rd]),
        new(CodecId.PcaDct, "default", [Rd]),
        new(CodecId.PcaJpeg2000, "default", [Rd]),
    ];

    /// <summary>The command line's --iterations, --search-iterations and --max-seconds, where given.</summary>
    public static InrOptions Apply(InrOptions o, PointSpec s) => o with
    {
        Iterations = s.Iterations ?? o.Iterations,
        SearchIterations = s.SearchIterations ?? o.SearchIterations,
        MaxSeconds = s.MaxSeconds ?? o.MaxSeconds,
    };

    public static Variant Find(string codec, string name) =>
        All.FirstOrDefault(v => v.Codec.ToString() == codec && v.Name == name)
        ?? throw new ArgumentException($"No variant {codec}/{name} in Variants.All.");

    /// <summary>True when <paramref name="v"/> is selected by a --codecs list (codec names or full labels, any case).</summary>
    public static bool Selected(Variant v, IReadOnlyCollection<string>? codecs) =>
        codecs is null || codecs.Count == 0 ||
        codecs.Any(c => c.Equals(v.Codec.ToString(), StringComparison.OrdinalIgnoreCase) || c.Equals(v.Label, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A scene of a run: a cube file, or a synthetic cube.</summary>
/// <param name="Sweep">True: the suite's full rate list; false: 0.1 bpppb only.</param>
public sealed record Scene(string Name, string Source, bool Sweep)
{
    public bool IsSynthetic => Source.StartsWith(PointSpec.SyntheticPrefix, StringComparison.Ordinal);
    public bool IsJasperRidge => Name.StartsWith("jasperRidge", StringComparison.OrdinalIgnoreCase);
}
