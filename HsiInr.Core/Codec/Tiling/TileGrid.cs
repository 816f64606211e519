namespace HsiInr.Core.Codec.Tiling;

/// <summary>
/// Where a cube is cut into tiles. Each axis is split into the fewest parts of at most the tile size, of nearly
/// equal length (they differ by at most one pixel), so there are no thin edge slivers that a codec would fit badly.
/// </summary>
public static class TileGrid
{
    /// <summary>Side of the tiles chosen automatically: 256 × 256 × 224 bands is 56 MiB of float32, so a tile's
    /// fit (its target tensor, gradients, evaluation) stays small next to the cube.</summary>
    public const int DefaultTileSize = 256;
    /// <summary>Cubes with more samples than this (256 MiB as float32) are tiled unless told otherwise: an untiled
    /// INR fit holds the cube, a normalised float copy as its target and a decoded copy for the PSNR, over 3× the
    /// cube, while a tiled one holds the cube plus one tile. Smaller cubes (every bundled sample and test cube, and
    /// the scenes of the rd benchmark) are coded as one piece, as before.</summary>
    public const long AutoTileSamples = 1L << 26;
    /// <summary>The smallest tile side accepted: a JPEG block, and enough pixels for a network to fit.</summary>
    public const int MinTileSize = 8;

    /// <summary>
    /// The tiles for an image, in the container's order (strips top to bottom, tiles left to right), or null when
    /// it is coded as one piece. <paramref name="tileSize"/>: null picks automatically (tiles of
    /// <see cref="DefaultTileSize"/> above <see cref="AutoTileSamples"/> samples), 0 never tiles, otherwise the
    /// largest tile side; a cube that fits one tile is not tiled.
    /// </summary>
    public static IReadOnlyList<PixelRegion>? Plan(int height, int width, int bands, int? tileSize)
    {
        int size;
        if (tileSize is null)
        {
            if ((long)height * width * bands <= AutoTileSamples) return null;
            size = DefaultTileSize;
        }
        else if (tileSize == 0) return null;
        else size = CheckTileSize(tileSize.Value);
        var rows = Split(height, size);
        var cols = Split(width, size);
        if (rows.Count == 1 && cols.Count == 1) return null;
        var tiles = new List<PixelRegion>(rows.Count * cols.Count);
        foreach (var (y, h) in rows)
            foreach (var (x, w) in cols)
                tiles.Add(new PixelRegion(x, y, w, h));
        return tiles;
    }

    /// <summary>Returns <paramref name="tileSize"/> if it is a valid -TileSize (0, or at least <see cref="MinTileSize"/>); throws InvalidArgument otherwise.</summary>
    public static int CheckTileSize(int tileSize) =>
        tileSize is 0 or >= MinTileSize ? tileSize
            : throw new HsiException(HsiErrorKind.InvalidArgument, $"-TileSize {tileSize} is too small: give 0 (no tiling) or at least {MinTileSize} pixels.");

    /// <summary>Cuts [0, length) into ⌈length/size⌉ runs whose lengths differ by at most one.</summary>
    public static List<(int Start, int Length)> Split(int length, int size)
    {
        int parts = (int)((length + (long)size - 1) / size);
        int baseLen = length / parts, longer = length % parts;
        var runs = new List<(int, int)>(parts);
        int start = 0;
        for (int i = 0; i < parts; i++)
        {
            int len = baseLen + (i < longer ? 1 : 0);
            runs.Add((start, len));
            start += len;
        }
        return runs;
    }
}
