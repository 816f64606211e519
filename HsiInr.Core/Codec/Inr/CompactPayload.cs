using System.Buffers.Binary;
using HsiInr.Core.Codec.Entropy;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The compact INR payload (container version 2, payload kind 2): network shape, the nominal weight bit depth, the
/// bit depth of each tensor, one float16 quantisation step per row of every matrix and per bias vector, then every
/// integer code in storage order, range coded with one adaptive model per tensor (a bit tree for up to 12 bits, an
/// adaptive Elias-gamma code above). Decoded weights are code × step: bit-exactly the network the encoder trained.
/// Kind 3 (written) codes two kinds of tensor differently from kind 2 (read only, the archives before it), because
/// their codes are not what a per-symbol model expects (bench/results/coding.md): the spectral basis is smooth across
/// bands, so each of its codes is coded as the difference from the band before; the 16-bit tensors are close to
/// uniform, so only their top 4 bits are modelled and the rest sent as they are. The layout is otherwise the same.
/// Kind 4 is kind 3 followed by <see cref="PixelCorrections"/>; the codec writes it when it stored corrections.
/// </summary>
public sealed record CompactPayload(int Layers, int Width, int Rank, int Bands, int Bits, float Omega0, int[] TensorBits, float[][] Steps, int[][] Codes)
{
    /// <summary>The payload kind written: band-differenced basis, top-bits model for the 16-bit tensors.</summary>
    public const byte Kind = 3;
    /// <summary>The first compact kind: every tensor coded alone, symbol by symbol. Still read.</summary>
    public const byte FirstKind = 2;
    /// <summary>Kind 3 weights followed by a <see cref="PixelCorrections"/> section.</summary>
    public const byte CorrectedKind = 4;
    /// <summary>Kind 3: the bits of a wide (16-bit) code that are modelled; the ones below are sent raw.</summary>
    private const int WideModelBits = 4;
    public const int HeaderBytes = 11;
    /// <summary>Bit depth of the small, sensitive tensors (first layer, biases): they cost little and ω0 amplifies their error.</summary>
    public const int FineBits = 16;
    private const int MaxTreeBits = 12;

    /// <summary>Corrections for the pixels the network fits worst (kind 4); null for none.</summary>
    public PixelCorrections? Corrections { get; init; }

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

    public byte[] ToBytes() => ToBytes(Corrections is null ? Kind : CorrectedKind);

    /// <summary>The payload as <paramref name="kind"/>: <see cref="CorrectedKind"/> (weights and corrections),
    /// <see cref="Kind"/> (the weights alone), or <see cref="FirstKind"/> to compare the two codings of the weights on
    /// the same codes (the codec never writes it).</summary>
    public byte[] ToBytes(byte kind)
    {
        if (kind is not (Kind or FirstKind or CorrectedKind)) throw new ArgumentOutOfRangeException(nameof(kind));
        byte[] corrections = kind == CorrectedKind
            ? (Corrections ?? throw new InvalidOperationException("Kind 4 needs pixel corrections.")).ToBytes()
            : [];
        byte weightKind = kind == CorrectedKind ? Kind : kind;
        var enc = new RangeEncoder();
        var shapes = TensorShapes(Layers, Width, Rank, Bands).ToArray();
        for (int t = 0; t < Codes.Length; t++)
        {
            var coder = new TensorCoder(weightKind, TensorBits[t], BandDifferenced(weightKind, t, Layers) ? shapes[t].Cols : 0);
            for (int i = 0; i < Codes[t].Length; i++) coder.Encode(enc, Codes[t], i);
        }
        byte[] stream = enc.Finish();
        var buf = new byte[FixedBytes(Layers, Width, Rank, Bands) + stream.Length + corrections.Length];
        var s = buf.AsSpan();
        s[0] = kind;
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
        corrections.CopyTo(s[(o + 4 + stream.Length)..]);
        return buf;
    }

