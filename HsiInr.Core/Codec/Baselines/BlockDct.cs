namespace HsiInr.Core.Codec.Baselines;

/// <summary>Orthonormal 8×8 DCT-II on images padded to whole blocks by edge replication; coefficients in zigzag order.</summary>
internal static class BlockDct
{
    private static readonly double[] M = BuildMatrix();

    /// <summary>Zigzag scan: position i of a block's coefficient list holds raster index Zigzag[i].</summary>
    public static readonly int[] Zigzag = BuildZigzag();

    public static int Blocks(int n) => (n + 7) / 8;

    /// <summary>Forward transform of a row-major H×W image: BlocksY·BlocksX blocks of 64 zigzag-ordered coefficients.</summary>
    public static float[] Forward(float[] img, int height, int width)
    {
        int by = Blocks(height), bx = Blocks(width);
        var coef = new float[by * bx * 64];
        Parallel.For(0, by, r =>
        {
            var x = new double[64];
            var t = new double[64];
            for (int c = 0; c < bx; c++)
            {
                for (int i = 0; i < 8; i++)
                    for (int j = 0; j < 8; j++)
                        x[i * 8 + j] = img[Math.Min(height - 1, r * 8 + i) * width + Math.Min(width - 1, c * 8 + j)];
                // t = M·x, then y = t·Mᵀ
                for (int u = 0; u < 8; u++)
                    for (int j = 0; j < 8; j++)
                    {
                        double s = 0;
                        for (int i = 0; i < 8; i++) s += M[u * 8 + i] * x[i * 8 + j];
                        t[u * 8 + j] = s;
                    }
                int o = (r * bx + c) * 64;
                for (int z = 0; z < 64; z++)
                {
                    int u = Zigzag[z] / 8, v = Zigzag[z] % 8;
                    double s = 0;
                    for (int j = 0; j < 8; j++) s += t[u * 8 + j] * M[v * 8 + j];
                    coef[o + z] = (float)s;
                }
            }
        });
        return coef;
    }

    /// <summary>Inverse of <see cref="Forward"/>, cropped back to H×W.</summary>
    public static float[] Inverse(float[] coef, int height, int width)
    {
        int by = Blocks(height), bx = Blocks(width);
        var img = new float[height * width];
        Parallel.For(0, by, r =>
        {
            var y = new double[64];
            var t = new double[64];
            for (int c = 0; c < bx; c++)
            {
                int o = (r * bx + c) * 64;
                for (int z = 0; z < 64; z++) y[Zigzag[z]] = coef[o + z];
                // t = Mᵀ·y, then x = t·M
                for (int i = 0; i < 8; i++)
                    for (int v = 0; v < 8; v++)
                    {
                        double s = 0;
                        for (int u = 0; u < 8; u++) s += M[u * 8 + i] * y[u * 8 + v];
                        t[i * 8 + v] = s;
                    }
                for (int i = 0; i < 8 && r * 8 + i < height; i++)
                    for (int j = 0; j < 8 && c * 8 + j < width; j++)
                    {
                        double s = 0;
                        for (int v = 0; v < 8; v++) s += t[i * 8 + v] * M[v * 8 + j];
                        img[(r * 8 + i) * width + c * 8 + j] = (float)s;
                    }
            }
        });
        return img;
    }

    private static double[] BuildMatrix()
    {
        var m = new double[64];
        for (int u = 0; u < 8; u++)
            for (int x = 0; x < 8; x++)
                m[u * 8 + x] = (u == 0 ? Math.Sqrt(1.0 / 8) : Math.Sqrt(2.0 / 8)) * Math.Cos((2 * x + 1) * u * Math.PI / 16);
        return m;
    }

    private static int[] BuildZigzag()
    {
        var z = new int[64];
        int i = 0;
        for (int s = 0; s < 15; s++)
            for (int k = 0; k <= s; k++)
            {
                int r = s % 2 == 0 ? s - k : k, c = s - r;
                if (r < 8 && c < 8) z[i++] = r * 8 + c;
            }
        return z;
    }
}
