using HsiInr.Core.Codec.Entropy;

namespace HsiInr.Core.Tests;

public class RangeCoderTests
{
    [Fact]
    public void Bits_round_trip_and_skewed_bits_compress()
    {
        var rng = new Random(1);
        var bits = Enumerable.Range(0, 20000).Select(_ => rng.NextDouble() < 0.05 ? 1 : 0).ToArray();
        var enc = new RangeEncoder();
        var model = new AdaptiveBitModel();
        foreach (int b in bits) enc.Encode(model, b);
        var bytes = enc.Finish();
        // Entropy of p = 0.05 is 0.286 bit/bit: 20000 bits ≈ 716 bytes; allow a little adaptation cost.
        Assert.InRange(bytes.Length, 600, 800);
        var dec = new RangeDecoder(bytes);
        var m2 = new AdaptiveBitModel();
        foreach (int b in bits) Assert.Equal(b, dec.Decode(m2));
        Assert.False(dec.IsCorrupt);
    }

    [Fact]
    public void Mixed_raw_bits_and_integers_round_trip()
    {
        var rng = new Random(2);
        var values = Enumerable.Range(0, 5000).Select(i => i % 7 == 0 ? rng.Next(int.MinValue / 2, int.MaxValue / 2) : (int)Math.Round(rng.NextDouble() * 6 - 3)).ToArray();
        var raws = values.Select(_ => (uint)rng.Next()).ToArray();
        var enc = new RangeEncoder();
        var ints = new AdaptiveIntegerModel();
        var sign = new AdaptiveBitModel();
        for (int i = 0; i < values.Length; i++)
        {
            ints.EncodeSigned(enc, values[i], sign);
            enc.EncodeRaw(raws[i], 32);
            enc.EncodeRaw(raws[i] & 7, 3);
        }
        var dec = new RangeDecoder(enc.Finish());
        var ints2 = new AdaptiveIntegerModel();
        var sign2 = new AdaptiveBitModel();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], ints2.DecodeSigned(dec, sign2));
            Assert.Equal(raws[i], dec.DecodeRaw(32));
            Assert.Equal(raws[i] & 7, dec.DecodeRaw(3));
        }
    }

    [Fact]
    public void Carry_heavy_streams_round_trip()
    {
        // Long runs of near-certain bits drive the range down slowly and exercise carry propagation.
        var rng = new Random(3);
        var bits = Enumerable.Range(0, 50000).Select(i => (i / 5000) % 2 == 0 ? (rng.NextDouble() < 0.001 ? 1 : 0) : (rng.NextDouble() < 0.999 ? 1 : 0)).ToArray();
        var models = AdaptiveBitModel.Array(4, 4);
        var enc = new RangeEncoder();
        for (int i = 0; i < bits.Length; i++) enc.Encode(models[i % 4], bits[i]);
        var dec = new RangeDecoder(enc.Finish());
        var m2 = AdaptiveBitModel.Array(4, 4);
        for (int i = 0; i < bits.Length; i++) Assert.Equal(bits[i], dec.Decode(m2[i % 4]));
    }

    [Fact]
    public void Empty_and_garbage_input_never_throw_unexpectedly()
    {
        Assert.Empty(new RangeDecoder(new RangeEncoder().Finish()) is { IsCorrupt: false } ? [] : new[] { 1 });
        var rng = new Random(4);
        for (int t = 0; t < 50; t++)
        {
            var junk = new byte[rng.Next(0, 20)];
            rng.NextBytes(junk);
            var dec = new RangeDecoder(junk);
            var ints = new AdaptiveIntegerModel();
            try
            {
                for (int i = 0; i < 200; i++) ints.Decode(dec);
            }
            catch (InvalidDataException) { }
            Assert.True(dec.Overrun >= 0);
        }
    }
}
