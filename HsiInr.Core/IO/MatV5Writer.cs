using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>
/// Writes a little-endian MAT v5 file (what MATLAB's <c>save -v7</c> produces) holding the cube as variable
/// <c>data</c> (H×W×Bands, column-major) and, when known, <c>wavelength</c> (1×Bands double, nm). Each variable is
/// zlib-compressed (miCOMPRESSED) unless <c>compress</c> is false. The header carries no date so that the same cube
/// always gives the same bytes.
/// </summary>
internal static class MatV5Writer
{
    private const int MiInt8 = 1, MiInt32 = 5, MiUInt32 = 6, MiMatrix = 14, MiCompressed = 15;

    /// <summary>Class = OriginalType when every sample is an integer that fits it; else double for Double sources, else single.</summary>
    public static StoredType ChooseType(HsiCube cube) =>
        SampleEncode.AllFit(cube, cube.OriginalType) ? cube.OriginalType.ToStored()
        : cube.OriginalType == SampleType.Double ? StoredType.Double : StoredType.Single;

    public static void Write(HsiCube cube, Stream s, bool compress, CancellationToken ct)
    {
        var header = new byte[128];
        var text = Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: HsiInr, Created by: HsiInr (.NET)");
        header.AsSpan(0, 116).Fill((byte)' ');
        text.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        s.Write(header);

        var type = ChooseType(cube);
        WriteVariable(s, compress, "data", type, [cube.Height, cube.Width, cube.Bands],
            (long)cube.SampleCount * type.Size(), body => WriteColumnMajor(cube, type, body, ct));
        if (cube.Wavelengths is { } w && w.Length == cube.Bands)
            WriteVariable(s, compress, "wavelength", StoredType.Double, [1, w.Length], w.Length * 8L,
                body => body.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan())));
    }

    private static int ClassOf(StoredType t) => t switch
    {
        StoredType.Double => 6, StoredType.Single => 7, StoredType.Int8 => 8, StoredType.UInt8 => 9,
        StoredType.Int16 => 10, StoredType.UInt16 => 11, StoredType.Int32 => 12, StoredType.UInt32 => 13,
        StoredType.Int64 => 14, _ => 15,
    };

    private static int MiTypeOf(StoredType t) => t switch
    {
        StoredType.Int8 => 1, StoredType.UInt8 => 2, StoredType.Int16 => 3, StoredType.UInt16 => 4,
        StoredType.Int32 => 5, StoredType.UInt32 => 6, StoredType.Single => 7, StoredType.Double => 9,
        StoredType.Int64 => 12, _ => 13,
    };

    private static long Pad8(long n) => (n + 7) & ~7L;

    private static void WriteVariable(Stream s, bool compress, string name, StoredType type, int[] dims, long dataBytes, Action<Stream> writeData)
    {
        byte[] nameBytes = Encoding.ASCII.GetBytes(name);
        long nameEl = nameBytes.Length <= 4 ? 8 : 8 + Pad8(nameBytes.Length);
        long body = 16 + 8 + Pad8(4L * dims.Length) + nameEl + 8 + Pad8(dataBytes);
        if (body > uint.MaxValue)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"Variable '{name}' needs {body} bytes, more than a MAT v5 element can hold (4 GiB). Export as ENVI instead.");

        if (!compress)
        {
            WriteMatrix(s, (uint)body, nameBytes, type, dims, dataBytes, writeData);
            return;
        }
        // The miCOMPRESSED tag states the compressed length, so compress into memory first.
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        using (var buffered = new BufferedStream(z, 1 << 16))
            WriteMatrix(buffered, (uint)body, nameBytes, type, dims, dataBytes, writeData);
        if (packed.Length > uint.MaxValue)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"Variable '{name}' compresses to more than 4 GiB, too much for a MAT v5 element. Export as ENVI instead.");
        Span<byte> tag = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(tag, MiCompressed);
        BinaryPrimitives.WriteUInt32LittleEndian(tag[4..], (uint)packed.Length);
        s.Write(tag);
        packed.Position = 0;
        packed.CopyTo(s);
    }

    private static void WriteMatrix(Stream s, uint body, byte[] name, StoredType type, int[] dims, long dataBytes, Action<Stream> writeData)
    {
        var head = new MemoryStream();
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); head.Write(b); }
        void Pad(long n) { for (long i = n; i < Pad8(n); i++) head.WriteByte(0); }
        U32(MiMatrix); U32(body);
        U32(MiUInt32); U32(8); U32((uint)ClassOf(type)); U32(0);
        U32(MiInt32); U32((uint)(4 * dims.Length));
        foreach (int d in dims) U32((uint)d);
        Pad(4L * dims.Length);
        if (name.Length <= 4)
        {
            U32((uint)(name.Length << 16 | MiInt8)); // small data element: size and type share one word
            head.Write(name);
            for (int i = name.Length; i < 4; i++) head.WriteByte(0);
        }
        else
        {
            U32(MiInt8); U32((uint)name.Length); head.Write(name); Pad(name.Length);
        }
        U32((uint)MiTypeOf(type)); U32((uint)dataBytes);
        head.Position = 0;
        head.CopyTo(s);
        writeData(s);
        for (long i = dataBytes; i < Pad8(dataBytes); i++) s.WriteByte(0);
    }

    /// <summary>BIP → MATLAB order (r + H·(c + W·b)), a block of bands at a time so reads of each pixel share cache lines.</summary>
    private static void WriteColumnMajor(HsiCube cube, StoredType type, Stream s, CancellationToken ct)
    {
        int h = cube.Height, w = cube.Width, bands = cube.Bands, plane = h * w, size = type.Size();
        const int Block = 16;
        int nbMax = Math.Min(Block, bands);
        var tmp = new float[(long)plane * nbMax];
        var bytes = new byte[(long)plane * size];
        var data = cube.Data;
        for (int b0 = 0; b0 < bands; b0 += Block)
        {
            ct.ThrowIfCancellationRequested();
            int nb = Math.Min(Block, bands - b0);
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                {
                    long o = ((long)r * w + c) * bands + b0;
                    int d = r + h * c;
                    for (int k = 0; k < nb; k++) tmp[d + k * plane] = data[o + k];
                }
            for (int k = 0; k < nb; k++)
            {
                SampleEncode.FromFloat(tmp.AsSpan(k * plane, plane), type, bytes);
                s.Write(bytes, 0, plane * size);
            }
        }
    }
}
