using System.Buffers.Binary;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Splits a JPEG2000 codestream into its main header (shared between bands) and its entropy-coded body, and
/// rebuilds the exact codestream from the two. Only the simple streams our encoder writes are accepted.
/// </summary>
internal static class CodestreamSplit
{
    /// <summary>J2K: header = SOC up to the first SOT; body = the single tile-part's data after SOD (SOT and EOC are rebuilt).</summary>
    public static (byte[] Header, byte[] Body) SplitJ2k(byte[] s)
    {
        if (s.Length < 4 || s[0] != 0xFF || s[1] != 0x4F || s[^2] != 0xFF || s[^1] != 0xD9)
            throw new InvalidOperationException("Unexpected JPEG2000 codestream from the encoder.");
        int p = 2;
        while (!(s[p] == 0xFF && s[p + 1] == 0x90))
        {
            if (p + 4 > s.Length || s[p] != 0xFF) throw new InvalidOperationException("Unexpected JPEG2000 marker layout.");
            p += 2 + BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(p + 2));
            if (p + 2 > s.Length) throw new InvalidOperationException("Unexpected JPEG2000 marker layout.");
        }
        var sot = s.AsSpan(p);
        uint psot = BinaryPrimitives.ReadUInt32BigEndian(sot[6..]);
        // One tile, one tile-part, SOD right after SOT, the tile-part running to EOC.
        if (sot.Length < 16 || BinaryPrimitives.ReadUInt16BigEndian(sot[2..]) != 10 || BinaryPrimitives.ReadUInt16BigEndian(sot[4..]) != 0
            || sot[10] != 0 || sot[11] > 1 || sot[12] != 0xFF || sot[13] != 0x93 || (psot != 0 && psot != sot.Length - 2))
            throw new InvalidOperationException("The JPEG2000 codestream is not a single tile-part.");
        return (s[..p], s[(p + 14)..^2]);
    }

    /// <summary>
    /// Checks that a codestream's SIZ marker (which must follow SOC) describes what the archive's header says: one
    /// unsigned 16-bit component of <paramref name="width"/> × <paramref name="height"/> in a single tile, as our
    /// encoder writes. Done before OpenJPEG runs, because it allocates and decodes whatever size SIZ declares: one
    /// flipped bit there made it decode a 16 × 4 194 320 image in 2 032 tiles.
    /// </summary>
    public static bool HasExpectedSize(ReadOnlySpan<byte> s, int width, int height)
    {
        if (s.Length < 47 || s[0] != 0xFF || s[1] != 0x4F || s[2] != 0xFF || s[3] != 0x51) return false;
        var siz = s[4..];
        static uint U32At(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
        return BinaryPrimitives.ReadUInt16BigEndian(siz) == 41 // Lsiz for one component
            && U32At(siz, 4) == (uint)width && U32At(siz, 8) == (uint)height && U32At(siz, 12) == 0 && U32At(siz, 16) == 0 // image size, no offset
            && U32At(siz, 20) >= (uint)width && U32At(siz, 24) >= (uint)height && U32At(siz, 28) == 0 && U32At(siz, 32) == 0 // one tile
            && BinaryPrimitives.ReadUInt16BigEndian(siz[36..]) == 1 && siz[38] == 15 && siz[39] == 1 && siz[40] == 1; // 1 × u16
    }

    public static byte[] JoinJ2k(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        var r = new byte[header.Length + 14 + body.Length + 2];
        header.CopyTo(r);
        var sot = r.AsSpan(header.Length);
        sot[0] = 0xFF; sot[1] = 0x90;
        BinaryPrimitives.WriteUInt16BigEndian(sot[2..], 10);
        BinaryPrimitives.WriteUInt16BigEndian(sot[4..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(sot[6..], (uint)(14 + body.Length));
        sot[10] = 0; sot[11] = 1;
        sot[12] = 0xFF; sot[13] = 0x93;
        body.CopyTo(r.AsSpan(header.Length + 14));
        r[^2] = 0xFF;
        r[^1] = 0xD9;
        return r;
    }
}
