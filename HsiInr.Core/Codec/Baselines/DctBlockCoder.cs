using HsiInr.Core.Codec.Entropy;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Context-adaptive arithmetic coding of quantised 8×8 DCT blocks (zigzag order): DC as a difference from the
/// previous block; the position of the last non-zero AC coefficient with a bit tree; then per coefficient a zero
/// flag (context: frequency band and whether its two predecessors were non-zero), magnitude and raw sign. Models
/// are kept per component class (first, second, third, rest), whose statistics differ a lot.
/// </summary>
internal sealed class DctBlockCoder
{
    private const int Classes = 4, Buckets = 8, MaxMagnitude = 1 << 28;
    private readonly AdaptiveIntegerModel[] dc = New(Classes);
    private readonly AdaptiveBitModel[] dcSign = AdaptiveBitModel.Array(Classes);
    private readonly AdaptiveBitModel[] lastTree = AdaptiveBitModel.Array(Classes * 2 * 64);
    private readonly AdaptiveBitModel[] zero = AdaptiveBitModel.Array(Classes * Buckets * 3);
    private readonly AdaptiveIntegerModel[] magnitude = New(Classes * 3);

    private static AdaptiveIntegerModel[] New(int n) => Enumerable.Range(0, n).Select(_ => new AdaptiveIntegerModel()).ToArray();

    public static int ClassOf(int component) => Math.Min(component, Classes - 1);

    private static int Bucket(int i) => i switch { <= 1 => 0, 2 => 1, <= 5 => 2, <= 9 => 3, <= 14 => 4, <= 27 => 5, <= 42 => 6, _ => 7 };
    private static int Group(int i) => i < 3 ? 0 : i < 10 ? 1 : 2;

    public static int Clamp(double q) => (int)Math.Clamp(q, -MaxMagnitude, MaxMagnitude);

    public void Encode(RangeEncoder e, int[] q, int component)
    {
        int cls = ClassOf(component);
        long prevDc = 0;
        int prevLast = 0;
        for (int o = 0; o < q.Length; o += 64)
        {
            dc[cls].EncodeSigned(e, (int)(q[o] - prevDc), dcSign[cls]);
            prevDc = q[o];
            int last = 63;
            while (last > 0 && q[o + last] == 0) last--;
            int tree = (cls * 2 + (prevLast == 0 ? 0 : 1)) * 64, node = 1;
            for (int b = 5; b >= 0; b--)
            {
                int bit = (last >> b) & 1;
                e.Encode(lastTree[tree + node], bit);
                node = node * 2 + bit;
            }
            int nz1 = 0, nz2 = 0;
            for (int i = 1; i <= last; i++)
            {
                int v = q[o + i];
                if (i < last) e.Encode(zero[(cls * Buckets + Bucket(i)) * 3 + Math.Min(2, nz1 + nz2)], v != 0 ? 1 : 0);
                if (v != 0)
                {
                    magnitude[cls * 3 + Group(i)].Encode(e, (uint)(Math.Abs(v) - 1));
                    e.EncodeRaw(v < 0 ? 1u : 0u, 1);
                }
                nz2 = nz1;
                nz1 = v != 0 ? 1 : 0;
            }
            prevLast = last;
        }
    }

    /// <summary>Decodes <paramref name="blocks"/> blocks; throws <see cref="InvalidDataException"/> on impossible values.</summary>
    public int[] Decode(RangeDecoder d, int blocks, int component)
    {
        int cls = ClassOf(component);
        var q = new int[blocks * 64];
        long prevDc = 0;
        int prevLast = 0;
        for (int o = 0; o < q.Length; o += 64)
        {
            long v0 = prevDc + dc[cls].DecodeSigned(d, dcSign[cls]);
            if (Math.Abs(v0) > MaxMagnitude) throw new InvalidDataException("DC coefficient out of range.");
            q[o] = (int)v0;
            prevDc = v0;
            int tree = (cls * 2 + (prevLast == 0 ? 0 : 1)) * 64, node = 1;
            for (int b = 5; b >= 0; b--) node = node * 2 + d.Decode(lastTree[tree + node]);
            int last = node - 64;
            int nz1 = 0, nz2 = 0;
            for (int i = 1; i <= last; i++)
            {
                bool nonZero = i == last || d.Decode(zero[(cls * Buckets + Bucket(i)) * 3 + Math.Min(2, nz1 + nz2)]) == 1;
                int v = 0;
                if (nonZero)
                {
                    uint m = magnitude[cls * 3 + Group(i)].Decode(d) + 1;
                    if (m > MaxMagnitude) throw new InvalidDataException("AC coefficient out of range.");
                    v = d.DecodeRaw(1) == 1 ? -(int)m : (int)m;
                }
                q[o + i] = v;
                nz2 = nz1;
                nz1 = v != 0 ? 1 : 0;
            }
            prevLast = last;
            if (d.IsCorrupt) throw new InvalidDataException("The coded data ends early.");
        }
        return q;
    }
}
