using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec.Container;

/// <summary>
/// Container format v1 (docs/format.md): a fixed 64-byte little-endian header, the cube name, optional wavelengths,
/// a length-prefixed codec payload and a CRC-32 over everything before it. The reader is strict: it checks the CRC
/// before trusting any field and validates every size against the bytes actually present before allocating.
/// </summary>
public static class ArchiveFormat
{
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'S', (byte)'I', (byte)'I', (byte)'N', (byte)'R', 0x0A];
    /// <summary>The newest container version this build writes and reads; every older one is read too.</summary>
    public const ushort Version = 2;
    public const int FixedHeaderBytes = 64;
    public const int MaxNameBytes = 1024;
    /// <summary>Bytes an archive spends outside the payload, name and wavelengths: header, payload length, CRC.</summary>
    public const int FramingBytes = FixedHeaderBytes + 4 + 4;
    /// <summary>Archives larger than this are refused before being read (no codec writes anything near it).</summary>
    public const long MaxArchiveBytes = 1L << 31;
    /// <summary>
    /// The lowest rate (bits per sample of the whole file) an archive may have: 80 000 samples per archive byte. The
    /// benchmarks never go below 0.02 bpppb and a 2-layer, width-16 network for a 512×512×64 cube is 0.0006, so only
    /// a forged or corrupt header declares more; refusing it keeps a 200-byte file from making the decoder allocate
    /// gigabytes and evaluate its network for minutes.
    /// </summary>
    public const double MinBpppb = 1e-4;

    private const byte FlagWavelengths = 1;

    /// <summary>The exact file size of an archive with this header and a payload of <paramref name="payloadBytes"/>.</summary>
    public static long ArchiveSize(ArchiveHeader header, long payloadBytes) =>
        FramingBytes + NameBytes(header.Name).Length + (header.Wavelengths?.Length ?? 0) * 4L + payloadBytes;

    public static byte[] Write(ArchiveHeader h, ReadOnlySpan<byte> payload)
    {
        byte[] name = NameBytes(h.Name);
        if (h.Wavelengths is { } wl && wl.Length != h.Bands)
            throw new ArgumentException($"{wl.Length} wavelengths for {h.Bands} bands.");
        long size = ArchiveSize(h, payload.Length);
        if (size * 8.0 < MinBpppb * h.SampleCount)
            throw new HsiException(HsiErrorKind.InvalidArgument,
                $"A {size}-byte archive for a {h.Height}×{h.Width}×{h.Bands} cube would be {size * 8.0 / h.SampleCount:G3} bpppb, below the {MinBpppb} bpppb readers accept. Use a larger network or a higher -Bpppb.");
        var buf = new byte[size];
        var s = buf.AsSpan();
        Magic.CopyTo(s);
        if (h.FormatVersion is < 1 or > Version) throw new ArgumentException($"Container version {h.FormatVersion} cannot be written.");
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], (ushort)h.FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], (ushort)h.Codec);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], (uint)h.Height);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], (uint)h.Width);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], (uint)h.Bands);
        s[24] = (byte)h.OriginalType;
        s[25] = h.Wavelengths is null ? (byte)0 : FlagWavelengths;
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], (ushort)name.Length);
        BinaryPrimitives.WriteDoubleLittleEndian(s[28..], h.NormMin);
        BinaryPrimitives.WriteDoubleLittleEndian(s[36..], h.NormMax);
        BinaryPrimitives.WriteInt64LittleEndian(s[44..], h.Seed);
        BinaryPrimitives.WriteSingleLittleEndian(s[52..], h.EncodePsnr);
        BinaryPrimitives.WriteSingleLittleEndian(s[56..], h.EncodeSeconds);
        BinaryPrimitives.WriteUInt32LittleEndian(s[60..], (uint)h.Iterations);
        int o = FixedHeaderBytes;
        name.CopyTo(s[o..]);
        o += name.Length;
        if (h.Wavelengths is { } w)
            foreach (float v in w) { BinaryPrimitives.WriteSingleLittleEndian(s[o..], v); o += 4; }
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)payload.Length);
        o += 4;
        payload.CopyTo(s[o..]);
        o += payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], Crc32.HashToUInt32(s[..o]));
        return buf;
    }

    /// <summary>Parses an archive; <paramref name="path"/> only labels errors. The payload is a slice of <paramref name="bytes"/>.</summary>
    public static (ArchiveHeader Header, ReadOnlyMemory<byte> Payload) Read(byte[] bytes, string? path = null)
    {
        var s = bytes.AsSpan();
        if (s.Length == 0) throw Corrupt(HsiErrorKind.EmptyFile, "The archive is empty.", path);
        if (s.Length < Magic.Length || !s[..Magic.Length].SequenceEqual(Magic))
            throw Corrupt(HsiErrorKind.BadMagic, "This is not an HsiInr archive (its first bytes are not the HsiInr signature).", path);
        if (s.Length < FramingBytes)
            throw Corrupt(HsiErrorKind.TruncatedFile, $"The archive is truncated: {s.Length} bytes, fewer than the {FramingBytes} every archive has.", path);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(s[8..]);
        if (version is < 1 or > Version)
            throw Corrupt(HsiErrorKind.UnsupportedVersion, $"Archive format version {version} is not supported by this HsiInr (it reads versions 1 to {Version}). Update the module.", path);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(s[^4..]);
        if (Crc32.HashToUInt32(s[..^4]) != stored)
            throw Corrupt(HsiErrorKind.ChecksumMismatch, "The archive is corrupt or truncated: its CRC-32 does not match its contents. Restore it from a good copy.", path);

        ushort codec = BinaryPrimitives.ReadUInt16LittleEndian(s[10..]);
        if (!Enum.IsDefined(typeof(CodecId), codec))
            throw Corrupt(HsiErrorKind.UnsupportedVersion, $"The archive uses codec id {codec}, which this HsiInr does not know. Update the module.", path);
        uint height = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
        uint bands = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
        HsiCube.CheckedSampleCount(height, width, bands, path);
        var type = (SampleType)s[24];
        if (!Enum.IsDefined(type)) throw Corrupt(HsiErrorKind.CorruptArchive, $"Unknown original sample type {s[24]}.", path);
        byte flags = s[25];
        if ((flags & ~FlagWavelengths) != 0) throw Corrupt(HsiErrorKind.CorruptArchive, $"Unknown header flags 0x{flags:X2}.", path);
        int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(s[26..]);
        if (nameLen > MaxNameBytes) throw Corrupt(HsiErrorKind.CorruptArchive, $"Name length {nameLen} exceeds {MaxNameBytes}.", path);
        double min = BinaryPrimitives.ReadDoubleLittleEndian(s[28..]);
        double max = BinaryPrimitives.ReadDoubleLittleEndian(s[36..]);
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min)
            throw Corrupt(HsiErrorKind.CorruptArchive, $"Invalid normalisation range [{min}, {max}].", path);

        long wlBytes = (flags & FlagWavelengths) != 0 ? 4L * bands : 0;
        long payloadAt = FixedHeaderBytes + nameLen + wlBytes + 4;
        if (payloadAt + 4 > s.Length)
            throw Corrupt(HsiErrorKind.CorruptArchive, "The header's name and wavelength sizes exceed the archive's length.", path);
        long payloadLen = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(payloadAt - 4)..]);
        if (payloadAt + payloadLen + 4 != s.Length)
            throw Corrupt(HsiErrorKind.CorruptArchive, $"The payload length ({payloadLen} bytes) is inconsistent with the archive's length ({s.Length} bytes).", path);

        // Checked before anything sized from the header is allocated or evaluated (docs/format.md, step 4).
        long samples = (long)height * width * bands;
        if (s.Length * 8.0 < MinBpppb * samples)
            throw Corrupt(HsiErrorKind.CorruptArchive, $"The header declares a {height}×{width}×{bands} cube ({samples} samples), far more than a {s.Length}-byte archive can encode (below {MinBpppb} bits per sample); the header is corrupt.", path);

        string name;
        try { name = new UTF8Encoding(false, true).GetString(s.Slice(FixedHeaderBytes, nameLen)); }
        catch (DecoderFallbackException e) { throw new HsiException(HsiErrorKind.CorruptArchive, "The cube name is not valid UTF-8.", path, e); }
        float[]? wavelengths = null;
        if (wlBytes > 0)
        {
            wavelengths = new float[bands];
            int o = FixedHeaderBytes + nameLen;
            for (int i = 0; i < bands; i++) wavelengths[i] = BinaryPrimitives.ReadSingleLittleEndian(s[(o + 4 * i)..]);
        }
        var header = new ArchiveHeader
        {
            Codec = (CodecId)codec,
            FormatVersion = version,
            Height = (int)height,
            Width = (int)width,
            Bands = (int)bands,
            OriginalType = type,
            NormMin = min,
            NormMax = max,
            Seed = BinaryPrimitives.ReadInt64LittleEndian(s[44..]),
            EncodePsnr = BinaryPrimitives.ReadSingleLittleEndian(s[52..]),
            EncodeSeconds = BinaryPrimitives.ReadSingleLittleEndian(s[56..]),
            Iterations = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(s[60..])),
            Name = name,
            Wavelengths = wavelengths,
        };
        return (header, bytes.AsMemory((int)payloadAt, (int)payloadLen));
    }

    /// <summary>Reads and parses an archive file, refusing absurd sizes before reading.</summary>
    public static (ArchiveHeader Header, ReadOnlyMemory<byte> Payload, long FileBytes) ReadFile(string path)
    {
        var bytes = ReadFileBytes(path);
        var (h, p) = Read(bytes, path);
        return (h, p, bytes.LongLength);
    }

    internal static byte[] ReadFileBytes(string path)
    {
        if (Directory.Exists(path)) throw new HsiException(HsiErrorKind.PathIsDirectory, "The path is a directory, not an archive file.", path);
        if (!File.Exists(path)) throw new HsiException(HsiErrorKind.FileNotFound, "The archive file does not exist.", path);
        long len = new FileInfo(path).Length;
        if (len > MaxArchiveBytes)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"The file is {len} bytes, larger than any HsiInr archive can be; it is not an archive.", path);
        return File.ReadAllBytes(path);
    }

    internal static byte[] NameBytes(string name)
    {
        var b = Encoding.UTF8.GetBytes(name);
        if (b.Length <= MaxNameBytes) return b;
        // Cut on a character boundary so the stored name stays valid UTF-8.
        int n = MaxNameBytes;
        while (n > 0 && (b[n] & 0xC0) == 0x80) n--;
        return b[..n];
    }

    private static HsiException Corrupt(HsiErrorKind kind, string message, string? path) => new(kind, message, path);
}
