using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The (n_h, w_h) grid searched under a rate budget (docs/codec.md). For each depth the widest grid width whose
/// whole archive file fits the budget is a candidate: at a fixed depth a wider network spends the budget the
/// narrower one leaves unused, so the narrower ones are not worth a trial.
/// </summary>
public static class ArchitectureSearch
{
    public static readonly int[] Depths = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25];
    public static readonly int[] Widths = [8, 10, 12, 16, 20, 24, 28, 32, 40, 48, 56, 60, 64, 80, 96, 100, 128, 160, 192, 256, 320, 384, 512];

    /// <summary>Exact archive size in bytes of an INR archive with this header and network.</summary>
    public static long ArchiveBytes(ArchiveHeader header, int layers, int width, WeightPrecision precision) =>
        ArchiveFormat.ArchiveSize(header, InrPayload.PayloadBytes(layers, width, header.Bands, precision));

    public static double Bpppb(long archiveBytes, ArchiveHeader header) => archiveBytes * 8.0 / header.SampleCount;

    /// <summary>The candidates whose archive fits <paramref name="bpppb"/>, shallow to deep.</summary>
    public static IReadOnlyList<(int Layers, int Width)> Candidates(ArchiveHeader header, double bpppb, WeightPrecision precision)
    {
        long budgetBytes = header.BytesAt(bpppb);
        var list = new List<(int, int)>();
        foreach (int depth in Depths)
        {
            int best = 0;
            foreach (int w in Widths)
                if (ArchiveBytes(header, depth, w, precision) <= budgetBytes) best = w;
            if (best > 0) list.Add((depth, best));
        }
        return list;
    }
}
