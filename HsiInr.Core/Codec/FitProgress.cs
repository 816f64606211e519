namespace HsiInr.Core.Codec;

/// <summary>A snapshot of an encode in progress, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Stage">What is running, e.g. "search 3/9: 10×20" or "fit 10×20".</param>
/// <param name="PercentComplete">Of the whole encode, 0–100.</param>
/// <param name="Remaining">Estimated time left for the whole encode, when known.</param>
public sealed record FitProgress(
    string Stage,
    int Iteration,
    int TotalIterations,
    double CurrentPsnr,
    double BestPsnr,
    TimeSpan Elapsed,
    TimeSpan? Remaining,
    int PercentComplete)
{
    /// <summary>Tiled encodes: the tile being fitted, 1-based (0 when the cube is not tiled).</summary>
    public int Tile { get; init; }
    /// <summary>Tiled encodes: how many tiles there are (0 when the cube is not tiled).</summary>
    public int TileCount { get; init; }
}
