using System.IO.Compression;

namespace HsiInr.Core.IO;

/// <summary>A numeric MAT variable's samples read in order: the bytes already inflated with the header first, then
/// the rest of the stream. Ends early or corrupt data are the same errors <see cref="MatContainer.Load"/> gives.</summary>
internal sealed class MatSampleStream(Stream source, byte[] prefix, StoredType type, bool needsSwap, long byteLength, string variable, string path) : IDisposable
{
    private int prefixAt;
    private long left = byteLength;

    public StoredType Type => type;
    public bool NeedsSwap => needsSwap;

    public void Read(Span<byte> destination)
    {
        if (destination.Length > left) throw new InvalidOperationException("Read past the variable's samples.");
        left -= destination.Length;
        int fromPrefix = Math.Min(destination.Length, prefix.Length - prefixAt);
        prefix.AsSpan(prefixAt, fromPrefix).CopyTo(destination);
        prefixAt += fromPrefix;
        try { source.ReadExactly(destination[fromPrefix..]); }
        catch (EndOfStreamException e)
        {
            throw new HsiException(HsiErrorKind.TruncatedFile, $"The data of variable '{variable}' ends early; the file is cut off. Re-export or re-copy it.", path, e);
        }
        catch (InvalidDataException e)
        {
            throw new HsiException(HsiErrorKind.MalformedHeader, $"The compressed data of variable '{variable}' is corrupt ({e.Message}). Re-export the file.", path, e);
        }
    }

    public void Dispose() => source.Dispose();
}

internal sealed partial class MatV5Reader
{
    /// <summary>
    /// Streams a variable's samples: only the element's header is read (inflated, for a compressed element) and
    /// checked as <see cref="Load"/> checks it; the samples are then read in order as the caller converts them.
    /// Null when the header does not fit the peeked bytes (then <see cref="Load"/> reads it whole).
    /// </summary>
    public override MatSampleStream? OpenSamples(MatVariableInfo variable, CancellationToken ct)
    {
        var e = entries.First(x => ReferenceEquals(x.Info, variable));
        var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            fs.Position = e.DataOffset;
            Stream body = fs;
            long bodySize = e.Size;
            if (e.Compressed)
            {
                body = new ZLibStream(fs, CompressionMode.Decompress);
                Span<byte> tag = stackalloc byte[8];
                ReadHead(body, tag, variable.Name);
                if (U32(tag, 0) != MiMatrix) throw Malformed($"the compressed variable '{variable.Name}' does not hold a matrix");
                bodySize = U32(tag, 4);
                CheckInflatedSize((uint)bodySize, (uint)e.Size, e.DataOffset - 8);
            }
            var head = new byte[(int)Math.Min(bodySize, HeaderPeekBytes)];
            ReadHead(body, head, variable.Name);
            ParseHeader(head, bodySize, out var stored, out int off, out _, full: true, dataMayFollow: true);
            long bytes = variable.ElementCount * stored.Size();
            if (off > head.Length) return Close(body);
            var prefix = head[off..(int)Math.Min(head.Length, off + bytes)];
            return new MatSampleStream(body, prefix, stored, bigEndian == BitConverter.IsLittleEndian, bytes, variable.Name, Path);
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    private static MatSampleStream? Close(Stream s)
    {
        s.Dispose();
        return null;
    }

    private void ReadHead(Stream s, Span<byte> buffer, string variable)
    {
        try { s.ReadExactly(buffer); }
        catch (EndOfStreamException ex) { throw new HsiException(HsiErrorKind.TruncatedFile, $"The data of variable '{variable}' ends early; the file is cut off. Re-export or re-copy it.", Path, ex); }
        catch (InvalidDataException ex) { throw new HsiException(HsiErrorKind.MalformedHeader, $"The compressed data of variable '{variable}' is corrupt ({ex.Message}). Re-export the file.", Path, ex); }
    }
}
