using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec;

/// <summary>Codec-neutral pieces every codec shares: the header a cube gets and how decoded samples become a cube.</summary>
public static class ArchiveHeaders
{
    /// <summary>The header for <paramref name="cube"/> coded with <paramref name="codec"/> (encoder statistics filled in later).</summary>
    public static ArchiveHeader For(HsiCube cube, CodecId codec, long seed) => new()
    {
        Codec = codec,
        Height = cube.Height,
        Width = cube.Width,
        Bands = cube.Bands,
        OriginalType = cube.OriginalType,
        NormMin = cube.MinValue,
        NormMax = cube.MaxValue,
        Seed = seed,
        Name = cube.Name,
        Wavelengths = cube.Wavelengths?.Select(v => (float)v).ToArray(),
    };

    /// <summary>
    /// Wraps decoded samples (original units, BIP) as a cube with the header's metadata. Integer sources are rounded
    /// and clamped to their type, so a decoded uint16 cube holds uint16 values as it did before encoding.
    /// </summary>
    public static HsiCube ToCube(ArchiveHeader header, float[] data)
    {
        if (header.OriginalType.IsInteger()) RoundToType(data, header.OriginalType);
        return new HsiCube(header.Name, header.Height, header.Width, header.Bands, data, header.OriginalType)
        {
            Wavelengths = header.Wavelengths?.Select(v => (double)v).ToArray(),
        };
    }

    /// <summary>Rounds to the nearest integer and clamps to <paramref name="type"/>'s range.</summary>
    public static void RoundToType(float[] data, SampleType type)
    {
        var (lo, hi) = type.Range();
        Parallel.For(0, (data.Length + 65535) / 65536, b =>
        {
            int end = Math.Min(data.Length, (b + 1) * 65536);
            for (int i = b * 65536; i < end; i++)
                data[i] = (float)Math.Clamp(Math.Round(data[i]), lo, hi);
        });
    }
}
