namespace HsiInr.Core.Codec.Tiling;

/// <summary>
/// A window of an image in pixels: columns [X, X+Width) and rows [Y, Y+Height), all bands. X/Y/Width/Height is the
/// usual image-rectangle order, which is what <c>Expand-HsiCube -Region x,y,width,height</c> takes.
/// </summary>
public readonly record struct PixelRegion(int X, int Y, int Width, int Height)
{
    public long PixelCount => (long)Width * Height;

    /// <summary>The whole of an image of <paramref name="height"/> rows and <paramref name="width"/> columns.</summary>
    public static PixelRegion Whole(int height, int width) => new(0, 0, width, height);

    /// <summary>From four numbers x, y, width, height (the PowerShell form).</summary>
    public static PixelRegion FromArray(IReadOnlyList<int> xywh)
    {
        if (xywh.Count != 4)
            throw new HsiException(HsiErrorKind.InvalidArgument, $"A region is four numbers x,y,width,height; got {xywh.Count}.");
        return new PixelRegion(xywh[0], xywh[1], xywh[2], xywh[3]);
    }

    /// <summary>Throws InvalidArgument unless the region is non-empty and inside a <paramref name="height"/>×<paramref name="width"/> image.</summary>
    public void CheckInside(int height, int width, string? path = null)
    {
        if (Width <= 0 || Height <= 0)
            throw new HsiException(HsiErrorKind.InvalidArgument, $"The region {this} is empty: width and height must be at least 1.", path);
        if (X < 0 || Y < 0 || (long)X + Width > width || (long)Y + Height > height)
            throw new HsiException(HsiErrorKind.InvalidArgument,
                $"The region {this} is not inside the {width}-column × {height}-row image; x + width must be at most {width} and y + height at most {height}.", path);
    }

    /// <summary>The overlap with <paramref name="other"/>, or null when they do not overlap.</summary>
    public PixelRegion? Intersect(PixelRegion other)
    {
        int x0 = Math.Max(X, other.X), y0 = Math.Max(Y, other.Y);
        long x1 = Math.Min((long)X + Width, (long)other.X + other.Width), y1 = Math.Min((long)Y + Height, (long)other.Y + other.Height);
        return x1 > x0 && y1 > y0 ? new PixelRegion(x0, y0, (int)(x1 - x0), (int)(y1 - y0)) : null;
    }

    public override string ToString() => $"x={X}, y={Y}, {Width}×{Height} (width×height)";
}
