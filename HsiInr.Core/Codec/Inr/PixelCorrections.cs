using System.Buffers.Binary;
using HsiInr.Core.Codec.Entropy;
using HsiInr.Core.Codec.Tiling;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// Corrections for the few pixels a SIREN smooths away (payload kinds 4 and 6, docs/format.md): a trunk fits the scene's
/// smooth structure, so its error gathers in small objects (on abu-urban-4, a tenth of a percent of the pixels held
/// 15 % of the squared error). The bytes the network leaves under the budget buy, for the K worst pixels, their
/// residual spectra in a rank-q basis of their own: basis and coefficients quantised and range coded, positions as
/// gaps. Added to the network's output in original units before rounding to the stored type.
/// </summary>
public sealed record PixelCorrections(int[] Pixels, int Rank, int Bands, float[] BasisSteps, int[] BasisCodes, float[] CoefficientSteps, int[] CoefficientCodes)
{
    /// <summary>Bit depth of the basis codes (band-differenced, like the network's basis).</summary>
    public const int BasisBits = 8;
    /// <summary>The largest rank and coefficient depth the encoder tries; the reader accepts up to these.</summary>
    public const int MaxRank = 8, MaxCoefficientBits = 12;
    private static readonly int[] RankCandidates = [1, 2, 3, 4, 6, 8];
    private static readonly int[] CoefficientBitCandidates = [4, 5, 6, 8, 10];

    public int Count => Pixels.Length;

    /// <summary>Adds the corrections to <paramref name="samples"/> (BIP, original units) of <paramref name="window"/>
    /// within a grid <paramref name="gridWidth"/> pixels wide.</summary>
    public void Apply(float[] samples, int gridWidth, PixelRegion window)
    {
        var basis = Basis();
        for (int i = 0; i < Pixels.Length; i++)
        {
            int row = Pixels[i] / gridWidth, col = Pixels[i] % gridWidth;
            if (row < window.Y || row >= window.Y + window.Height || col < window.X || col >= window.X + window.Width) continue;
            long at = ((long)(row - window.Y) * window.Width + (col - window.X)) * Bands;
            for (int j = 0; j < Rank; j++)
            {
                float c = CoefficientCodes[i * Rank + j] * CoefficientSteps[j];
                if (c == 0) continue;
                for (int b = 0; b < Bands; b++) samples[at + b] += c * basis[j * Bands + b];
            }
        }
    }

    private float[] Basis() => BasisCodes.Select((code, i) => code * BasisSteps[i / Bands]).ToArray();

    /// <summary>
    /// The corrections that remove the most squared error from <paramref name="approx"/> within <paramref name="maxBytes"/>
    /// coded bytes: the worst K pixels (K = 4·2^(i/2), up to 16 384), the residuals' top q principal directions quantised at
    /// <see cref="BasisBits"/>, least-squares coefficients at 4–10 bits; every candidate is coded and measured.
    /// Null when none fits or none helps.
    /// </summary>
    public static PixelCorrections? Fit(float[] target, float[] approx, int bands, long maxBytes)
    {
        long pixels = target.Length / bands;
        if (maxBytes < 32 || pixels < 2) return null;
        var pixelSse = new double[pixels];
        for (long p = 0; p < pixels; p++)
        {
            double acc = 0;
            for (long s = p * bands, e = s + bands; s < e; s++) { double d = Residual(target, approx, s); acc += d * d; }
            pixelSse[p] = acc;
        }
        var worst = Enumerable.Range(0, (int)pixels).OrderByDescending(p => pixelSse[p]).ThenBy(p => p).ToArray();
        PixelCorrections? best = null;
        double bestGain = 0;
        // K in steps of √2, so the chosen set fills the bytes left closely.
        foreach (int k in Enumerable.Range(0, 2 * 12 + 1).Select(i => (int)Math.Round(4 * Math.Pow(2, i / 2.0))).Where(k => k <= pixels))
        {
            // Each pixel costs at least a few bits; a K the budget could never hold is not worth its SVD.
            if (k * 6L > maxBytes * 8) break;
            var chosen = worst.Take(k).Order().ToArray();
            var residual = new double[k * bands];
            for (int i = 0; i < k; i++)
                for (int b = 0; b < bands; b++)
                    residual[i * bands + b] = Residual(target, approx, (long)chosen[i] * bands + b);
            double before = residual.Sum(v => v * v);
            var directions = PrincipalDirections(residual, k, bands, Math.Min(MaxRank, Math.Min(k, bands)));
            foreach (int q in RankCandidates.Where(q => q <= directions.Length))
            {
                var (basisSteps, basisCodes) = QuantiseBasis(directions.Take(q).ToArray(), bands);
                var coefficients = LeastSquares(residual, k, bands, basisSteps, basisCodes, q);
                foreach (int bits in CoefficientBitCandidates)
                {
                    var (coefSteps, coefCodes) = QuantiseCoefficients(coefficients, k, q, bits);
                    var candidate = new PixelCorrections(chosen, q, bands, basisSteps, basisCodes, coefSteps, coefCodes);
                    // Size first: coding a candidate is cheaper than measuring its error.
                    if (candidate.ToBytes().Length > maxBytes) continue;
                    double gain = before - candidate.RemainingSse(residual);
                    if (gain > bestGain) { best = candidate; bestGain = gain; }
                }
            }
        }
        return best;
    }

