using System.Buffers.Binary;
using System.IO.Hashing;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;

namespace HsiInr.Core.Tests;

[Collection("Torch")]
public class ArchiveFormatTests
{
    private static readonly Lazy<byte[]> Sample = new(() =>
    {
        var cube = CodecTestData.SmoothCube(8, 8, 6);
        cube.Wavelengths = Enumerable.Range(0, 6).Select(i => 400.0 + 10 * i).ToArray();
        return InrCodec.Compress(cube, new InrOptions { Recipe = InrRecipe.Paper, Layers = 2, Width = 8, Iterations = 20, Device = DeviceKind.Cpu }).Archive;
    });

    [Fact]
    public void RoundTripIsBitExact()
    {
        var bytes = Sample.Value;
        var (h, payload) = ArchiveFormat.Read(bytes);
        Assert.Equal(bytes, ArchiveFormat.Write(h, payload.Span));
        var inr = InrPayload.Parse(payload.Span, h.Bands);
        Assert.Equal(payload.ToArray(), inr.ToBytes());
        Assert.Equal(new float[] { 400, 410, 420, 430, 440, 450 }, h.Wavelengths);
        Assert.Equal("smooth", h.Name);
    }

    [Fact]
    public void EverySingleByteChangeIsDetected()
    {
        var bytes = Sample.Value;
        for (int i = 0; i < bytes.Length; i++)
        {
            var m = (byte[])bytes.Clone();
            m[i] ^= 0x5A;
            var e = Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(m));
            Assert.Contains(e.Kind, new[] { HsiErrorKind.ChecksumMismatch, HsiErrorKind.BadMagic, HsiErrorKind.UnsupportedVersion });
        }
    }

    [Fact]
    public void EveryTruncationIsDetected()
    {
        var bytes = Sample.Value;
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(bytes[..n]));
    }

    [Fact]
    public void UnknownVersionIsRefusedByName()
    {
        var m = (byte[])Sample.Value.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(8), 99);
        var e = Assert.Throws<HsiException>(() => ArchiveFormat.Read(m));
        Assert.Equal(HsiErrorKind.UnsupportedVersion, e.Kind);
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void InconsistentSizesBehindAValidCrcAreRefusedWithoutAllocating()
    {
        // Claim a 100000×100000×1000 cube, re-seal the CRC: the parser must refuse it from the numbers alone.
        var m = (byte[])Sample.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), 100_000);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(16), 100_000);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(20), 1000);
        Reseal(m);
        Assert.Equal(HsiErrorKind.SizeLimitExceeded, Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(m)).Kind);

        // A payload that does not match the network its header describes.
        var n = (byte[])Sample.Value.Clone();
        var (h, _) = ArchiveFormat.Read(n);
        int payloadAt = ArchiveFormat.FixedHeaderBytes + h.Name.Length + 4 * h.Bands + 4;
        n[payloadAt] = 200; // layers
        Reseal(n);
        Assert.Equal(HsiErrorKind.CorruptArchive, Assert.Throws<HsiException>(() => ArchiveDecoder.Decode(n)).Kind);
    }

    [Fact]
    public void RandomMutationsGiveAnErrorOrAValidCubeNeverACrash()
    {
        var bytes = Sample.Value;
        var rng = new Random(2024);
        int errors = 0, decoded = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var m = (byte[])bytes.Clone();
            int edits = rng.Next(1, 6);
            // Resealed trials leave the dimensions alone: a forged valid header may describe any (huge) cube.
            int from = trial % 2 == 0 ? 24 : 0;
            for (int k = 0; k < edits; k++) m[rng.Next(from, m.Length - 4)] = (byte)rng.Next(256);
            // Half the trials re-seal the CRC so the strict field checks behind it are exercised too.
            if (trial % 2 == 0) Reseal(m);
            try
            {
                var cube = ArchiveDecoder.Decode(m);
                Assert.Equal(cube.SampleCount, cube.Data.LongLength);
                decoded++;
            }
            catch (HsiException) { errors++; }
        }
        Assert.Equal(400, errors + decoded);
        Assert.True(errors >= 200, $"{errors} errors");
    }

    private static void Reseal(byte[] m) =>
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(m.Length - 4), Crc32.HashToUInt32(m.AsSpan(0, m.Length - 4)));
}
