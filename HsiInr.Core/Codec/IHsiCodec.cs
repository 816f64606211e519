using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;

namespace HsiInr.Core.Codec;

/// <summary>
/// A codec that fits inside the .hsiinr container: it turns a cube into a payload whose *whole archive* meets a
/// rate, and a payload back into samples. The container (header, name, wavelengths, CRC) is shared, so every
/// codec's archive decodes through <see cref="ArchiveDecoder"/> and is measured the same way.
/// </summary>
public interface IHsiCodec
{
    CodecId Id { get; }

    /// <summary>
    /// Encodes <paramref name="cube"/> so that <c>ArchiveFormat.ArchiveSize(header, payload.Length) * 8 / (H·W·C)</c>
    /// is at most <paramref name="bpppb"/> (as close to it as the codec's rate control allows).
    /// </summary>
    /// <param name="header">The archive header this payload will sit behind (its size counts in the rate).</param>
    byte[] EncodePayload(HsiCube cube, ArchiveHeader header, double bpppb, IProgress<FitProgress>? progress, CancellationToken ct);

    /// <summary>Samples in original units, BIP order (see <see cref="HsiCube"/>), before rounding to the original type.</summary>
    float[] DecodePayload(ArchiveHeader header, ReadOnlyMemory<byte> payload, string? path);
}