    /// <summary>Non-finite samples are fitted as the range's minimum and never corrected.</summary>
    private static double Residual(float[] target, float[] approx, long at) => float.IsFinite(target[at]) ? (double)target[at] - approx[at] : 0;

    private double RemainingSse(double[] residual)
    {
        var basis = Basis();
        double sse = 0;
        for (int i = 0; i < Pixels.Length; i++)
            for (int b = 0; b < Bands; b++)
            {
                double v = residual[i * Bands + b];
                for (int j = 0; j < Rank; j++) v -= (double)(CoefficientCodes[i * Rank + j] * CoefficientSteps[j]) * basis[j * Bands + b];
                sse += v * v;
            }
        return sse;
    }

    /// <summary>The top right singular vectors of the k × bands residual matrix.</summary>
    private static double[][] PrincipalDirections(double[] residual, int k, int bands, int count)
    {
        using var scope = NewDisposeScope();
        var m = tensor(residual, [k, bands], ScalarType.Float64);
        var (_, _, vh) = linalg.svd(m, fullMatrices: false);
        var rows = vh.narrow(0, 0, count).contiguous().data<double>().ToArray();
        return Enumerable.Range(0, count).Select(j => rows.AsSpan(j * bands, bands).ToArray()).ToArray();
    }

    private static (float[] Steps, int[] Codes) QuantiseBasis(double[][] directions, int bands)
    {
        int max = WeightQuantizer.MaxLevel(BasisBits);
        var steps = new float[directions.Length];
        var codes = new int[directions.Length * bands];
        for (int j = 0; j < directions.Length; j++)
        {
            steps[j] = (float)(Math.Max(directions[j].Max(Math.Abs), 1e-12) / max);
            for (int b = 0; b < bands; b++) codes[j * bands + b] = (int)Math.Clamp(Math.Round(directions[j][b] / steps[j]), -max, max);
        }
        return (steps, codes);
    }

    /// <summary>Coefficients c minimising ‖r − c·B̂‖ for each pixel, on the quantised basis B̂ (q × q normal equations).</summary>
    private static double[] LeastSquares(double[] residual, int k, int bands, float[] basisSteps, int[] basisCodes, int q)
    {
        using var scope = NewDisposeScope();
        var b = tensor(basisCodes.Select((c, i) => (double)(c * basisSteps[i / bands])).ToArray(), [q, bands], ScalarType.Float64);
        var r = tensor(residual, [k, bands], ScalarType.Float64);
        var gram = b.mm(b.t());
        var rhs = b.mm(r.t());
        return linalg.solve(gram, rhs).t().contiguous().data<double>().ToArray();
    }

    private static (float[] Steps, int[] Codes) QuantiseCoefficients(double[] coefficients, int k, int q, int bits)
    {
        int max = WeightQuantizer.MaxLevel(bits);
        var steps = new float[q];
        var codes = new int[k * q];
        for (int j = 0; j < q; j++)
        {
            double peak = 0;
            for (int i = 0; i < k; i++) peak = Math.Max(peak, Math.Abs(coefficients[i * q + j]));
            steps[j] = (float)(Math.Max(peak, 1e-12) / max);
            for (int i = 0; i < k; i++) codes[i * q + j] = (int)Math.Clamp(Math.Round(coefficients[i * q + j] / steps[j]), -max, max);
        }
        return (steps, codes);
    }

