namespace HsiInr.Core.Codec.Entropy;

/// <summary>
/// Decodes what <see cref="RangeEncoder"/> wrote. Never fails on garbage: reads past the end yield zero bytes and
/// are counted, so a caller can reject a stream that needed more bytes than it had (<see cref="Overrun"/>).
/// </summary>
public sealed class RangeDecoder
{
    private const uint Top = 1u << 24;
    private readonly ReadOnlyMemory<byte> input;
    private int position;
    private uint range = uint.MaxValue;
    private uint code;

    public RangeDecoder(ReadOnlyMemory<byte> input)
    {
        this.input = input;
        for (int i = 0; i < 4; i++) code = (code << 8) | NextByte();
    }

    /// <summary>Bytes read beyond the end of the input. A few are normal near the end (the encoder's flush may be
    /// shorter than the decoder's look-ahead); many mean the stream is corrupt.</summary>
    public int Overrun => Math.Max(0, position - input.Length);

    /// <summary>True when the decoder has read more than the stream could legitimately need.</summary>
    public bool IsCorrupt => Overrun > 4;

    public int Decode(AdaptiveBitModel model)
    {
        uint bound = (range >> AdaptiveBitModel.ProbabilityBits) * (uint)model.P0;
        int bit;
        if (code < bound) { range = bound; bit = 0; }
        else { code -= bound; range -= bound; bit = 1; }
        model.Update(bit);
        Normalize();
        return bit;
    }

    public uint DecodeRaw(int count)
    {
        if ((uint)count > 32) throw new ArgumentOutOfRangeException(nameof(count));
        uint v = 0;
        for (int i = 0; i < count; i++)
        {
            range >>= 1;
            uint bit = code >= range ? 1u : 0u;
            if (bit != 0) code -= range;
            v = (v << 1) | bit;
            Normalize();
        }
        return v;
    }

    private void Normalize()
    {
        while (range < Top)
        {
            range <<= 8;
            code = (code << 8) | NextByte();
        }
    }

    private uint NextByte()
    {
        int p = position++;
        return p < input.Length ? input.Span[p] : 0u;
    }
}
