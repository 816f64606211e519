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
/// Kind 4 is kind 3 followed by <see cref="PixelCorrections"/>. Kind 5 (written) moves the steps into the coded
/// stream, each as the difference from the row before (<see cref="StepGrid"/>; a float16 per row was
/// 5 % of a Jasper Ridge archive at 0.1 bpppb and a tenth of one at 0.025), and codes the mean spectrum, like the
/// basis, as differences between bands. Kind 6 is kind 5 followed by corrections; the codec writes it when it stored
/// corrections.
/// </summary>
public sealed record CompactPayload(int Layers, int Width, int Rank, int Bands, int Bits, float Omega0, int[] TensorBits, float[][] Steps, int[][] Codes)
{
    /// <summary>The payload kind written: steps coded in the stream, band-differenced basis and mean spectrum.</summary>
    public const byte Kind = 5;
    /// <summary>Kind 5 weights followed by a <see cref="PixelCorrections"/> section.</summary>
    public const byte CorrectedKind = 6;
    /// <summary>The first compact kind: every tensor coded alone, symbol by symbol. Still read.</summary>
    public const byte FirstKind = 2;
    /// <summary>Raw float16 steps, band-differenced basis, top-bits model for the wide tensors. Still read.</summary>
    public const byte SecondKind = 3;
    /// <summary>Kind 3 weights followed by a <see cref="PixelCorrections"/> section. Still read.</summary>
    public const byte SecondCorrectedKind = 4;
    /// <summary>Kinds 3 and 5: the bits of a wide (over 12-bit) code that are modelled; the ones below are sent raw.</summary>
    private const int WideModelBits = 4;
    public const int HeaderBytes = 11;
    /// <summary>Bit depth of the small, sensitive tensors (first layer, biases): they cost little and ω0 amplifies their
    /// error. 12 bits: rounding a trained Jasper Ridge network's first layer or mean spectrum to 12 bits cost under
    /// 0.01 dB, its hidden biases 0.03 dB (10 bits: 0.44 dB); the 16 bits used before spent 4 more bits on each.</summary>
    public const int FineBits = 12;
    private const int MaxTreeBits = 12;

    /// <summary>Corrections for the pixels the network fits worst (kinds 4 and 6); null for none.</summary>
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
        Enumerable.Range(0, 2 * (layers + 2)).Select(t => IsFine(t) ? Math.Max(bits, FineBits) : bits).ToArray();

    /// <summary>The first layer's weights and every bias: the tensors at <see cref="FineBits"/>, which the rate
    /// controller leaves on the finest grid.</summary>
    public static bool IsFine(int tensor) => tensor == 0 || tensor % 2 == 1;

    /// <summary>Bytes before the entropy-coded stream: header, tensor bit depths, the raw float16 steps of kinds 2–4,
    /// and the stream's length field.</summary>
    public static long FixedBytes(byte kind, int layers, int width, int rank, int bands) =>
        HeaderBytes + 2L * (layers + 2) + (CodedSteps(kind) ? 0 : 2L * TensorShapes(layers, width, rank, bands).Sum(s => (long)s.Rows)) + 4;

