namespace HsiInr.Core.Cube;

/// <summary>The numeric type a cube had in its source file; kept so exports and decoders can return it.</summary>
public enum SampleType : byte
{
    UInt8 = 1,
    Int8 = 2,
    Int16 = 3,
    UInt16 = 4,
    Int32 = 5,
    UInt32 = 6,
    Single = 7,
    Double = 8,
}

public static class SampleTypeInfo
{
    public static bool IsInteger(this SampleType t) => t is not (SampleType.Single or SampleType.Double);

    public static int ByteSize(this SampleType t) => t switch
    {
        SampleType.UInt8 or SampleType.Int8 => 1,
        SampleType.Int16 or SampleType.UInt16 => 2,
        SampleType.Int32 or SampleType.UInt32 or SampleType.Single => 4,
        SampleType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Inclusive value range of an integer type; infinite for floating-point types.</summary>
    public static (double Min, double Max) Range(this SampleType t) => t switch
    {
        SampleType.UInt8 => (byte.MinValue, byte.MaxValue),
        SampleType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        SampleType.Int16 => (short.MinValue, short.MaxValue),
        SampleType.UInt16 => (ushort.MinValue, ushort.MaxValue),
        SampleType.Int32 => (int.MinValue, int.MaxValue),
        SampleType.UInt32 => (uint.MinValue, uint.MaxValue),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    /// <summary>The smallest integer type that holds every value in [min, max], or null when none does.</summary>
    public static SampleType? SmallestIntegerTypeFor(double min, double max)
    {
        foreach (var t in new[] { SampleType.UInt8, SampleType.Int8, SampleType.UInt16, SampleType.Int16, SampleType.UInt32, SampleType.Int32 })
        {
            var (lo, hi) = t.Range();
            if (min >= lo && max <= hi) return t;
        }
        return null;
    }
}
