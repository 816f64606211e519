namespace HsiInr.Core.Codec.Entropy;

/// <summary>
/// Binary arithmetic (range) coder, LZMA style: 32-bit range, carry propagated through a cached byte. Codes bits
/// with an <see cref="AdaptiveBitModel"/> or as raw equiprobable bits; <see cref="RangeDecoder"/> undoes it.
/// </summary>
public sealed class RangeEncoder
{
    private const uint Top = 1u << 24;
    private readonly List<byte> output = [];
    private ulong low;
    private uint range = uint.MaxValue;
    private byte cache;
    private long pending = 1;
    private bool first = true;
    private bool finished;

    /// <summary>Codes <paramref name="bit"/> (0 or 1) under <paramref name="model"/>'s probability, then updates the model.</summary>
    public void Encode(AdaptiveBitModel model, int bit)
    {
        uint bound = (range >> AdaptiveBitModel.ProbabilityBits) * (uint)model.P0;
        if (bit == 0) range = bound;
        else { low += bound; range -= bound; }
        model.Update(bit);
        Normalize();
    }

    /// <summary>Codes the low <paramref name="count"/> bits of <paramref name="value"/> (most significant first), each at 1 bit.</summary>
    public void EncodeRaw(uint value, int count)
    {
        if ((uint)count > 32) throw new ArgumentOutOfRangeException(nameof(count));
        for (int i = count - 1; i >= 0; i--)
        {
            range >>= 1;
            if (((value >> i) & 1) != 0) low += range;
            Normalize();
        }
    }

    /// <summary>Flushes the coder and returns the coded bytes; the encoder cannot be used afterwards.</summary>
    public byte[] Finish()
    {
        if (!finished)
        {
            for (int i = 0; i < 5; i++) ShiftLow();
            finished = true;
        }
        return output.ToArray();
    }

    /// <summary>Bytes emitted so far (a lower bound on the final size: up to 5 more come out at <see cref="Finish"/>).</summary>
    public int BytesWritten => output.Count;

    private void Normalize()
    {
        while (range < Top)
        {
            range <<= 8;
            ShiftLow();
        }
    }

    private void ShiftLow()
    {
        if ((uint)low < 0xFF000000u || (low >> 32) != 0)
        {
            byte carry = (byte)(low >> 32);
            byte b = cache;
            do
            {
                // LZMA's very first byte is always 0: skip it (the decoder starts from 4 bytes).
                if (first) first = false;
                else output.Add((byte)(b + carry));
                b = 0xFF;
            } while (--pending != 0);
            cache = (byte)((uint)low >> 24);
        }
        pending++;
        low = (low & 0x00FFFFFF) << 8;
    }
}
