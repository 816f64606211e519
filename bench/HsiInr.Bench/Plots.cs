using HsiInr.Core.Codec.Container;
using ScottPlot;

namespace HsiInr.Bench;

/// <summary>One rate–distortion PNG per scene (ScottPlot): PSNR against actual bpppb.</summary>
public static class Plots
{
    private static readonly Dictionary<CodecId, Color> CodecColors = new()
    {
        [CodecId.Inr] = new Color(31, 119, 180),
        [CodecId.Jpeg] = new Color(255, 127, 14),
        [CodecId.Jpeg2000] = new Color(44, 160, 44),
        [CodecId.PcaDct] = new Color(214, 39, 40),
        [CodecId.PcaJpeg2000] = new Color(148, 103, 189),
    };

    private static readonly MarkerShape[] PaperShapes = [MarkerShape.OpenDiamond, MarkerShape.OpenTriangleDown, MarkerShape.OpenCircle];
    private static readonly MarkerShape[] VariantShapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];

    /// <summary>Writes the plot; returns null, or why it could not (a missing font or native library must not stop the run).</summary>
    public static string? TryWrite(string path, string scene, string? shape, IReadOnlyList<BenchPoint> points)
    {
        try
        {
            Write(path, scene, shape, points);
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    public static void Write(string path, string scene, string? shape, IReadOnlyList<BenchPoint> points)
    {
        var plt = new Plot();
        var perCodec = new Dictionary<CodecId, int>();
        foreach (var label in Reports.VariantOrder(points))
        {
            var pts = points.Where(p => p.Label == label && p.Ok && p.Bpppb is not null && p.Psnr is not null && double.IsFinite(p.Psnr.Value))
                .OrderBy(p => p.Bpppb).ToList();
            if (pts.Count == 0) continue;
            var codec = Reports.CodecOf(label) ?? CodecId.Inr;
            int k = perCodec[codec] = perCodec.GetValueOrDefault(codec, -1) + 1;
            var sc = plt.Add.Scatter(pts.Select(p => p.Bpppb!.Value).ToArray(), pts.Select(p => p.Psnr!.Value).ToArray(), CodecColors.GetValueOrDefault(codec, Colors.Gray));
            sc.LegendText = label;
            sc.MarkerShape = VariantShapes[k % VariantShapes.Length];
            sc.MarkerSize = 8;
            sc.LineWidth = 2;
            if (k > 0) sc.LinePattern = LinePattern.Dashed;
        }
        double xMax = points.Where(p => p.Ok && p.Bpppb is not null).Select(p => p.Bpppb!.Value).DefaultIfEmpty(0).Max();
        var paperPerCodec = new Dictionary<CodecId, int>();
        foreach (var f in PaperFigures.For(scene))
        {
            int k = paperPerCodec[f.Codec] = paperPerCodec.GetValueOrDefault(f.Codec, -1) + 1;
            xMax = Math.Max(xMax, f.Bpppb);
            var m = plt.Add.Markers(new[] { f.Bpppb }, new[] { f.Psnr }, PaperShapes[k % PaperShapes.Length], 12, CodecColors.GetValueOrDefault(f.Codec, Colors.Black));
            m.MarkerLineWidth = 2;
            m.LegendText = $"paper: {f.Method}";
        }
        plt.Title(shape is null ? scene : $"{scene} ({shape})");
        plt.XLabel("actual bpppb (archive bits / (H·W·C))");
        plt.YLabel("PSNR (dB)");
        // Outside the data area, so that no point hides behind it.
        plt.ShowLegend(Edge.Right);
        plt.Axes.AutoScale();
        plt.Axes.SetLimitsX(0, xMax > 0 ? xMax * 1.1 : 1);
        plt.Font.Automatic();
        plt.SavePng(path, 1100, 650);
    }
}
