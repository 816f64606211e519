using System.Text;
using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>
/// Writes an ENVI pair as BIP (band-interleaved-by-pixel): that is the cube's own memory layout, so the samples go
/// out in one sequential pass, and every ENVI reader supports it. The raw file is written first and the header
/// last, each atomically, so a header never describes a missing or partial data file.
/// </summary>
internal static class EnviWriter
{
    /// <summary>Integer original types are kept when every sample fits exactly (ENVI has no int8: int16 instead); otherwise float32.</summary>
    public static StoredType ChooseType(HsiCube cube)
    {
        if (!SampleEncode.AllFit(cube, cube.OriginalType)) return StoredType.Single;
        return cube.OriginalType == SampleType.Int8 ? StoredType.Int16 : cube.OriginalType.ToStored();
    }

    public static void Write(HsiCube cube, string dataPath, string headerPath, bool overwrite, CancellationToken ct)
    {
        var type = ChooseType(cube);
        AtomicFile.Write(dataPath, overwrite, s => WriteSamples(cube, type, s, ct), ct);
        var text = EnviHeader.Format(cube, type, "bip");
        AtomicFile.Write(headerPath, overwrite, s => s.Write(Encoding.UTF8.GetBytes(text)), ct);
    }

    internal static void WriteSamples(HsiCube cube, StoredType type, Stream s, CancellationToken ct)
    {
        const int Chunk = 1 << 20;
        int size = type.Size();
        var buf = new byte[Chunk * size];
        for (long i = 0; i < cube.Data.LongLength; i += Chunk)
        {
            ct.ThrowIfCancellationRequested();
            int n = (int)Math.Min(Chunk, cube.Data.LongLength - i);
            SampleEncode.FromFloat(cube.Data.AsSpan((int)i, n), type, buf);
            s.Write(buf, 0, n * size);
        }
    }
}