    /// <param name="pixels">The grid's pixel count, which bounds the corrected pixels' positions.</param>
    public static CompactPayload Parse(ReadOnlySpan<byte> s, int bands, long pixels, string? path = null)
    {
        if (s.Length < HeaderBytes) throw Bad($"The compact INR payload has {s.Length} bytes, fewer than its {HeaderBytes}-byte header.", path);
        byte kind = s[0];
        if (kind is not (Kind or FirstKind or CorrectedKind))
            throw new HsiException(HsiErrorKind.UnsupportedVersion, $"Unknown compact INR payload kind {kind} (this module reads kinds {FirstKind} to {CorrectedKind}). Update the module.", path);
        byte weightKind = kind == CorrectedKind ? Kind : kind;
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
        long weightsEnd = o + 4 + streamLen;
        if (kind == CorrectedKind ? weightsEnd >= s.Length : weightsEnd != s.Length)
            throw Bad($"The coded weights' length ({streamLen}) does not match the payload.", path);
        var corrections = kind == CorrectedKind ? PixelCorrections.Read(s[(int)weightsEnd..], bands, pixels, path) : null;
        var dec = new RangeDecoder(s[(o + 4)..(int)weightsEnd].ToArray());
        var codes = new int[shapes.Length][];
        try
        {
            for (int t = 0; t < shapes.Length; t++)
            {
                var coder = new TensorCoder(weightKind, tensorBits[t], BandDifferenced(weightKind, t, layers) ? shapes[t].Cols : 0);
                codes[t] = new int[(long)shapes[t].Rows * shapes[t].Cols];
                for (int i = 0; i < codes[t].Length; i++) codes[t][i] = coder.Decode(dec, codes[t], i, path);
                if (dec.IsCorrupt) throw Bad("The coded weights end before all weights were read.", path);
            }
        }
        catch (InvalidDataException e) { throw new HsiException(HsiErrorKind.CorruptArchive, "The coded weights are corrupt.", path, e); }
        return new CompactPayload(layers, width, rank, bands, bits, omega0, tensorBits, steps, codes) { Corrections = corrections };
    }

    /// <summary>Storage index of the basis weights (bands × k): after the n_h sine layers and the head, weight and bias each.</summary>
    public static int BasisTensor(int layers) => 2 * (layers + 1);

    /// <summary>Kind 3 codes the basis weights as differences across bands.</summary>
    private static bool BandDifferenced(byte kind, int tensor, int layers) => kind == Kind && tensor == BasisTensor(layers);

    /// <summary>
    /// One tensor's adaptive code for signed integers within ±MaxLevel(bits), fresh per tensor. Kind 2: a bit tree over
    /// the whole code up to 12 bits, an adaptive Elias-gamma code above. Kind 3: the same bit tree, except that a
    /// band-differenced tensor codes each code's difference from the code one row up (same column) with the gamma
    /// code, and a wide tensor models the top <see cref="WideModelBits"/> bits of code + max and sends the rest raw.
    /// </summary>
    private sealed class TensorCoder
    {
        private readonly int bits, max, rowLength;
        private readonly bool wideTopBits;
        private readonly AdaptiveBitTree? tree;
        private readonly AdaptiveIntegerModel gamma = new();
        private readonly AdaptiveBitModel sign = new();

        /// <param name="rowLength">Columns of a band-differenced tensor; 0 for any other.</param>
        public TensorCoder(byte kind, int bits, int rowLength)
        {
            this.bits = bits;
            this.rowLength = rowLength;
            max = WeightQuantizer.MaxLevel(bits);
            wideTopBits = kind == Kind && bits > MaxTreeBits;
            tree = wideTopBits ? new AdaptiveBitTree(WideModelBits) : bits <= MaxTreeBits && rowLength == 0 ? new AdaptiveBitTree(bits) : null;
        }

        /// <summary>The code one row up in the tensor (0 in the first row): <paramref name="codes"/> holds every code
        /// before <paramref name="i"/>, on both sides.</summary>
        private int Above(int[] codes, int i) => i >= rowLength ? codes[i - rowLength] : 0;

        /// <summary>Codes codes[i].</summary>
        public void Encode(RangeEncoder enc, int[] codes, int i)
        {
            int code = codes[i];
            if (rowLength > 0) gamma.EncodeSigned(enc, code - Above(codes, i), sign);
            else if (wideTopBits)
            {
                int low = bits - WideModelBits, u = code + max;
                tree!.Encode(enc, u >> low);
                enc.EncodeRaw((uint)(u & ((1 << low) - 1)), low);
            }
            else if (tree is not null) tree.Encode(enc, code + max);
            else gamma.EncodeSigned(enc, code, sign);
        }

        /// <summary>Decodes the code at <paramref name="i"/>; the ones before it are already in <paramref name="codes"/>.</summary>
        public int Decode(RangeDecoder dec, int[] codes, int i, string? path)
        {
            int c;
            if (rowLength > 0) c = (int)Math.Clamp((long)Above(codes, i) + gamma.DecodeSigned(dec, sign), int.MinValue, int.MaxValue);
            else if (wideTopBits)
            {
                int low = bits - WideModelBits;
                c = ((tree!.Decode(dec) << low) | (int)dec.DecodeRaw(low)) - max;
            }
            else c = tree is not null ? tree.Decode(dec) - max : gamma.DecodeSigned(dec, sign);
            if (c < -max || c > max) throw Bad($"Weight code {c} outside ±{max}.", path);
            return c;
        }
    }

    private static HsiException Bad(string message, string? path) => new(HsiErrorKind.CorruptArchive, message, path);
}
