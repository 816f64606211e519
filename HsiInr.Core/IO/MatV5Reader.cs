using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HsiInr.Core.IO;

/// <summary>
/// Reader for MATLAB Level 5 MAT-files (v5/v6/v7: little- or big-endian, plain miMATRIX or zlib miCOMPRESSED
/// elements). Opening only lists the variables: each top-level element's header is read (for compressed ones, just
/// the first few KB are inflated) and the element is skipped by its size, so unneeded variables are never fully
/// decompressed. Every size read from the file is checked against the bytes really present before allocating.
/// </summary>
internal sealed partial class MatV5Reader : MatContainer
{
    private const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6,
        MiSingle = 7, MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16;
    private const int HeaderPeekBytes = 4096;
    // Deflate cannot expand data by more than ~1032:1, so a larger claimed inflated size is corrupt.
    private const long MaxInflateRatio = 1100;

    private readonly SafeFileHandle file;
    private readonly long fileLength;
    private readonly bool bigEndian;
    private readonly List<Entry> entries = [];
    private readonly List<MatVariableInfo> variables = [];

    private sealed record Entry(MatVariableInfo Info, long DataOffset, long Size, bool Compressed);

    public static bool HasSignature(ReadOnlySpan<byte> head) =>
        head.Length >= 19 && head[..19].SequenceEqual("MATLAB 5.0 MAT-file"u8);

    public MatV5Reader(string path) : base(path)
    {
        file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            fileLength = RandomAccess.GetLength(file);
            if (fileLength < 128)
                throw new HsiException(HsiErrorKind.TruncatedFile, $"The MAT file is {fileLength} bytes, shorter than its 128-byte header; the file is cut off. Re-export or re-copy it.", path);
            Span<byte> header = stackalloc byte[128];
            RandomAccess.Read(file, header, 0);
            // The writer stores the characters 'M','I' as a 16-bit value: read back as "IM" the file is little-endian.
            if (header[126] == 'I' && header[127] == 'M') bigEndian = false;
            else if (header[126] == 'M' && header[127] == 'I') bigEndian = true;
            else
                throw new HsiException(HsiErrorKind.BadMagic, "The MAT header's endian indicator (bytes 126-127) is neither 'IM' nor 'MI'; the file is not a valid MAT v5 file. Re-save it in MATLAB with save -v7.", path);
            int version = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[124..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[124..]);
            if (version != 0x0100)
                throw new HsiException(HsiErrorKind.UnsupportedVersion, $"MAT v5 header version 0x{version:X4} is not 0x0100; re-save the file in MATLAB with save -v7.", path);
            Scan();
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override IReadOnlyList<MatVariableInfo> Variables => variables;

    public override void Dispose() => file.Dispose();

    private uint U32(ReadOnlySpan<byte> s, int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private HsiException Truncated(string what) => new(HsiErrorKind.TruncatedFile, $"The MAT file is cut off: {what}. Re-export or re-copy it.", Path);
    private HsiException Malformed(string what) => new(HsiErrorKind.MalformedHeader, $"The MAT file is corrupt: {what}. Re-export it from MATLAB.", Path);

    private void Scan()
    {
        long pos = 128;
        Span<byte> tag = stackalloc byte[8];
        while (pos < fileLength)
        {
            if (fileLength - pos < 8) throw Truncated($"{fileLength - pos} stray bytes at offset {pos} where an element tag should be");
            RandomAccess.Read(file, tag, pos);
            uint type = U32(tag, 0), size = U32(tag, 4);
            if (type >> 16 != 0) throw Malformed($"element at offset {pos} has the invalid type 0x{type:X8}");
            long data = pos + 8;
            if (size > fileLength - data)
                throw Truncated($"the element at offset {pos} claims {size} bytes but only {fileLength - data} remain");
            if (type == MiCompressed)
            {
                var info = PeekCompressed(data, size, pos);
                if (info is not null) Add(new Entry(info, data, size, true));
            }
            else if (type == MiMatrix)
            {
                var head = new byte[(int)Math.Min(size, HeaderPeekBytes)];
                RandomAccess.Read(file, head, data);
                var info = ParseHeader(head, size, out _, out _, out _, full: false);
                if (info is not null) Add(new Entry(info, data, size, false));
            }
            // Top-level elements are not padded; compressed ones in particular end exactly at their size.
            pos = data + size;
        }
    }

    private void Add(Entry e)
    {
        // Unnamed matrices are MATLAB's subsystem (object) data, not variables.
        if (e.Info.Name.Length == 0) return;
        entries.Add(e);
        variables.Add(e.Info);
    }

    private MatVariableInfo? PeekCompressed(long data, uint size, long pos)
    {
        var packed = new byte[(int)Math.Min(size, 16384)];
        RandomAccess.Read(file, packed, data);
        var head = new byte[8 + HeaderPeekBytes];
        int got = 0;
        try
        {
            using var z = new ZLibStream(new MemoryStream(packed), CompressionMode.Decompress);
            int n;
            while (got < head.Length && (n = z.Read(head, got, head.Length - got)) > 0) got += n;
        }
        // zlib reports most corrupt streams as InvalidDataException, some as its internal ZLibException (an
        // IOException: "unexpected error code"); the stream is in memory, so no other IOException can occur here.
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            if (got < 8 || packed.Length == size) throw new HsiException(HsiErrorKind.MalformedHeader, $"The compressed element at offset {pos} is not valid zlib data ({ex.Message}). Re-export the file.", Path, ex);
        }
        if (got < 8) throw Truncated($"the compressed element at offset {pos} inflates to only {got} bytes");
        uint innerType = U32(head, 0), innerSize = U32(head, 4);
        if (innerType != MiMatrix) return null;
        CheckInflatedSize(innerSize, size, pos);
        // Only the element's own bytes: inflated bytes past its declared size belong to no variable, and parsing them
        // here would list a variable that loading (which stops at the size) cannot find.
        return ParseHeader(head.AsSpan(8, (int)Math.Min(got - 8, innerSize)), innerSize, out _, out _, out _, full: false);
    }

    private void CheckInflatedSize(uint inner, uint packed, long pos)
    {
        if (inner > packed * MaxInflateRatio + 1024)
            throw Malformed($"the compressed element at offset {pos} ({packed} bytes) claims to inflate to {inner} bytes, more than zlib can produce");
        if (inner > Array.MaxLength)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"The variable at offset {pos} holds {inner} bytes, more than one buffer can hold. Split the data in MATLAB first.", Path);
    }

