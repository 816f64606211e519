using System.Text.Json;
using System.Text.Json.Serialization;

namespace HsiInr.Bench;

/// <summary>
/// One measured point of rd.json / paper.json. The property names (camelCase) are the file's schema; null fields are
/// left out (baselines have no INR fields, a good point has no <c>error</c>).
/// </summary>
public sealed class BenchPoint
{
    /// <summary>File name without extension (or the synthetic cube's name).</summary>
    public string Scene { get; set; } = "";
    /// <summary>Inr, Jpeg, Jpeg2000, PcaDct or PcaJpeg2000.</summary>
    public string Codec { get; set; } = "";
    /// <summary>Row of <see cref="Variants"/>, e.g. "search" or "paper-10x20".</summary>
    public string Variant { get; set; } = "";
    public double? TargetBpppb { get; set; }
    /// <summary>Actual rate: archive length in bits / (H·W·C).</summary>
    public double? Bpppb { get; set; }
    public double? Psnr { get; set; }
    public double? MeanBandPsnr { get; set; }
    public double? SamDegrees { get; set; }
    public double? EncodeSeconds { get; set; }
    public double? DecodeSeconds { get; set; }
    public int? Iterations { get; set; }
    public int? Layers { get; set; }
    public int? Width { get; set; }
    public string? Precision { get; set; }
    /// <summary>The paper's formula (5): weights only (INR).</summary>
    public double? PaperBpppb { get; set; }
    /// <summary>Encode seconds / iterations, for fixed-architecture INR points of the paper suite.</summary>
    public double? SecondsPerIteration { get; set; }
    /// <summary>Peak resident memory of the child process (VmHWM), MB.</summary>
    public double? PeakRssMb { get; set; }
    public string? Machine { get; set; }
    public string? Commit { get; set; }
    public string? Timestamp { get; set; }
    public string? Error { get; set; }

    [JsonIgnore] public string Label => $"{Codec}/{Variant}";
    [JsonIgnore] public PointKey Key => new(Scene, Codec, Variant, TargetBpppb);
    [JsonIgnore] public bool Ok => Error is null;
}

/// <summary>What makes two points "the same" for the rerun skip.</summary>
public readonly record struct PointKey(string Scene, string Codec, string Variant, double? TargetBpppb)
{
    public bool Matches(PointKey o) =>
        string.Equals(Scene, o.Scene, StringComparison.Ordinal) && Codec == o.Codec && Variant == o.Variant &&
        (TargetBpppb is null ? o.TargetBpppb is null : o.TargetBpppb is { } t && Math.Abs(t - TargetBpppb.Value) < 1e-9);

    public override string ToString() => $"{Scene} {Codec}/{Variant} @{(TargetBpppb is { } t ? t.ToString(Suites.RateFormat) : "-")}";
}

public static class BenchJson
{
    public static readonly JsonSerializerOptions File = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static readonly JsonSerializerOptions Line = new(File) { WriteIndented = false };
}
