using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HsiInr.Fuzz;

/// <summary>
/// Builds MAT v5 files byte by byte, for the fuzzer's seeds and the reader tests, controlling what a writer would: byte order, compression, the stored
/// element type (which MATLAB may choose smaller than the class) and small data elements.
/// </summary>
public sealed class MatBuilder(bool bigEndian = false)
{
    public const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7, MiDouble = 9,
        MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf16 = 17;
    public const int MxCell = 1, MxStruct = 2, MxChar = 4, MxSparse = 5, MxDouble = 6, MxSingle = 7, MxInt8 = 8, MxUInt8 = 9,
        MxInt16 = 10, MxUInt16 = 11, MxInt32 = 12, MxUInt32 = 13, MxInt64 = 14, MxUInt64 = 15;

    private readonly List<byte[]> elements = [];
    public bool BigEndian => bigEndian;

    private void U32(List<byte> o, uint v)
    {
        var b = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        o.AddRange(b);
    }

    public static int Size(int mi) => mi switch { MiInt8 or MiUInt8 => 1, MiInt16 or MiUInt16 or MiUtf16 => 2, MiInt32 or MiUInt32 or MiSingle => 4, _ => 8 };

    public byte[] Encode(int mi, double v)
    {
        var b = new byte[Size(mi)];
        Span<byte> s = b;
        switch (mi)
        {
            case MiInt8: b[0] = (byte)(sbyte)v; break;
            case MiUInt8: b[0] = (byte)v; break;
            case MiInt16: BinaryPrimitives.WriteInt16LittleEndian(s, (short)v); break;
            case MiUInt16 or MiUtf16: BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v); break;
            case MiInt32: BinaryPrimitives.WriteInt32LittleEndian(s, (int)v); break;
            case MiUInt32: BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)v); break;
            case MiSingle: BinaryPrimitives.WriteSingleLittleEndian(s, (float)v); break;
            case MiDouble: BinaryPrimitives.WriteDoubleLittleEndian(s, v); break;
            case MiInt64: BinaryPrimitives.WriteInt64LittleEndian(s, (long)v); break;
            case MiUInt64: BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)v); break;
        }
        if (bigEndian) Array.Reverse(b);
        return b;
    }

    private void SubElement(List<byte> o, int mi, byte[] data)
    {
        if (data.Length <= 4)
        {
            // Small data element: byte count in the upper 16 bits of the tag word, type in the lower 16.
            U32(o, (uint)(data.Length << 16 | mi));
            o.AddRange(data);
            for (int i = data.Length; i < 4; i++) o.Add(0);
            return;
        }
        U32(o, (uint)mi); U32(o, (uint)data.Length); o.AddRange(data);
        while (o.Count % 8 != 0) o.Add(0);
    }

    /// <summary>Adds a variable; <paramref name="values"/> in MATLAB column-major order, stored as <paramref name="storedType"/>.</summary>
    public MatBuilder Add(string name, int cls, int[] dims, int storedType, double[]? values, bool compress = true,
        bool complex = false, bool logical = false, int? claimedDataBytes = null)
    {
        var body = new List<byte>();
        U32(body, MiUInt32); U32(body, 8);
        U32(body, (uint)cls | (complex ? 0x0800u : 0) | (logical ? 0x0200u : 0)); U32(body, 0);
        U32(body, MiInt32); U32(body, (uint)(4 * dims.Length));
        foreach (var d in dims) U32(body, (uint)d);
        while (body.Count % 8 != 0) body.Add(0);
        SubElement(body, MiInt8, Encoding.ASCII.GetBytes(name));
        if (values is not null)
        {
            var data = values.SelectMany(v => Encode(storedType, v)).ToArray();
            if (claimedDataBytes is { } claim)
            {
                U32(body, (uint)storedType); U32(body, (uint)claim); body.AddRange(data);
                while (body.Count % 8 != 0) body.Add(0);
            }
            else SubElement(body, storedType, data);
            if (complex) SubElement(body, storedType, data);
        }
        var matrix = new List<byte>();
        U32(matrix, MiMatrix); U32(matrix, (uint)body.Count); matrix.AddRange(body);
        if (!compress) { elements.Add(matrix.ToArray()); return this; }
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, true)) z.Write(matrix.ToArray());
        var el = new List<byte>();
        U32(el, MiCompressed); U32(el, (uint)ms.Length); el.AddRange(ms.ToArray());
        elements.Add(el.ToArray());
        return this;
    }

    public byte[] Build()
    {
        var o = new List<byte>(Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: test, Created by: MatBuilder".PadRight(116)));
        o.AddRange(new byte[8]);
        o.AddRange(bigEndian ? [0x01, 0x00, (byte)'M', (byte)'I'] : [0x00, 0x01, (byte)'I', (byte)'M']);
        foreach (var e in elements) o.AddRange(e);
        return o.ToArray();
    }

    public string Save(string path)
    {
        System.IO.File.WriteAllBytes(path, Build());
        return path;
    }

    /// <summary>Column-major values of an H×W×B array from f(r, c, b).</summary>
    public static double[] ColumnMajor(int h, int w, int b, Func<int, int, int, double> f)
    {
        var v = new double[h * w * b];
        for (int k = 0; k < b; k++) for (int c = 0; c < w; c++) for (int r = 0; r < h; r++) v[r + h * (c + w * k)] = f(r, c, k);
        return v;
    }
}
