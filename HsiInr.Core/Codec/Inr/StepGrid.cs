namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The values the encoder gives a quantisation step: positive float16 numbers whose 5 lowest mantissa bits are zero,
/// so neighbouring steps differ by 1/32 of an octave's span (at most 3 %). Payload kind 5 codes a step's float16 bit
/// pattern as its top 10 bits (the difference from the row before: steps of neighbouring rows are close) and its low
/// 5 bits with an adaptive model, which costs almost nothing when they are always zero; kinds 2–4 spent 16 raw bits
/// on each step, 5 % of a Jasper Ridge archive at 0.1 bpppb. Any float16 step still codes, so older archives recode.
/// </summary>
public static class StepGrid
{
    /// <summary>Low mantissa bits that grid steps leave zero.</summary>
    public const int DroppedBits = 5;
    /// <summary>The largest finite float16 bit pattern on the grid.</summary>
    private const int MaxGridBits = 0x7C00 - (1 << DroppedBits);

    /// <summary>The smallest grid step ≥ <paramref name="step"/> (steps rounded up never push a weight past the top
    /// code, where rounding to the nearest float16 clipped the largest weight of a fine tensor).</summary>
    public static float RoundUp(float step)
    {
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, "A step must be positive.");
        var h = (Half)step;
        int bits = BitConverter.HalfToUInt16Bits(h);
        if ((float)h < step) bits++;
        bits = (bits + (1 << DroppedBits) - 1) & ~((1 << DroppedBits) - 1);
        return (float)BitConverter.UInt16BitsToHalf((ushort)Math.Clamp(bits, 1 << DroppedBits, MaxGridBits));
    }
}
