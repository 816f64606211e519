using HsiInr.Core.Codec.Baselines;
using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec;

/// <summary>The codec behind each non-INR <see cref="CodecId"/> (INR has its own encoder with options and a device).</summary>
public static class CodecRegistry
{
    public static IHsiCodec Get(CodecId id) => id switch
    {
        CodecId.Jpeg => new JpegCodec(),
        CodecId.Jpeg2000 => new Jpeg2000Codec(),
        CodecId.PcaDct => new PcaDctCodec(),
        CodecId.PcaJpeg2000 => new PcaJpeg2000Codec(),
        _ => throw new HsiException(HsiErrorKind.InvalidArgument, $"Codec {id} is not a baseline; INR archives are written by InrCodec."),
    };

    /// <summary>The baseline codecs, in id order.</summary>
    public static IReadOnlyList<CodecId> Baselines { get; } = [CodecId.Jpeg, CodecId.Jpeg2000, CodecId.PcaDct, CodecId.PcaJpeg2000];
}
