using System.Buffers.Binary;
using HsiInr.Core.Codec.Entropy;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The compact INR payload (container version 2, payload kind 2): network shape, weight bit depth, one float16
/// quantisation step per row of every matrix and per bias vector, then every integer code in storage order, range
/// coded with one adaptive bit-tree model per tensor. Decoded weights are code × step, bit-exactly what the encoder
/// evaluated during quantisation-aware training.
/// </summary>
public sealed record CompactPayload(int Layers, int Width, int Rank, int Bands, int Bits, float Omega0, float[][] Steps, int[][] Codes)
{
    public const byte Kind = 2;
    public const int HeaderBytes = 11;

    /// <summary>Storage-order tensor sizes: (rows, columns) for each weight then its bias as (1, out).</summary>
    public static IEnumerable<(int Rows, int Cols)> TensorShapes(int layers, int width, int rank, int bands)
    {
        foreach (var (o, i) in CompactSiren.Shapes(layers, width, rank, bands))
        {
            yield return (o, i);
            yield return (1, o);
        }
    }

    /// <summary>Bytes before the entropy-coded stream: header, steps and the stream's length field.</summary>
    public static long FixedBytes(int layers, int width, int rank, int bands) =>
        HeaderBytes + 2L * TensorShapes(layers, width, rank, bands).Sum(s => (long)s.Rows) + 4;

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
        int offset = WeightQuantizer.MaxLevel(Bits);
        foreach (var codes in Codes)
        {
            var model = new AdaptiveBitTree(Bits);
            foreach (int c in codes) model.Encode(enc, c + offset);
        }
        byte[] stream = enc.Finish();
        var shapes = TensorShapes(Layers, Width, Rank, Bands).ToArray();
        var buf = new byte[FixedBytes(Layers, Width, Rank, Bands) + stream.Length];
        var s = buf.AsSpan();
        s[0] = Kind;
        s[1] = checked((byte)Layers);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], checked((ushort)Width));
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], checked((ushort)Rank));
        s[6] = (byte)Bits;
        BinaryPrimitives.WriteSingleLittleEndian(s[7..], Omega0);
        int o = HeaderBytes;
        for (int t = 0; t < shapes.Length; t++)
            foreach (float step in Steps[t]) { BinaryPrimitives.WriteHalfLittleEndian(s[o..], (Half)step); o += 2; }
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
        var steps = new float[shapes.Length][];
        int o = HeaderBytes;
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
        int offset = WeightQuantizer.MaxLevel(bits);
        var codes = new int[shapes.Length][];
        try
        {
            for (int t = 0; t < shapes.Length; t++)
            {
                var model = new AdaptiveBitTree(bits);
                codes[t] = new int[(long)shapes[t].Rows * shapes[t].Cols];
                for (int i = 0; i < codes[t].Length; i++)
                {
                    int c = model.Decode(dec) - offset;
                    if (c < -offset || c > offset) throw Bad($"Weight code {c} outside ±{offset}.", path);
                    codes[t][i] = c;
                }
                if (dec.IsCorrupt) throw Bad("The coded weights end before all weights were read.", path);
            }
        }
        catch (InvalidDataException e) { throw new HsiException(HsiErrorKind.CorruptArchive, "The coded weights are corrupt.", path, e); }
        return new CompactPayload(layers, width, rank, bands, bits, omega0, steps, codes);
    }

    private static HsiException Bad(string message, string? path) => new(HsiErrorKind.CorruptArchive, message, path);
}
