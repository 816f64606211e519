using System.Buffers.Binary;

namespace HsiInr.Fuzz;

/// <summary>
/// Byte-level mutations. Each is chosen by a seeded <see cref="Random"/>, so a case is reproduced from its index
/// alone. "Hot" offsets (a format's size and type fields, given by the target) get the interesting values more often:
/// random bytes rarely hit exactly the field that drives an allocation.
/// </summary>
public static class Mutators
{
    /// <summary>Values that break size arithmetic: zero, sign bits, type maxima, powers of two.</summary>
    public static readonly long[] Interesting32 =
        [0, 1, 2, 3, 4, 7, 8, 16, 64, 127, 128, 255, 256, 1023, 1024, 4096, 32767, 32768, 65535, 65536,
         0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0x40000000, 0x10000000, 100_000, 1_000_000];
    public static readonly byte[] Interesting8 = [0, 1, 2, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x10, 0x40];

    public static readonly string[] Names =
        ["bitflip", "byte", "int32", "int16", "nudge", "truncate", "insert", "delete", "duplicate", "overwrite", "hot"];

    /// <summary>Applies 1–3 stacked mutations; returns the result and their names joined by '+'.</summary>
    public static (byte[] Data, string Name) Mutate(byte[] input, Random rng, IReadOnlyList<int>? hot = null, int minOffset = 0)
    {
        var data = input;
        int n = 1 + (rng.Next(4) == 0 ? rng.Next(1, 3) : 0);
        var names = new List<string>();
        for (int k = 0; k < n; k++)
        {
            string name = hot is { Count: > 0 } && rng.Next(4) == 0 ? "hot" : Names[rng.Next(Names.Length - 1)];
            data = Apply(name, data, rng, hot, minOffset);
            names.Add(name);
        }
        return (data, string.Join('+', names));
    }

    public static byte[] Apply(string name, byte[] input, Random rng, IReadOnlyList<int>? hot, int minOffset)
    {
        var m = (byte[])input.Clone();
        int lo = Math.Min(minOffset, m.Length);
        // A random offset where `width` bytes fit, at or after minOffset when the input is long enough.
        int Offset(int width = 1)
        {
            int hi = m.Length - width;
            return hi < lo ? rng.Next(0, hi + 1) : rng.Next(lo, hi + 1);
        }
        switch (name)
        {
            case "bitflip":
                if (m.Length == 0) return m;
                for (int i = rng.Next(1, 5); i > 0; i--) m[Offset()] ^= (byte)(1 << rng.Next(8));
                return m;
            case "byte":
                if (m.Length == 0) return m;
                m[Offset()] = Interesting8[rng.Next(Interesting8.Length)];
                return m;
            case "int32":
                if (m.Length < 4) return m;
                WriteInt(m, Offset(4), 4, Interesting32[rng.Next(Interesting32.Length)], rng.Next(2) == 0);
                return m;
            case "int16":
                if (m.Length < 2) return m;
                WriteInt(m, Offset(2), 2, Interesting32[rng.Next(Interesting32.Length)], rng.Next(2) == 0);
                return m;
            case "nudge":
            {
                // A length or count off by a little: the classic off-by-one in size checks.
                if (m.Length < 4) return m;
                int at = Offset(4), width = rng.Next(2) == 0 ? 4 : 2;
                bool be = rng.Next(2) == 0;
                long v = ReadInt(m, at, width, be) + (rng.Next(2) == 0 ? 1 : -1) * (rng.Next(3) == 0 ? rng.Next(2, 64) : 1);
                WriteInt(m, at, width, v, be);
                return m;
            }
            case "truncate":
            {
                if (m.Length == 0) return m;
                // Half the cuts land near the end, where trailers and last elements are.
                int cut = rng.Next(2) == 0 ? Math.Max(0, m.Length - rng.Next(1, 33)) : rng.Next(m.Length);
                return m[..cut];
            }
            case "insert":
            {
                int at = rng.Next(lo, m.Length + 1);
                var chunk = new byte[rng.Next(2) == 0 ? rng.Next(1, 9) : rng.Next(1, 257)];
                if (rng.Next(2) == 0) rng.NextBytes(chunk); else Array.Fill(chunk, Interesting8[rng.Next(Interesting8.Length)]);
                return [.. m.AsSpan(0, at), .. chunk, .. m.AsSpan(at)];
            }
            case "delete":
            {
                if (m.Length <= lo) return m;
                int at = rng.Next(lo, m.Length), len = Math.Min(m.Length - at, rng.Next(2) == 0 ? rng.Next(1, 9) : rng.Next(1, 257));
                return [.. m.AsSpan(0, at), .. m.AsSpan(at + len)];
            }
            case "duplicate":
            {
                if (m.Length <= lo) return m;
                int at = rng.Next(lo, m.Length), len = Math.Min(m.Length - at, rng.Next(1, 129));
                return [.. m.AsSpan(0, at + len), .. m.AsSpan(at, len), .. m.AsSpan(at + len)];
            }
            case "overwrite":
            {
                if (m.Length < 2) return m;
                int len = rng.Next(1, Math.Min(64, m.Length) + 1);
                int from = rng.Next(0, m.Length - len + 1), to = rng.Next(Math.Min(lo, m.Length - len), m.Length - len + 1);
                m.AsSpan(from, len).ToArray().CopyTo(m, to);
                return m;
            }
            case "hot":
            {
                if (hot is not { Count: > 0 }) return Apply("bitflip", m, rng, null, minOffset);
                int at = hot[rng.Next(hot.Count)];
                int width = rng.Next(3) switch { 0 => 1, 1 => 2, _ => 4 };
                if (at < 0 || at + width > m.Length) return m;
                long v = rng.Next(3) == 0 ? ReadInt(m, at, width, false) + rng.Next(-2, 3) : Interesting32[rng.Next(Interesting32.Length)];
                WriteInt(m, at, width, v, false);
                return m;
            }
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    public static long ReadInt(byte[] m, int at, int width, bool bigEndian) => (width, bigEndian) switch
    {
        (1, _) => m[at],
        (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(at)),
        (2, true) => BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at)),
        (_, false) => BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(at)),
        _ => BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(at)),
    };

    public static void WriteInt(byte[] m, int at, int width, long v, bool bigEndian)
    {
        switch (width, bigEndian)
        {
            case (1, _): m[at] = (byte)v; break;
            case (2, false): BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(at), (ushort)v); break;
            case (2, true): BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(at), (ushort)v); break;
            case (_, false): BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(at), (uint)v); break;
            default: BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(at), (uint)v); break;
        }
    }
}
