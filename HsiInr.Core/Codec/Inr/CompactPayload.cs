using System.Buffers.Binary;
using HsiInr.Core.Codec.Entropy;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The compact INR payload (container version 2, payload kind 2): network shape, the nominal weight bit depth, the
/// bit depth of each tensor, one float16 quantisation step per row of every matrix and per bias vector, then every
/// integer code in storage order, range coded with one adaptive model per tensor (a bit tree for up to 12 bits, an
/// adaptive Elias-gamma code above). Decoded weights are code × step: bit-exactly the network the encoder trained.
/// </summary>
public sealed record CompactPayload(int Layers, int Width, int Rank, int Bands, int Bits, float Omega0, int[] TensorBits, float[][] Steps, int[][] Codes)
{
    public const byte Kind = 2;
    public const int HeaderBytes = 11;
    /// <summary>Bit depth of the small, sensitive tensors (first layer, biases): they cost little and ω0 amplifies their error.</summary>
    public const int FineBits = 16;
    private const int MaxTreeBits = 12;

    /// <summary>Storage-order tensor sizes: (rows, columns) for each weight then its bias as (1, out).</summary>
    public static IEnumerable<(int Rows, int Cols)> TensorShapes(int layers, int width, int rank, int bands)
    {
        foreach (var (o, i) in CompactSiren.Shapes(layers, width, rank, bands))
        {
            yield return (o, i);
            yield return (1, o);
        }
    }

    /// <summary>The codec's choice of bit depth per tensor: <see cref="FineBits"/> for the first layer's weights and
    /// every bias, <paramref name="bits"/> for the rest (where almost all parameters are).</summary>
    public static int[] DefaultTensorBits(int layers, int bits) =>
        Enumerable.Range(0, 2 * (layers + 2)).Select(t => t == 0 || t % 2 == 1 ? Math.Max(bits, FineBits) : bits).ToArray();

    /// <summary>Bytes before the entropy-coded stream: header, tensor bit depths, steps and the stream's length field.</summary>
    public static long FixedBytes(int layers, int width, int rank, int bands) =>
        HeaderBytes + 2L * (layers + 2) + 2L * TensorShapes(layers, width, rank, bands).Sum(s => (long)s.Rows) + 4;

    public float[] Weights()
    {
        var all = new List<float>();
        var shapes = TensorShapes(Layers, Width, Rank, Bands).ToArray();
        for (int t = 0; t < shapes.Length; t++)
        {
            int cols = shapes[t].Cols;
            for (int i = 0; i < Codes[t].Length; i++) all.Add(Codes[t][i] * Steps[t][i / cols]);
        }
        return all.ToArray();
    }

