using System.Buffers.Binary;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>Little-endian payload builder for the baseline codecs.</summary>
internal sealed class PayloadWriter
{
    private readonly List<byte> bytes = [];
    public int Length => bytes.Count;

    public void U8(int v) => bytes.Add(checked((byte)v));

    /// <summary>LEB128: small counts and lengths take one byte.</summary>
    public void VarU(long v)
    {
        if (v < 0) throw new ArgumentOutOfRangeException(nameof(v));
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        } while (v != 0);
    }

    public void F32(float v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, v);
        bytes.AddRange(b);
    }

    public void F16(Half v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(b, v);
        bytes.AddRange(b);
    }

    public void Bytes(ReadOnlySpan<byte> b) => bytes.AddRange(b);

    /// <summary>A length-prefixed block.</summary>
    public void Block(ReadOnlySpan<byte> b)
    {
        VarU(b.Length);
        Bytes(b);
    }

    public byte[] ToArray() => bytes.ToArray();
}

/// <summary>
/// Strict reader: every read checks the bytes left first and a bad value throws <see cref="HsiException"/>
/// (CorruptArchive), so a damaged payload can never drive an allocation or an index out of range.
/// </summary>
internal sealed class PayloadReader(ReadOnlyMemory<byte> payload, string? path)
{
    private int pos;
    public int Remaining => payload.Length - pos;
    public string? Path => path;

    public HsiException Corrupt(string what) =>
        new(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: {what}.", path);

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Remaining) throw Corrupt("it ends early");
        var s = payload.Span.Slice(pos, n);
        pos += n;
        return s;
    }

    public int U8() => Take(1)[0];

    public long VarU(long max)
    {
        long v = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 56) throw Corrupt("an over-long integer");
            int b = U8();
            v |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        if (v > max) throw Corrupt($"a count of {v} where at most {max} is possible");
        return v;
    }

    public int VarInt(int max) => (int)VarU(max);

    public float F32()
    {
        float v = BinaryPrimitives.ReadSingleLittleEndian(Take(4));
        if (!float.IsFinite(v)) throw Corrupt("a non-finite parameter");
        return v;
    }

    public float F16()
    {
        var v = (float)BinaryPrimitives.ReadHalfLittleEndian(Take(2));
        if (!float.IsFinite(v)) throw Corrupt("a non-finite parameter");
        return v;
    }

    public ReadOnlyMemory<byte> Bytes(int n)
    {
        if (n < 0 || n > Remaining) throw Corrupt("it ends early");
        var m = payload.Slice(pos, n);
        pos += n;
        return m;
    }

    /// <summary>A length-prefixed block (the length is checked against the bytes left).</summary>
    public ReadOnlyMemory<byte> Block() => Bytes(VarInt(Remaining));

    /// <summary>Every byte must have been consumed: trailing bytes mean the payload is not what the codec wrote.</summary>
    public void End()
    {
        if (Remaining != 0) throw Corrupt($"{Remaining} unexpected trailing bytes");
    }
}
