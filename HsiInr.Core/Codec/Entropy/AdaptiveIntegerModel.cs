namespace HsiInr.Core.Codec.Entropy;

/// <summary>
/// Adaptive Elias-gamma code for non-negative integers: the bit length is sent in unary with one adaptive model per
/// position, the bits below the leading one with adaptive models for the first two (they are skewed for Laplacian
/// sources) and raw for the rest. Small values cost well under their gamma length once the models have learnt.
/// </summary>
public sealed class AdaptiveIntegerModel
{
    /// <summary>Largest bit length coded; values up to 2^31 − 2 fit.</summary>
    private const int MaxLength = 31;
    private readonly AdaptiveBitModel[] lengthBits = AdaptiveBitModel.Array(MaxLength + 1);
    private readonly AdaptiveBitModel[] mantissaBits = AdaptiveBitModel.Array(2 * (MaxLength + 1) * 2);

    public void Encode(RangeEncoder enc, uint value)
    {
        if (value > int.MaxValue - 1) throw new ArgumentOutOfRangeException(nameof(value));
        uint v = value + 1;
        int n = 31 - System.Numerics.BitOperations.LeadingZeroCount(v); // bits below the leading one
        for (int i = 0; i < n; i++) enc.Encode(lengthBits[i], 1);
        enc.Encode(lengthBits[n], 0);
        int ctx = 1;
        for (int i = n - 1; i >= 0; i--)
        {
            int bit = (int)((v >> i) & 1);
            int depth = n - 1 - i;
            if (depth < 2)
            {
                enc.Encode(mantissaBits[(n * 2 + depth) * 2 + (ctx & 1)], bit);
                ctx = bit;
            }
            else enc.EncodeRaw((uint)bit, 1);
        }
    }

    /// <summary>Decodes one value; a length beyond the model's range (only possible on corrupt input) throws
    /// <see cref="InvalidDataException"/>.</summary>
    public uint Decode(RangeDecoder dec)
    {
        int n = 0;
        while (dec.Decode(lengthBits[n]) == 1)
            if (++n > MaxLength - 1) throw new InvalidDataException("Integer length out of range.");
        uint v = 1;
        int ctx = 1;
        for (int i = n - 1; i >= 0; i--)
        {
            int depth = n - 1 - i;
            int bit;
            if (depth < 2)
            {
                bit = dec.Decode(mantissaBits[(n * 2 + depth) * 2 + (ctx & 1)]);
                ctx = bit;
            }
            else bit = (int)dec.DecodeRaw(1);
            v = (v << 1) | (uint)bit;
        }
        return v - 1;
    }

    /// <summary>Signed values: magnitude then an adaptive sign bit (sign only for non-zero values).</summary>
    public void EncodeSigned(RangeEncoder enc, int value, AdaptiveBitModel sign)
    {
        Encode(enc, (uint)Math.Abs((long)value));
        if (value != 0) enc.Encode(sign, value < 0 ? 1 : 0);
    }

    public int DecodeSigned(RangeDecoder dec, AdaptiveBitModel sign)
    {
        uint m = Decode(dec);
        return m != 0 && dec.Decode(sign) == 1 ? -(int)m : (int)m;
    }
}
