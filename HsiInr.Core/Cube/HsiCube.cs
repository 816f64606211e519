namespace HsiInr.Core.Cube;

/// <summary>
/// A hyperspectral cube held as float32 samples in band-interleaved-by-pixel order (BIP, row-major):
/// sample (row, col, band) is <c>Data[(row * Width + col) * Bands + band]</c>. BIP makes each pixel's spectrum a
/// contiguous row, which is exactly the (pixels × bands) target matrix the INR codec fits, with no copy.
/// Integer sources are exact up to 2^24 in magnitude (float32 mantissa); the original type and range are kept.
/// </summary>
public sealed class HsiCube
{
    public string Name { get; set; }
    public string? SourcePath { get; set; }
    public int Height { get; }
    public int Width { get; }
    public int Bands { get; }
    public float[] Data { get; }
    public SampleType OriginalType { get; set; }

    /// <summary>Centre wavelengths in nanometres, one per band, in file order (not necessarily sorted); null if unknown.</summary>
    public double[]? Wavelengths { get; set; }

    /// <summary>Smallest finite sample.</summary>
    public double MinValue { get; private set; }
    /// <summary>Largest finite sample.</summary>
    public double MaxValue { get; private set; }
    /// <summary>Number of NaN or infinite samples (kept as they are).</summary>
    public long NonFiniteCount { get; private set; }

    public HsiCube(string name, int height, int width, int bands, float[] data, SampleType originalType = SampleType.Single)
    {
        long n = CheckedSampleCount(height, width, bands);
        if (data.LongLength != n)
            throw new ArgumentException($"Data holds {data.LongLength} samples; {height}×{width}×{bands} needs {n}.", nameof(data));
        Name = name;
        Height = height;
        Width = width;
        Bands = bands;
        Data = data;
        OriginalType = originalType;
        RefreshStatistics();
    }

    public long PixelCount => (long)Height * Width;
    public long SampleCount => PixelCount * Bands;
    /// <summary>Bytes the samples take in memory (float32).</summary>
    public long SizeBytes => SampleCount * sizeof(float);
    public string Shape => $"{Height}×{Width}×{Bands}";

    public float this[int row, int col, int band]
    {
        get => Data[Index(row, col, band)];
        set => Data[Index(row, col, band)] = value;
    }

    public long Index(int row, int col, int band) => ((long)row * Width + col) * Bands + band;

    /// <summary>Recomputes the finite range and non-finite count after samples were changed in place.</summary>
    public void RefreshStatistics()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long bad = 0;
        foreach (float v in Data)
        {
            if (!float.IsFinite(v)) { bad++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (bad == Data.LongLength) { min = 0; max = 0; }
        MinValue = min;
        MaxValue = max;
        NonFiniteCount = bad;
    }

    /// <summary>A copy of band <paramref name="band"/> as a row-major Height × Width image.</summary>
    public float[] GetBand(int band)
    {
        if ((uint)band >= (uint)Bands) throw new ArgumentOutOfRangeException(nameof(band));
        var img = new float[PixelCount];
        for (long p = 0; p < img.LongLength; p++) img[p] = Data[p * Bands + band];
        return img;
    }

    /// <summary>A new cube holding the window [row, row+height) × [col, col+width) and all bands.</summary>
    public HsiCube Crop(int row, int col, int height, int width, string? name = null)
    {
        if (row < 0 || col < 0 || height <= 0 || width <= 0 || row + height > Height || col + width > Width)
            throw new ArgumentOutOfRangeException(nameof(row), $"Window {height}×{width} at ({row},{col}) is outside {Shape}.");
        var data = new float[(long)height * width * Bands];
        for (int r = 0; r < height; r++)
            Array.Copy(Data, Index(row + r, col, 0), data, (long)r * width * Bands, (long)width * Bands);
        return new HsiCube(name ?? Name, height, width, Bands, data, OriginalType) { SourcePath = SourcePath, Wavelengths = Wavelengths };
    }

    /// <summary>A new cube with the same metadata and a copy of the samples.</summary>
    public HsiCube Clone() =>
        new(Name, Height, Width, Bands, (float[])Data.Clone(), OriginalType)
        { SourcePath = SourcePath, Wavelengths = (double[]?)Wavelengths?.Clone() };

    public override string ToString() => $"{Name} {Shape} {OriginalType}";

    /// <summary>The most samples one cube may hold: what a single .NET array can index.</summary>
    public static long MaxSamples => Array.MaxLength;

    /// <summary>
    /// H·W·C after checking each dimension is positive and the product fits one array; throws
    /// <see cref="HsiException"/> (SizeLimitExceeded) so readers can call it before allocating from file sizes.
    /// </summary>
    public static long CheckedSampleCount(long height, long width, long bands, string? path = null)
    {
        if (height <= 0 || width <= 0 || bands <= 0)
            throw new HsiException(HsiErrorKind.MalformedHeader, $"Cube dimensions must be positive; got {height}×{width}×{bands}.", path);
        if (height > int.MaxValue || width > int.MaxValue || bands > int.MaxValue)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"Cube dimensions {height}×{width}×{bands} exceed the supported range.", path);
        double n = (double)height * width * bands;
        if (n > MaxSamples)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded,
                $"A {height}×{width}×{bands} cube has {n:0} samples ({n * 4 / 1e9:0.0} GB as float32), more than one cube can hold ({MaxSamples}). Split the scene into tiles first.", path);
        return (long)n;
    }
}
