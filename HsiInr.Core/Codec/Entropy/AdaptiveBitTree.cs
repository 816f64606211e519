namespace HsiInr.Core.Codec.Entropy;

/// <summary>
/// An adaptive model for symbols 0 … 2^bits − 1, coded as <c>bits</c> binary decisions from the most significant
/// bit down, each with its own adaptive probability given the bits above it (a binary tree with 2^bits − 1 nodes).
/// It learns any distribution over the alphabet, so its cost approaches the empirical entropy of the stream —
/// what quantised network weights (peaked, roughly Laplacian codes) need.
/// </summary>
public sealed class AdaptiveBitTree
{
    private readonly AdaptiveBitModel[] nodes;
    public int Bits { get; }

    public AdaptiveBitTree(int bits, int adaptationShift = 5)
    {
        if (bits is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(bits));
        Bits = bits;
        nodes = AdaptiveBitModel.Array(1 << bits, adaptationShift);
    }

    public void Encode(RangeEncoder enc, int symbol)
    {
        if ((uint)symbol >= 1u << Bits) throw new ArgumentOutOfRangeException(nameof(symbol));
        int node = 1;
        for (int i = Bits - 1; i >= 0; i--)
        {
            int bit = (symbol >> i) & 1;
            enc.Encode(nodes[node], bit);
            node = (node << 1) | bit;
        }
    }

    public int Decode(RangeDecoder dec)
    {
        int node = 1;
        for (int i = 0; i < Bits; i++) node = (node << 1) | dec.Decode(nodes[node]);
        return node - (1 << Bits);
    }
}