    /// <summary>Reads one sub-element tag, handling the 4-byte "small data element" packing.</summary>
    private (int Type, int Offset, int Length) Sub(ReadOnlySpan<byte> s, ref int pos, string what)
    {
        if (s.Length - pos < 8) throw Truncated($"the {what} of a matrix is missing");
        uint w = U32(s, pos);
        if (w >> 16 != 0)
        {
            int n = (int)(w >> 16);
            if (n > 4) throw Malformed($"a small data element claims {n} bytes (at most 4 fit)");
            int off = pos + 4;
            pos += 8;
            return ((int)(w & 0xFFFF), off, n);
        }
        uint len = U32(s, pos + 4);
        int start = pos + 8;
        if (len > s.Length - start) return ((int)w, start, -1 - (int)Math.Min(len, int.MaxValue - 1)); // caller decides: not all present
        pos = start + (int)((len + 7) & ~7u);
        if (pos > s.Length) pos = s.Length; // last element may lack padding
        return ((int)w, start, (int)len);
    }

    /// <summary>
    /// Parses a miMATRIX body: array flags, dimensions, name and (when <paramref name="full"/>) locates the real part.
    /// With a partial body (listing) only the first three sub-elements must be present.
    /// </summary>
    private MatVariableInfo? ParseHeader(ReadOnlySpan<byte> s, long bodySize, out StoredType stored, out int dataOffset, out int dataLength, bool full,
        bool dataMayFollow = false)
    {
        stored = default; dataOffset = 0; dataLength = 0;
        if (s.Length == 0 && bodySize == 0) return null; // empty matrix placeholder
        int pos = 0;
        var flags = Sub(s, ref pos, "array flags");
        if (flags.Length < 0) throw Truncated("matrix array flags are missing");
        if (flags.Type != MiUInt32 || flags.Length < 4) throw Malformed("a matrix does not start with its array flags");
        uint f = U32(s, flags.Offset);
        int cls = (int)(f & 0xFF);
        bool complex = (f & 0x0800) != 0, logical = (f & 0x0200) != 0;

        var dimsEl = Sub(s, ref pos, "dimensions");
        if (dimsEl.Length < 0) throw Truncated("matrix dimensions are cut off");
        if (dimsEl.Type != MiInt32 || dimsEl.Length % 4 != 0) throw Malformed("matrix dimensions are not an int32 list");
        var dims = new long[dimsEl.Length / 4];
        for (int i = 0; i < dims.Length; i++)
        {
            int d = (int)U32(s, dimsEl.Offset + 4 * i);
            if (d < 0) throw Malformed($"a matrix has the negative dimension {d}");
            dims[i] = d;
        }
        var nameEl = Sub(s, ref pos, "name");
        if (nameEl.Length < 0) throw Truncated("a variable name is cut off");
        if (nameEl.Type is not (MiInt8 or MiUInt8 or MiUtf8)) throw Malformed("a matrix name is not text");
        string name = Encoding.UTF8.GetString(s.Slice(nameEl.Offset, nameEl.Length));

        string className = cls switch
        {
            1 => "cell", 2 => "struct", 3 => "object", 4 => "char", 5 => "sparse", 6 => "double", 7 => "single",
            8 => "int8", 9 => logical ? "logical" : "uint8", 10 => "int16", 11 => "uint16", 12 => "int32", 13 => "uint32",
            14 => "int64", 15 => "uint64", 16 => "function", 17 => "opaque", _ => $"unknown class {cls}",
        };
        var info = new MatVariableInfo(name, className, dims, complex, cls == 5);
        if (!full || !info.IsNumeric) return info;

        var real = Sub(s, ref pos, "real part");
        stored = real.Type switch
        {
            MiInt8 => StoredType.Int8, MiUInt8 => StoredType.UInt8, MiInt16 => StoredType.Int16, MiUInt16 => StoredType.UInt16,
            MiInt32 => StoredType.Int32, MiUInt32 => StoredType.UInt32, MiSingle => StoredType.Single, MiDouble => StoredType.Double,
            MiInt64 => StoredType.Int64, MiUInt64 => StoredType.UInt64,
            _ => throw new HsiException(HsiErrorKind.UnsupportedDataType, $"Variable '{name}' stores its samples as MAT data type {real.Type}, which is not a numeric type. Re-save it in MATLAB.", Path),
        };
        long expected = info.ElementCount * stored.Size();
        long claimed = real.Length < 0 ? -1L - real.Length : real.Length;
        if (claimed != expected)
            throw Malformed($"variable '{name}' ({info.DimensionsText}) should hold {expected} bytes of {stored} but its data element claims {claimed}");
        if (real.Length < 0 && dataMayFollow && real.Offset + claimed <= bodySize)
        {
            // Streaming: only the header was read; the samples follow in the element.
            dataOffset = real.Offset;
            dataLength = -1;
            return info;
        }
        if (real.Length < 0)
            throw Truncated($"variable '{name}' needs {expected} bytes of samples but only {s.Length - real.Offset} are present");
        dataOffset = real.Offset;
        dataLength = real.Length;
        return info;
    }

