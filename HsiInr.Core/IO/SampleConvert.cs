using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>The binary element types a file can store samples as (MAT storage types and ENVI data types map onto these).</summary>
internal enum StoredType : byte { Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Single, Double }

/// <summary>Bulk conversion of stored samples to float32. Generic over the element type so the JIT emits one tight,
/// non-virtual loop per type; byte swapping uses the vectorised ReverseEndianness.</summary>
internal static class SampleConvert
{
    public static int Size(this StoredType t) => t switch
    {
        StoredType.Int8 or StoredType.UInt8 => 1,
        StoredType.Int16 or StoredType.UInt16 => 2,
        StoredType.Int32 or StoredType.UInt32 or StoredType.Single => 4,
        _ => 8,
    };

    /// <summary>The cube's OriginalType for a stored type; 64-bit integers become Double (float32 cannot hold them exactly anyway).</summary>
    public static SampleType ToSampleType(this StoredType t) => t switch
    {
        StoredType.Int8 => SampleType.Int8,
        StoredType.UInt8 => SampleType.UInt8,
        StoredType.Int16 => SampleType.Int16,
        StoredType.UInt16 => SampleType.UInt16,
        StoredType.Int32 => SampleType.Int32,
        StoredType.UInt32 => SampleType.UInt32,
        StoredType.Single => SampleType.Single,
        _ => SampleType.Double,
    };

    public static bool IsInteger(this StoredType t) => t is not (StoredType.Single or StoredType.Double);

    /// <summary>Swaps every element of <paramref name="bytes"/> in place from the other byte order.</summary>
    public static void SwapInPlace(Span<byte> bytes, StoredType t)
    {
        switch (t.Size())
        {
            case 2: { var s = MemoryMarshal.Cast<byte, ushort>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 4: { var s = MemoryMarshal.Cast<byte, uint>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 8: { var s = MemoryMarshal.Cast<byte, ulong>(bytes); BinaryPrimitives.ReverseEndianness(s, s); break; }
        }
    }

    /// <summary>Converts <c>dst.Length</c> native-endian elements at the start of <paramref name="src"/> to float32.</summary>
    public static void ToFloat(ReadOnlySpan<byte> src, StoredType t, Span<float> dst)
    {
        switch (t)
        {
            case StoredType.Int8: Convert(MemoryMarshal.Cast<byte, sbyte>(src), dst); break;
            case StoredType.UInt8: Convert(src, dst); break;
            case StoredType.Int16: Convert(MemoryMarshal.Cast<byte, short>(src), dst); break;
            case StoredType.UInt16: Convert(MemoryMarshal.Cast<byte, ushort>(src), dst); break;
            case StoredType.Int32: Convert(MemoryMarshal.Cast<byte, int>(src), dst); break;
            case StoredType.UInt32: Convert(MemoryMarshal.Cast<byte, uint>(src), dst); break;
            case StoredType.Int64: Convert(MemoryMarshal.Cast<byte, long>(src), dst); break;
            case StoredType.UInt64: Convert(MemoryMarshal.Cast<byte, ulong>(src), dst); break;
            case StoredType.Single: MemoryMarshal.Cast<byte, float>(src)[..dst.Length].CopyTo(dst); break;
            case StoredType.Double: Convert(MemoryMarshal.Cast<byte, double>(src), dst); break;
        }
    }

    private static void Convert<T>(ReadOnlySpan<T> src, Span<float> dst) where T : unmanaged, INumberBase<T>
    {
        src = src[..dst.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = float.CreateTruncating(src[i]);
    }

    /// <summary>Reads one element as double (for scalars and small vectors such as nRow or wavelengths).</summary>
    public static double ReadDouble(ReadOnlySpan<byte> src, StoredType t, int index) => t switch
    {
        StoredType.Int8 => (sbyte)src[index],
        StoredType.UInt8 => src[index],
        StoredType.Int16 => MemoryMarshal.Cast<byte, short>(src)[index],
        StoredType.UInt16 => MemoryMarshal.Cast<byte, ushort>(src)[index],
        StoredType.Int32 => MemoryMarshal.Cast<byte, int>(src)[index],
        StoredType.UInt32 => MemoryMarshal.Cast<byte, uint>(src)[index],
        StoredType.Int64 => MemoryMarshal.Cast<byte, long>(src)[index],
        StoredType.UInt64 => MemoryMarshal.Cast<byte, ulong>(src)[index],
        StoredType.Single => MemoryMarshal.Cast<byte, float>(src)[index],
        _ => MemoryMarshal.Cast<byte, double>(src)[index],
    };
}

/// <summary>float32 → stored type, native byte order, for the writers (values were checked to fit beforehand).</summary>
internal static class SampleEncode
{
    public static void FromFloat(ReadOnlySpan<float> src, StoredType t, Span<byte> dst)
    {
        switch (t)
        {
            case StoredType.Int8: Convert(src, MemoryMarshal.Cast<byte, sbyte>(dst)); break;
            case StoredType.UInt8: Convert(src, dst); break;
            case StoredType.Int16: Convert(src, MemoryMarshal.Cast<byte, short>(dst)); break;
            case StoredType.UInt16: Convert(src, MemoryMarshal.Cast<byte, ushort>(dst)); break;
            case StoredType.Int32: Convert(src, MemoryMarshal.Cast<byte, int>(dst)); break;
            case StoredType.UInt32: Convert(src, MemoryMarshal.Cast<byte, uint>(dst)); break;
            case StoredType.Int64: Convert(src, MemoryMarshal.Cast<byte, long>(dst)); break;
            case StoredType.UInt64: Convert(src, MemoryMarshal.Cast<byte, ulong>(dst)); break;
            case StoredType.Single: src.CopyTo(MemoryMarshal.Cast<byte, float>(dst)); break;
            case StoredType.Double: Convert(src, MemoryMarshal.Cast<byte, double>(dst)); break;
        }
    }

    private static void Convert<T>(ReadOnlySpan<float> src, Span<T> dst) where T : unmanaged, INumberBase<T>
    {
        dst = dst[..src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = T.CreateSaturating(src[i]);
    }

    public static StoredType ToStored(this SampleType t) => t switch
    {
        SampleType.Int8 => StoredType.Int8,
        SampleType.UInt8 => StoredType.UInt8,
        SampleType.Int16 => StoredType.Int16,
        SampleType.UInt16 => StoredType.UInt16,
        SampleType.Int32 => StoredType.Int32,
        SampleType.UInt32 => StoredType.UInt32,
        SampleType.Single => StoredType.Single,
        _ => StoredType.Double,
    };

    /// <summary>True when every sample is an integer inside <paramref name="t"/>'s range, so storing as t is exact.</summary>
    public static bool AllFit(HsiCube cube, SampleType t)
    {
        if (!t.IsInteger()) return false;
        var (lo, hi) = t.Range();
        // Scans the samples rather than trusting MinValue/MaxValue, which may be stale after in-place edits.
        foreach (float v in cube.Data)
            if (!((double)v >= lo && (double)v <= hi) || !float.IsInteger(v)) return false;
        return true;
    }
}
