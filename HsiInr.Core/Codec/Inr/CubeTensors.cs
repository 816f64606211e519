using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>Turns a cube into the INR's training pairs: a coordinate grid and the normalised spectra.</summary>
public static class CubeTensors
{
    /// <summary>
    /// (H·W × 2) coordinates in pixel order (row-major), x = column and y = row, each spread evenly over [-1, 1]
    /// (a single row or column sits at 0).
    /// </summary>
    public static Tensor Grid(int height, int width, Device device) => Grid(height, width, device, PixelRegion.Whole(height, width));

    /// <summary>The coordinates of <paramref name="window"/>'s pixels only (row-major within the window), placed
    /// as in the full <paramref name="height"/> × <paramref name="width"/> grid: a network evaluated on them gives
    /// exactly the window of its full decode.</summary>
    public static Tensor Grid(int height, int width, Device device, PixelRegion window)
    {
        var g = new float[window.PixelCount * 2];
        for (int r = 0; r < window.Height; r++)
        {
            float y = Axis(window.Y + r, height);
            for (int c = 0; c < window.Width; c++)
            {
                long o = ((long)r * window.Width + c) * 2;
                g[o] = Axis(window.X + c, width);
                g[o + 1] = y;
            }
        }
        return tensor(g, new long[] { window.PixelCount, 2 }, device: device);
    }

    private static float Axis(int i, int n) => n == 1 ? 0f : (float)(-1.0 + 2.0 * i / (n - 1));

    /// <summary>
    /// The cube scaled to [0, 1] with its global finite min/max (as the paper does), as (H·W × bands).
    /// Non-finite samples have no value to fit and are set to 0.
    /// </summary>
    public static Tensor NormalisedTarget(HsiCube cube, double min, double max, Device device)
    {
        double scale = max > min ? 1.0 / (max - min) : 0.0;
        var d = new float[cube.Data.LongLength];
        Parallel.For(0, cube.Height, r =>
        {
            long start = (long)r * cube.Width * cube.Bands, end = start + (long)cube.Width * cube.Bands;
            for (long i = start; i < end; i++)
            {
                float v = cube.Data[i];
                d[i] = float.IsFinite(v) ? (float)((v - min) * scale) : 0f;
            }
        });
        return tensor(d, new long[] { cube.PixelCount, cube.Bands }, device: device);
    }
}