    public override MatArray Load(MatVariableInfo variable, CancellationToken ct)
    {
        var e = entries.First(x => ReferenceEquals(x.Info, variable));
        if (e.Size > Array.MaxLength)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"Variable '{variable.Name}' holds {e.Size} bytes, more than one buffer can hold. Split the data in MATLAB first.", Path);
        var raw = new byte[e.Size];
        RandomAccess.Read(file, raw, e.DataOffset);
        ct.ThrowIfCancellationRequested();
        byte[] body;
        int bodyStart = 0, bodyLength;
        if (e.Compressed)
        {
            try
            {
                using var z = new ZLibStream(new MemoryStream(raw), CompressionMode.Decompress);
                Span<byte> tag = stackalloc byte[8];
                z.ReadExactly(tag);
                uint inner = U32(tag, 4);
                CheckInflatedSize(inner, (uint)e.Size, e.DataOffset - 8);
                body = new byte[inner];
                z.ReadExactly(body);
                bodyLength = body.Length;
            }
            catch (EndOfStreamException ex)
            {
                throw new HsiException(HsiErrorKind.TruncatedFile, $"The compressed data of variable '{variable.Name}' ends early; the file is cut off. Re-export or re-copy it.", Path, ex);
            }
            // As in PeekCompressed: InvalidDataException, or zlib's internal ZLibException (an IOException).
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                throw new HsiException(HsiErrorKind.MalformedHeader, $"The compressed data of variable '{variable.Name}' is corrupt ({ex.Message}). Re-export the file.", Path, ex);
            }
        }
        else
        {
            body = raw;
            bodyLength = raw.Length;
        }
        var parsed = ParseHeader(body.AsSpan(bodyStart, bodyLength), bodyLength, out var stored, out int off, out _, full: true);
        // The samples are addressed with the listed dimensions, so the loaded element must describe the same array.
        if (parsed is null || parsed.Name != variable.Name || parsed.ClassName != variable.ClassName || !parsed.Dimensions.SequenceEqual(variable.Dimensions))
            throw Malformed($"variable '{variable.Name}' reads differently when loaded than when listed");
        return new MatArray { Info = variable, Buffer = body, Offset = off, Type = stored, NeedsSwap = bigEndian == BitConverter.IsLittleEndian };
    }
}
