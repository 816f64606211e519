using System.Buffers.Binary;
using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The INR codec's payload (codec id 1): the network shape, ω0, the storage precision and the weights in
/// <see cref="SirenNetwork.OrderedParameters"/> order (per layer: weight rows, then bias), little-endian.
/// </summary>
public sealed record InrPayload(int Layers, int Width, int Outputs, WeightPrecision Precision, float Omega0, float[] Weights)
{
    public const int HeaderBytes = 8;
    public const int MaxLayers = 255;
    public const int MaxWidth = ushort.MaxValue;

    public static int BytesPerWeight(WeightPrecision p) => p == WeightPrecision.Half ? 2 : 4;

    public static long PayloadBytes(int layers, int width, int outputs, WeightPrecision p) =>
        HeaderBytes + SirenNetwork.ParameterCount(layers, width, outputs) * BytesPerWeight(p);

    public byte[] ToBytes()
    {
        long expected = SirenNetwork.ParameterCount(Layers, Width, Outputs);
        if (Weights.LongLength != expected) throw new InvalidOperationException($"{Weights.Length} weights for a network that has {expected}.");
        var buf = new byte[PayloadBytes(Layers, Width, Outputs, Precision)];
        buf[0] = checked((byte)Layers);
        BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(1), checked((ushort)Width));
        buf[3] = (byte)Precision;
        BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4), Omega0);
        var s = buf.AsSpan(HeaderBytes);
        if (Precision == WeightPrecision.Half)
            for (int i = 0; i < Weights.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(s[(2 * i)..], (Half)Weights[i]);
        else
            for (int i = 0; i < Weights.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(4 * i)..], Weights[i]);
        return buf;
    }

    public static InrPayload Parse(ReadOnlySpan<byte> s, int outputs, string? path = null)
    {
        if (s.Length < HeaderBytes) throw Bad($"The INR payload has {s.Length} bytes, fewer than its {HeaderBytes}-byte header.", path);
        int layers = s[0];
        int width = BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        var precision = (WeightPrecision)s[3];
        float omega0 = BinaryPrimitives.ReadSingleLittleEndian(s[4..]);
        if (layers < 1 || width < 1) throw Bad($"Invalid network shape: {layers} layers of width {width}.", path);
        if (!Enum.IsDefined(precision)) throw Bad($"Unknown weight precision {(byte)precision}.", path);
        if (!float.IsFinite(omega0) || omega0 <= 0 || omega0 > 1e4) throw Bad($"Invalid ω0 {omega0}.", path);
        long expected = PayloadBytes(layers, width, outputs, precision);
        if (expected != s.Length)
            throw Bad($"A {layers}×{width} network with {outputs} outputs at {precision} precision needs {expected} payload bytes; the archive has {s.Length}.", path);
        var w = new float[SirenNetwork.ParameterCount(layers, width, outputs)];
        var d = s[HeaderBytes..];
        if (precision == WeightPrecision.Half)
            for (int i = 0; i < w.Length; i++) w[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(d[(2 * i)..]);
        else
            for (int i = 0; i < w.Length; i++) w[i] = BinaryPrimitives.ReadSingleLittleEndian(d[(4 * i)..]);
        return new InrPayload(layers, width, outputs, precision, omega0, w);
    }

    private static HsiException Bad(string message, string? path) => new(HsiErrorKind.CorruptArchive, message, path);
}