    /// <summary>Kinds 5 and 6 code the steps in the stream.</summary>
    private static bool CodedSteps(byte kind) => kind is Kind or CorrectedKind;
    private static bool HasCorrections(byte kind) => kind is CorrectedKind or SecondCorrectedKind;
    /// <summary>The weights-only kind whose layout a kind's weights have.</summary>
    private static byte WeightKind(byte kind) => kind switch { CorrectedKind => Kind, SecondCorrectedKind => SecondKind, _ => kind };

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
    /// <see cref="Kind"/> (the weights alone), or an older weights-only kind (<see cref="SecondKind"/>,
    /// <see cref="FirstKind"/>) to compare the codings of the weights on the same codes (the codec never writes them).</summary>
    public byte[] ToBytes(byte kind)
    {
        if (kind is not (Kind or CorrectedKind or SecondKind or FirstKind)) throw new ArgumentOutOfRangeException(nameof(kind));
        byte[] corrections = HasCorrections(kind)
            ? (Corrections ?? throw new InvalidOperationException($"Kind {kind} needs pixel corrections.")).ToBytes()
            : [];
        byte weightKind = WeightKind(kind);
        var enc = new RangeEncoder();
        var shapes = TensorShapes(Layers, Width, Rank, Bands).ToArray();
        if (CodedSteps(kind)) new StepCoder().Encode(enc, Steps);
        for (int t = 0; t < Codes.Length; t++)
        {
            var coder = new TensorCoder(weightKind, TensorBits[t], DifferenceDistance(weightKind, t, Layers, shapes[t].Cols));
            for (int i = 0; i < Codes[t].Length; i++) coder.Encode(enc, Codes[t], i);
        }
        byte[] stream = enc.Finish();
        var buf = new byte[FixedBytes(kind, Layers, Width, Rank, Bands) + stream.Length + corrections.Length];
        var s = buf.AsSpan();
        s[0] = kind;
        s[1] = checked((byte)Layers);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], checked((ushort)Width));
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], checked((ushort)Rank));
        s[6] = (byte)Bits;
        BinaryPrimitives.WriteSingleLittleEndian(s[7..], Omega0);
        int o = HeaderBytes;
        foreach (int b in TensorBits) s[o++] = (byte)b;
        if (!CodedSteps(kind))
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
        if (kind is not (Kind or CorrectedKind or SecondKind or SecondCorrectedKind or FirstKind))
            throw new HsiException(HsiErrorKind.UnsupportedVersion, $"Unknown compact INR payload kind {kind} (this module reads kinds {FirstKind} to {CorrectedKind}). Update the module.", path);
        byte weightKind = WeightKind(kind);
        int layers = s[1];
        int width = BinaryPrimitives.ReadUInt16LittleEndian(s[2..]);
        int rank = BinaryPrimitives.ReadUInt16LittleEndian(s[4..]);
        int bits = s[6];
        float omega0 = BinaryPrimitives.ReadSingleLittleEndian(s[7..]);
        if (layers < 1 || width < 1 || width > 4096 || rank < 1 || rank > bands)
            throw Bad($"Invalid network shape: {layers} layers of width {width}, rank {rank} for {bands} bands.", path);
        if (bits is < 2 or > 16) throw Bad($"Invalid weight bit depth {bits}.", path);
        if (!float.IsFinite(omega0) || omega0 <= 0 || omega0 > 1e4) throw Bad($"Invalid ω0 {omega0}.", path);
        long fixedBytes = FixedBytes(kind, layers, width, rank, bands);
        if (fixedBytes > s.Length) throw Bad($"The payload ({s.Length} bytes) is shorter than the {fixedBytes} bytes its header, bit depths and (kinds 2–4) steps need.", path);
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
        var steps = shapes.Select(sh => new float[sh.Rows]).ToArray();
        if (!CodedSteps(kind))
            for (int t = 0; t < shapes.Length; t++)
                for (int r = 0; r < steps[t].Length; r++, o += 2)
                {
                    float v = (float)BinaryPrimitives.ReadHalfLittleEndian(s[o..]);
                    if (!float.IsFinite(v) || v <= 0) throw Bad($"Invalid quantisation step {v}.", path);
                    steps[t][r] = v;
                }
        long streamLen = BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);
        long weightsEnd = o + 4 + streamLen;
        if (HasCorrections(kind) ? weightsEnd >= s.Length : weightsEnd != s.Length)
            throw Bad($"The coded weights' length ({streamLen}) does not match the payload.", path);
        var corrections = HasCorrections(kind) ? PixelCorrections.Read(s[(int)weightsEnd..], bands, pixels, path) : null;
        var dec = new RangeDecoder(s[(o + 4)..(int)weightsEnd].ToArray());
        var codes = new int[shapes.Length][];
        try
        {
            if (CodedSteps(kind))
            {
                new StepCoder().Decode(dec, steps, path);
                if (dec.IsCorrupt) throw Bad("The coded steps end before all steps were read.", path);
            }
            for (int t = 0; t < shapes.Length; t++)
            {
                var coder = new TensorCoder(weightKind, tensorBits[t], DifferenceDistance(weightKind, t, layers, shapes[t].Cols));
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

    /// <summary>How far back the neighbour is that a code is coded as a difference from: the basis (bands × k, one
    /// band per row) one row back in kinds 3 and 5, the mean spectrum (its bias) one band back in kind 5; 0 for
    /// tensors coded code by code.</summary>
    private static int DifferenceDistance(byte kind, int tensor, int layers, int cols) =>
        kind is (SecondKind or Kind) && tensor == BasisTensor(layers) ? cols
        : kind == Kind && tensor == BasisTensor(layers) + 1 ? 1
        : 0;

    /// <summary>
    /// Kind 5's steps: every tensor's rows in storage order as float16 bit patterns, split at <see cref="StepGrid"/>'s
    /// boundary. The top bits of a tensor's first row are coded with a bit tree, each later row's as the difference from
    /// the row before with the adaptive gamma code; the low bits with their own bit tree (zero for the encoder's grid
    /// steps, so they cost almost nothing). One set of models for the whole payload: a tensor has few rows to learn from.
    /// </summary>
    private sealed class StepCoder
    {
        private const int TopBits = 15 - StepGrid.DroppedBits;
        /// <summary>Bit patterns of the positive finite float16 values.</summary>
        private const int MinPattern = 1, MaxPattern = 0x7BFF;
        private readonly AdaptiveBitTree first = new(TopBits);
        private readonly AdaptiveBitTree low = new(StepGrid.DroppedBits);
        private readonly AdaptiveIntegerModel delta = new();
        private readonly AdaptiveBitModel sign = new();

        public void Encode(RangeEncoder enc, float[][] steps)
        {
            foreach (var rows in steps)
            {
                int previous = 0;
                for (int r = 0; r < rows.Length; r++)
                {
                    int pattern = BitConverter.HalfToUInt16Bits((Half)rows[r]);
                    if (pattern is < MinPattern or > MaxPattern) throw new InvalidOperationException($"Step {rows[r]} is not a positive finite float16.");
                    int top = pattern >> StepGrid.DroppedBits;
                    if (r == 0) first.Encode(enc, top);
                    else delta.EncodeSigned(enc, top - previous, sign);
                    low.Encode(enc, pattern & ((1 << StepGrid.DroppedBits) - 1));
                    previous = top;
                }
            }
        }

        public void Decode(RangeDecoder dec, float[][] steps, string? path)
        {
            foreach (var rows in steps)
            {
                long top = 0;
                for (int r = 0; r < rows.Length; r++)
                {
                    top = r == 0 ? first.Decode(dec) : top + delta.DecodeSigned(dec, sign);
                    long pattern = (top << StepGrid.DroppedBits) | (long)low.Decode(dec);
                    if (top < 0 || pattern is < MinPattern or > MaxPattern) throw Bad($"Invalid quantisation step (float16 bits 0x{pattern:X}).", path);
                    rows[r] = (float)BitConverter.UInt16BitsToHalf((ushort)pattern);
                }
            }
        }
    }

    /// <summary>
    /// One tensor's adaptive code for signed integers within ±MaxLevel(bits), fresh per tensor. Kind 2: a bit tree over
    /// the whole code up to 12 bits, an adaptive Elias-gamma code above. Kinds 3 and 5: the same bit tree, except that
    /// a differenced tensor codes each code's difference from its neighbour (<see cref="DifferenceDistance"/>) with the
    /// gamma code, and a wide tensor models the top <see cref="WideModelBits"/> bits of code + max and sends the rest raw.
    /// </summary>
    private sealed class TensorCoder
    {
        private readonly int bits, max, distance;
        private readonly bool wideTopBits;
        private readonly AdaptiveBitTree? tree;
        private readonly AdaptiveIntegerModel gamma = new();
        private readonly AdaptiveBitModel sign = new();

        /// <param name="distance">How far back a differenced code's neighbour is (<see cref="DifferenceDistance"/>); 0 for none.</param>
        public TensorCoder(byte kind, int bits, int distance)
        {
            this.bits = bits;
            this.distance = distance;
            max = WeightQuantizer.MaxLevel(bits);
            wideTopBits = kind != FirstKind && bits > MaxTreeBits && distance == 0;
            tree = wideTopBits ? new AdaptiveBitTree(WideModelBits) : bits <= MaxTreeBits && distance == 0 ? new AdaptiveBitTree(bits) : null;
        }

        /// <summary>The neighbour a differenced code is coded against (0 before the first): <paramref name="codes"/>
        /// holds every code before <paramref name="i"/>, on both sides.</summary>
        private int Above(int[] codes, int i) => i >= distance ? codes[i - distance] : 0;

        /// <summary>Codes codes[i].</summary>
        public void Encode(RangeEncoder enc, int[] codes, int i)
        {
            int code = codes[i];
            if (distance > 0) gamma.EncodeSigned(enc, code - Above(codes, i), sign);
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
            if (distance > 0) c = (int)Math.Clamp((long)Above(codes, i) + gamma.DecodeSigned(dec, sign), int.MinValue, int.MaxValue);
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
