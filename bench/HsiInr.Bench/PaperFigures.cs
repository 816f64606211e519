using HsiInr.Core.Codec.Container;

namespace HsiInr.Bench;

/// <summary>A published figure to show beside ours.</summary>
/// <param name="SceneKey">Matched case-insensitively inside a scene name ("jasper" matches jasperRidge2_R198).</param>
/// <param name="Method">The paper's label, e.g. "JPEG2000" or "HP ours (fp16)".</param>
public sealed record PaperFigure(string SceneKey, CodecId Codec, string Method, double Bpppb, double Psnr, string Source);

/// <summary>
/// The published figures (PSNR dB at bpppb) of Rezasoltani &amp; Qureshi and its follow-ups, as collected in the
/// project's anchors notes. The CRV 2023 Table II itself was not found; its figures come from the ICPRAM 2025
/// paper's Table 1 ("INR 2023" rows), checked against the CRV project page plots. The paper's Jasper Ridge has
/// 224 bands; the one benchmarked here has 198.
/// </summary>
public static class PaperFigures
{
    public const string Crv = "CRV 2023 Table II, via ICPRAM 2025 Table 1 (anchors §1a/1b)";
    public const string Tgrs = "TGRS 2024 Table III (anchors §2a)";

    public static readonly IReadOnlyList<PaperFigure> All =
    [
        new("jasper", CodecId.Jpeg, "JPEG", 0.1, 21.13, Crv),
        new("jasper", CodecId.Jpeg2000, "JPEG2000", 0.1, 17.49, Crv),
        new("jasper", CodecId.PcaDct, "PCA-DCT", 0.1, 26.82, Crv),
        new("jasper", CodecId.Inr, "INR ours (10, 20)", 0.1, 35.70, Crv),
        new("jasper", CodecId.Inr, "INR HP ours (fp16)", 0.06, 35.47, Crv),
        new("jasper", CodecId.PcaJpeg2000, "PCA-JPEG2000", 0.1, 44.26, Tgrs),

        new("indian", CodecId.Jpeg, "JPEG", 0.2, 34.085, Crv),
        new("indian", CodecId.Jpeg2000, "JPEG2000", 0.2, 36.098, Crv),
        new("indian", CodecId.PcaDct, "PCA-DCT", 0.2, 33.173, Crv),
        new("indian", CodecId.Inr, "INR ours (15, 40)", 0.2, 40.61, Crv),
        new("indian", CodecId.Inr, "INR HP ours (fp16)", 0.1, 40.35, Crv),
        new("indian", CodecId.PcaJpeg2000, "PCA-JPEG2000", 0.2, 39.5, Tgrs),

        new("pavia", CodecId.Jpeg, "JPEG", 0.1, 20.253, Crv),
        new("pavia", CodecId.Jpeg2000, "JPEG2000", 0.1, 17.752, Crv),
        new("pavia", CodecId.PcaDct, "PCA-DCT", 0.1, 25.436, Crv),
        new("pavia", CodecId.Inr, "INR ours (20, 60)", 0.1, 33.749, Crv),
        new("pavia", CodecId.PcaJpeg2000, "PCA-JPEG2000", 0.1, 33.0, Tgrs),

        new("cuprite", CodecId.Jpeg, "JPEG", 0.1, 24.274, Crv),
        new("cuprite", CodecId.Jpeg2000, "JPEG2000", 0.1, 20.889, Crv),
        new("cuprite", CodecId.PcaDct, "PCA-DCT", 0.1, 27.302, Crv),
        new("cuprite", CodecId.Inr, "INR ours (25, 100)", 0.1, 28.954, Crv),
        new("cuprite", CodecId.Inr, "INR HP ours (fp16)", 0.06, 24.334, Crv),
        new("cuprite", CodecId.PcaJpeg2000, "PCA-JPEG2000", 0.1, 40.90, Tgrs),
    ];

    public static IReadOnlyList<PaperFigure> For(string scene) =>
        scene.Contains("synthetic", StringComparison.OrdinalIgnoreCase) ? [] :
        All.Where(f => scene.Contains(f.SceneKey, StringComparison.OrdinalIgnoreCase)).ToList();
}