    public byte[] ToBytes()
    {
        var enc = new RangeEncoder();
        for (int t = 0; t < Codes.Length; t++)
        {
            var coder = new TensorCoder(TensorBits[t]);
            foreach (int c in Codes[t]) coder.Encode(enc, c);
        }
        byte[] stream = enc.Finish();
        var buf = new byte[FixedBytes(Layers, Width, Rank, Bands) + stream.Length];
        var s = buf.AsSpan();
        s[0] = Kind;
        s[1] = checked((byte)Layers);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], checked((ushort)Width));
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], checked((ushort)Rank));
        s[6] = (byte)Bits;
        BinaryPrimitives.WriteSingleLittleEndian(s[7..], Omega0);
        int o = HeaderBytes;
        foreach (int b in TensorBits) s[o++] = (byte)b;
        foreach (var rows in Steps)
            foreach (float step in rows) { BinaryPrimitives.WriteHalfLittleEndian(s[o..], (Half)step); o += 2; }
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)stream.Length);
        stream.CopyTo(s[(o + 4)..]);
        return buf;
    }

    public static CompactPayload Parse(ReadOnlySpan<byte> s, int bands, string? path = null)
    {
        if (s.Length < HeaderBytes) throw Bad($"The compact INR payload has {s.Length} bytes, fewer than its {HeaderBytes}-byte header.", path);
        if (s[0] != Kind) throw Bad($"Unknown INR payload kind {s[0]}.", path);
        int layers = s[1];
        int width = BinaryPrimitives.ReadUInt16LittleEndian(s[2..]);
        int rank = BinaryPrimitives.ReadUInt16LittleEndian(s[4..]);
        int bits = s[6];
        float omega0 = BinaryPrimitives.ReadSingleLittleEndian(s[7..]);
        if (layers < 1 || width < 1 || width > 4096 || rank < 1 || rank > bands)
            throw Bad($"Invalid network shape: {layers} layers of width {width}, rank {rank} for {bands} bands.", path);
        if (bits is < 2 or > 16) throw Bad($"Invalid weight bit depth {bits}.", path);
        if (!float.IsFinite(omega0) || omega0 <= 0 || omega0 > 1e4) throw Bad($"Invalid ω0 {omega0}.", path);
        long fixedBytes = FixedBytes(layers, width, rank, bands);
        if (fixedBytes > s.Length) throw Bad($"The payload ({s.Length} bytes) is shorter than the {fixedBytes} bytes its network's steps need.", path);
        // Every weight costs at least a fraction of a bit: a payload far too small for its network is corrupt,
        // and checking that first keeps a forged shape from allocating huge code arrays.
        long parameters = CompactSiren.ParameterCount(layers, width, rank, bands);
        if (parameters > 64L * s.Length + 4096) throw Bad($"{parameters} weights cannot be coded in {s.Length} bytes.", path);

        var shapes = TensorShapes(layers, width, rank, bands).ToArray();
        int o = HeaderBytes;
        var tensorBits = new int[shapes.Length];
        for (int t = 0; t < shapes.Length; t++)
        {
            tensorBits[t] = s[o++];
            if (tensorBits[t] is < 2 or > 16) throw Bad($"Invalid bit depth {tensorBits[t]} for tensor {t}.", path);
        }
        var steps = new float[shapes.Length][];
        for (int t = 0; t < shapes.Length; t++)
        {
            steps[t] = new float[shapes[t].Rows];
            for (int r = 0; r < steps[t].Length; r++, o += 2)
            {
                float v = (float)BinaryPrimitives.ReadHalfLittleEndian(s[o..]);
                if (!float.IsFinite(v) || v <= 0) throw Bad($"Invalid quantisation step {v}.", path);
                steps[t][r] = v;
            }
        }
        long streamLen = BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);
        if (o + 4 + streamLen != s.Length) throw Bad($"The coded weights' length ({streamLen}) does not match the payload.", path);
        var dec = new RangeDecoder(s[(o + 4)..].ToArray());
        var codes = new int[shapes.Length][];
        try
        {
            for (int t = 0; t < shapes.Length; t++)
            {
                var coder = new TensorCoder(tensorBits[t]);
                codes[t] = new int[(long)shapes[t].Rows * shapes[t].Cols];
                for (int i = 0; i < codes[t].Length; i++) codes[t][i] = coder.Decode(dec, path);
                if (dec.IsCorrupt) throw Bad("The coded weights end before all weights were read.", path);
            }
        }
        catch (InvalidDataException e) { throw new HsiException(HsiErrorKind.CorruptArchive, "The coded weights are corrupt.", path, e); }
        return new CompactPayload(layers, width, rank, bands, bits, omega0, tensorBits, steps, codes);
    }

    /// <summary>One tensor's adaptive code for signed integers within ±MaxLevel(bits).</summary>
    private sealed class TensorCoder(int bits)
    {
        private readonly int max = WeightQuantizer.MaxLevel(bits);
        private readonly AdaptiveBitTree? tree = bits <= MaxTreeBits ? new AdaptiveBitTree(bits) : null;
        private readonly AdaptiveIntegerModel gamma = new();
        private readonly AdaptiveBitModel sign = new();

        public void Encode(RangeEncoder enc, int code)
        {
            if (tree is not null) tree.Encode(enc, code + max);
            else gamma.EncodeSigned(enc, code, sign);
        }

        public int Decode(RangeDecoder dec, string? path)
        {
            int c = tree is not null ? tree.Decode(dec) - max : gamma.DecodeSigned(dec, sign);
            if (c < -max || c > max) throw Bad($"Weight code {c} outside ±{max}.", path);
            return c;
        }
    }

    private static HsiException Bad(string message, string? path) => new(HsiErrorKind.CorruptArchive, message, path);
}
