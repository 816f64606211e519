namespace HsiInr.Bench;

/// <summary>What the parent asks one child process to measure (passed as <c>--point &lt;json&gt;</c>).</summary>
public sealed class PointSpec
{
    public string Suite { get; set; } = "rd";
    public string Scene { get; set; } = "";
    /// <summary>A cube file, or <c>synthetic:HxWxB</c> for <see cref="HsiInr.Core.Cube.SyntheticCube.Smooth"/>.</summary>
    public string Source { get; set; } = "";
    public string Codec { get; set; } = "";
    public string Variant { get; set; } = "";
    public double? TargetBpppb { get; set; }
    public int? Iterations { get; set; }
    public int? SearchIterations { get; set; }
    public double? MaxSeconds { get; set; }

    public const string SyntheticPrefix = "synthetic:";

    public override string ToString() => $"{Scene} {Codec}/{Variant} @{(TargetBpppb is { } t ? t.ToString(Suites.RateFormat) : "-")}";
}
