namespace HsiInr.Core.Codec.Entropy;

/// <summary>
/// The probability that the next bit is 0, learnt from the bits already coded (12-bit fixed point). Encoder and
/// decoder each hold their own copy and update it the same way, so no statistics are ever transmitted.
/// </summary>
public sealed class AdaptiveBitModel
{
    internal const int ProbabilityBits = 12;
    internal const int One = 1 << ProbabilityBits;

    /// <summary>P(bit = 0) · 4096, kept inside [32, 4064] so no bit ever costs more than about 7 bits.</summary>
    internal int P0 = One / 2;
    private readonly int shift;

    /// <param name="adaptationShift">Smaller adapts faster, larger estimates more precisely (4–7 are sensible).</param>
    public AdaptiveBitModel(int adaptationShift = 5)
    {
        if (adaptationShift is < 1 or > 10) throw new ArgumentOutOfRangeException(nameof(adaptationShift));
        shift = adaptationShift;
    }

    internal void Update(int bit)
    {
        if (bit == 0) P0 += (One - P0) >> shift;
        else P0 -= P0 >> shift;
        P0 = Math.Clamp(P0, 32, One - 32);
    }

    /// <summary>An array of independent models, one per context.</summary>
    public static AdaptiveBitModel[] Array(int count, int adaptationShift = 5)
    {
        var a = new AdaptiveBitModel[count];
        for (int i = 0; i < count; i++) a[i] = new AdaptiveBitModel(adaptationShift);
        return a;
    }
}