    /// <summary>Count, rank, the float32 steps, then one range-coded stream: position gaps, basis (band differences),
    /// coefficients (one adaptive model per component).</summary>
    public byte[] ToBytes()
    {
        var enc = new RangeEncoder();
        var gaps = new AdaptiveIntegerModel();
        for (int i = 0, previous = -1; i < Pixels.Length; previous = Pixels[i], i++) gaps.Encode(enc, (uint)(Pixels[i] - previous - 1));
        var basisModel = new AdaptiveIntegerModel();
        var basisSign = new AdaptiveBitModel();
        for (int i = 0; i < BasisCodes.Length; i++) basisModel.EncodeSigned(enc, BasisCodes[i] - (i % Bands == 0 ? 0 : BasisCodes[i - 1]), basisSign);
        var models = Enumerable.Range(0, Rank).Select(_ => (Model: new AdaptiveIntegerModel(), Sign: new AdaptiveBitModel())).ToArray();
        for (int i = 0; i < CoefficientCodes.Length; i++) models[i % Rank].Model.EncodeSigned(enc, CoefficientCodes[i], models[i % Rank].Sign);
        byte[] stream = enc.Finish();
        var buf = new byte[FixedBytes(Rank) + stream.Length];
        var s = buf.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)Pixels.Length);
        s[4] = (byte)Rank;
        int o = 5;
        foreach (float v in BasisSteps.Concat(CoefficientSteps)) { BinaryPrimitives.WriteSingleLittleEndian(s[o..], v); o += 4; }
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)stream.Length);
        stream.CopyTo(s[(o + 4)..]);
        return buf;
    }

    private static int FixedBytes(int rank) => 5 + 8 * rank + 4;

    /// <summary>Reads a corrections section that must fill <paramref name="s"/> exactly, for a grid of
    /// <paramref name="pixels"/> pixels; every count is checked before anything is allocated.</summary>
    public static PixelCorrections Read(ReadOnlySpan<byte> s, int bands, long pixels, string? path)
    {
        if (s.Length < 5) throw Bad($"The pixel corrections section has {s.Length} bytes, fewer than its 5-byte header.", path);
        long count = BinaryPrimitives.ReadUInt32LittleEndian(s);
        int rank = s[4];
        if (count < 1 || count > pixels) throw Bad($"{count} corrected pixels in a grid of {pixels}.", path);
        if (rank < 1 || rank > Math.Min(MaxRank, bands)) throw Bad($"Invalid correction rank {rank} for {bands} bands.", path);
        if (s.Length < FixedBytes(rank)) throw Bad("The pixel corrections section is shorter than its steps.", path);
        int o = 5;
        var steps = new float[2 * rank];
        for (int i = 0; i < steps.Length; i++, o += 4)
        {
            steps[i] = BinaryPrimitives.ReadSingleLittleEndian(s[o..]);
            if (!float.IsFinite(steps[i]) || steps[i] <= 0) throw Bad($"Invalid correction step {steps[i]}.", path);
        }
        long streamLength = BinaryPrimitives.ReadUInt32LittleEndian(s[o..]);
        if (o + 4 + streamLength != s.Length) throw Bad($"The pixel corrections' coded length ({streamLength}) does not match the payload.", path);
        // Every position and coefficient costs at least a hundredth of a bit (an adaptive model's floor).
        if (count * (1 + rank) > 1024 * streamLength + 4096) throw Bad($"{count} corrected pixels cannot be coded in {streamLength} bytes.", path);
        var dec = new RangeDecoder(s[(o + 4)..].ToArray());
        try
        {
            var positions = new int[count];
            var gaps = new AdaptiveIntegerModel();
            long previous = -1;
            for (int i = 0; i < count; i++)
            {
                previous += 1 + gaps.Decode(dec);
                if (previous >= pixels) throw Bad($"Corrected pixel {previous} is outside the {pixels}-pixel grid.", path);
                positions[i] = (int)previous;
            }
            int basisMax = WeightQuantizer.MaxLevel(BasisBits), coefficientMax = WeightQuantizer.MaxLevel(MaxCoefficientBits);
            var basis = new int[rank * bands];
            var basisModel = new AdaptiveIntegerModel();
            var basisSign = new AdaptiveBitModel();
            for (int i = 0; i < basis.Length; i++)
            {
                long code = (i % bands == 0 ? 0 : basis[i - 1]) + (long)basisModel.DecodeSigned(dec, basisSign);
                if (Math.Abs(code) > basisMax) throw Bad($"Correction basis code {code} outside ±{basisMax}.", path);
                basis[i] = (int)code;
            }
            var models = Enumerable.Range(0, rank).Select(_ => (Model: new AdaptiveIntegerModel(), Sign: new AdaptiveBitModel())).ToArray();
            var coefficients = new int[count * rank];
            for (int i = 0; i < coefficients.Length; i++)
            {
                int code = models[i % rank].Model.DecodeSigned(dec, models[i % rank].Sign);
                if (Math.Abs((long)code) > coefficientMax) throw Bad($"Correction coefficient code {code} outside ±{coefficientMax}.", path);
                coefficients[i] = code;
            }
            if (dec.IsCorrupt) throw Bad("The pixel corrections end before all of them were read.", path);
            return new PixelCorrections(positions, rank, bands, steps[..rank], basis, steps[rank..], coefficients);
        }
        catch (InvalidDataException e) { throw new HsiException(HsiErrorKind.CorruptArchive, "The pixel corrections are corrupt.", path, e); }
    }

    private static HsiException Bad(string message, string? path) => new(HsiErrorKind.CorruptArchive, message, path);
}
