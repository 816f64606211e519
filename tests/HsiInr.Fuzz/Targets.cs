using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.Fuzz;

/// <summary>A reader under test: its seeds, how a case is derived from (run seed, index), and how it is read.</summary>
public abstract class FuzzTarget
{
    public static readonly string[] All = ["archive", "mat5", "mat73", "envi"];

    public abstract string Name { get; }
    public abstract int SeedCount { get; }
    protected abstract FuzzCase Make(int index, Random rng);
    public abstract void Run(FuzzCase c, string workDir);

    /// <summary>Case <paramref name="index"/> of the run with seed <paramref name="runSeed"/>: the same bytes on every machine.</summary>
    public FuzzCase Case(long runSeed, int index) => Make(index, new Random(Mix(runSeed, Array.IndexOf(All, Name), index)));

    private static int Mix(long seed, int target, int index)
    {
        // SplitMix64 finaliser: neighbouring indexes get unrelated generators.
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)target * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    public static FuzzTarget Create(string name, string seedsDir) => name switch
    {
        "archive" => new ArchiveTarget(Path.Combine(seedsDir, "archive")),
        "mat5" => new Mat5Target(Path.Combine(seedsDir, "mat5")),
        "mat73" => new Mat73Target(Path.Combine(seedsDir, "mat73")),
        "envi" => new EnviTarget(Path.Combine(seedsDir, "envi")),
        "selftest" => new SelfTestTarget(),
        _ => throw new ArgumentException($"Unknown target '{name}'; targets are {string.Join(", ", All)}."),
    };

    protected static (string Name, byte[] Data)[] Load(string dir, string pattern)
    {
        var files = Directory.GetFiles(dir, pattern).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new InvalidOperationException($"No seeds ({pattern}) in {dir}; run 'seeds' first.");
        return files.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToArray();
    }

    /// <summary>A successful read must give a consistent cube.</summary>
    protected static void Check(HsiCube cube)
    {
        if (cube.Height <= 0 || cube.Width <= 0 || cube.Bands <= 0 || cube.Data.LongLength != cube.SampleCount)
            throw new InvalidOperationException($"Inconsistent cube {cube.Shape} with {cube.Data.LongLength} samples.");
        if (cube.Wavelengths is { } w && w.Length != cube.Bands)
            throw new InvalidOperationException($"{w.Length} wavelengths for {cube.Bands} bands.");
    }
}

/// <summary>
/// .hsiinr archives of every codec. Three modes: raw (bytes changed, CRC left: exercises magic, version and CRC),
/// resealed (bytes changed, CRC recomputed: reaches the header checks) and payload (the payload changed, its length
/// field and the CRC fixed: reaches each codec's payload parser and decoder).
/// </summary>
public sealed class ArchiveTarget : FuzzTarget
{
    private readonly (string Name, byte[] Data, int PayloadAt)[] seeds;

    public ArchiveTarget(string dir) =>
        seeds = Load(dir, "*.hsiinr").Select(s =>
        {
            var (h, payload) = ArchiveFormat.Read(s.Data);
            return (s.Name, s.Data, s.Data.Length - 4 - payload.Length);
        }).ToArray();

    public override string Name => "archive";
    public override int SeedCount => seeds.Length;

    protected override FuzzCase Make(int index, Random rng)
    {
        var (name, data, payloadAt) = seeds[rng.Next(seeds.Length)];
        int mode = rng.Next(100);
        byte[] bytes;
        string how;
        if (mode < 55)
        {
            bool reseal = mode >= 20;
            // Header fields (docs/format.md), the payload length and the payload's own header.
            int[] hot = [8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 23, 24, 25, 26, 27, 28, 35, 36, 43, payloadAt - 4, payloadAt - 2,
                         .. Enumerable.Range(payloadAt, 16)];
            var (m, names) = Mutators.Mutate(data, rng, hot);
            if (reseal) Reseal(m);
            (bytes, how) = (m, (reseal ? "resealed:" : "raw:") + names);
        }
        else
        {
            var payload = data.AsSpan(payloadAt, data.Length - 4 - payloadAt).ToArray();
            var (p, names) = Mutators.Mutate(payload, rng, [.. Enumerable.Range(0, 24)]);
            bool fixLength = rng.Next(10) != 0;
            bytes = new byte[payloadAt + p.Length + 4];
            data.AsSpan(0, payloadAt).CopyTo(bytes);
            if (fixLength) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(payloadAt - 4), (uint)p.Length);
            p.CopyTo(bytes, payloadAt);
            Reseal(bytes);
            how = (fixLength ? "payload:" : "payload-oldlength:") + names;
        }
        return new FuzzCase { Target = Name, Index = index, Seed = name, Mutation = how, Files = new() { [".hsiinr"] = bytes }, Open = ".hsiinr" };
    }

    public static void Reseal(byte[] m)
    {
        if (m.Length < 4) return;
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(m.Length - 4), Crc32.HashToUInt32(m.AsSpan(0, m.Length - 4)));
    }

    public override void Run(FuzzCase c, string workDir)
    {
        string path = c.WriteTo(Path.Combine(workDir, "case"));
        // Describing an archive parses its network without evaluating it; decoding evaluates it.
        var a = HsiArchive.Open(path);
        if (a.Height <= 0 || a.Width <= 0 || a.Bands <= 0) throw new InvalidOperationException($"Open gave shape {a.Shape}.");
        Check(ArchiveDecoder.Decode(c.Files[".hsiinr"], path, DeviceKind.Cpu));
    }
}

/// <summary>MAT v5: raw mutations (the 116-byte text header mostly spared) and, for zlib-compressed elements,
/// mutations of the inflated bytes re-deflated with the element's size fixed, so they reach the matrix parser.</summary>
public sealed class Mat5Target : FuzzTarget
{
    private static readonly string?[] Variables = [null, null, null, "data", "Y", "cube", "nRow", "wavelength", "label", "DATA"];
    private readonly (string Name, byte[] Data, List<(int Tag, bool Compressed, bool BigEndian)> Elements)[] seeds;

    public Mat5Target(string dir) => seeds = Load(dir, "*.mat").Select(s => (s.Name, s.Data, Elements(s.Data))).ToArray();

    public override string Name => "mat5";
    public override int SeedCount => seeds.Length;

    private static List<(int, bool, bool)> Elements(byte[] d)
    {
        bool be = d[126] == 'M';
        var list = new List<(int, bool, bool)>();
        for (int pos = 128; pos + 8 <= d.Length;)
        {
            uint type = be ? BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos)) : BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos));
            uint size = be ? BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos + 4)) : BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos + 4));
            list.Add((pos, type == 15, be));
            pos += 8 + (int)size;
        }
        return list;
    }

    protected override FuzzCase Make(int index, Random rng)
    {
        var (name, data, elements) = seeds[rng.Next(seeds.Length)];
        var compressed = elements.Where(e => e.Compressed).ToList();
        byte[] bytes;
        string how;
        if (compressed.Count > 0 && rng.Next(2) == 0)
        {
            var (tag, _, be) = compressed[rng.Next(compressed.Count)];
            int size = (int)Mutators.ReadInt(data, tag + 4, 4, be);
            byte[] inner;
            using (var z = new ZLibStream(new MemoryStream(data, tag + 8, size), CompressionMode.Decompress))
            using (var ms = new MemoryStream()) { z.CopyTo(ms); inner = ms.ToArray(); }
            // Inner layout: matrix tag (0–7), array flags (8–23), dimensions tag and values (24–), name, data tag.
            var (m, names) = Mutators.Mutate(inner, rng, [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72]);
            var packed = new MemoryStream();
            using (var z = new ZLibStream(packed, CompressionLevel.Fastest, true)) z.Write(m);
            var el = new byte[8];
            Mutators.WriteInt(el, 0, 4, 15, be);
            Mutators.WriteInt(el, 4, 4, packed.Length, be);
            bytes = [.. data.AsSpan(0, tag), .. el, .. packed.ToArray(), .. data.AsSpan(tag + 8 + size)];
            how = "inflated:" + names;
        }
        else if (elements.Count > 0 && rng.Next(6) == 0)
        {
            // Whole top-level elements dropped, doubled or moved: repeated names, a missing nRow, a different order.
            var spans = elements.Select((e, k) => (Start: e.Tag, End: k + 1 < elements.Count ? elements[k + 1].Tag : data.Length)).ToList();
            int pick = rng.Next(spans.Count), op = rng.Next(3);
            var (a, b) = spans[pick];
            bytes = op switch
            {
                0 => [.. data.AsSpan(0, a), .. data.AsSpan(b)],
                1 => [.. data.AsSpan(0, b), .. data.AsSpan(a, b - a), .. data.AsSpan(b)],
                _ => [.. data.AsSpan(0, 128), .. data.AsSpan(a, b - a), .. data.AsSpan(128, a - 128), .. data.AsSpan(b)],
            };
            how = "elements:" + (op switch { 0 => "drop", 1 => "double", _ => "first" });
        }
        else
        {
            int[] hot = [124, 126, .. elements.SelectMany(e => Enumerable.Range(0, 20).Select(k => e.Tag + 4 * k))];
            var (m, names) = Mutators.Mutate(data, rng, hot, minOffset: rng.Next(8) == 0 ? 0 : 116);
            (bytes, how) = (m, "raw:" + names);
        }
        return new FuzzCase { Target = Name, Index = index, Seed = name, Mutation = how, Files = new() { [".mat"] = bytes }, Open = ".mat",
            Variable = Variables[rng.Next(Variables.Length)] };
    }

    public override void Run(FuzzCase c, string workDir) => RunMat(c, workDir);

    internal static void RunMat(FuzzCase c, string workDir)
    {
        string path = c.WriteTo(Path.Combine(workDir, "case"));
        foreach (var v in CubeFile.ListMatVariables(path))
            if (v.Name is null || v.Dimensions is null) throw new InvalidOperationException("A listed variable lacks a name or dimensions.");
        Check(CubeFile.Read(path, new CubeReadOptions { Variable = c.Variable }));
    }
}

/// <summary>MAT v7.3 (HDF5 behind a 512-byte user block, or none): byte mutations, mostly past the user block.</summary>
public sealed class Mat73Target : FuzzTarget
{
    private static readonly string?[] Variables = [null, null, null, "data", "Y", "cube", "nRow", "map"];
    private readonly (string Name, byte[] Data)[] seeds;

    public Mat73Target(string dir) => seeds = Load(dir, "*.mat");

    public override string Name => "mat73";
    public override int SeedCount => seeds.Length;

    protected override FuzzCase Make(int index, Random rng)
    {
        var (name, data) = seeds[rng.Next(seeds.Length)];
        int start = data.Length > 520 && data[512] == 0x89 ? 512 : 0;
        // The superblock and the first object headers: where the addresses and sizes PureHDF follows are.
        int[] hot = [.. Enumerable.Range(0, 48).Select(k => start + 8 + 2 * k), .. Enumerable.Range(0, 64).Select(k => start + 96 + 4 * k)];
        var (m, names) = Mutators.Mutate(data, rng, hot, minOffset: rng.Next(10) == 0 ? 0 : start);
        return new FuzzCase { Target = Name, Index = index, Seed = name, Mutation = "raw:" + names, Files = new() { [".mat"] = m }, Open = ".mat",
            Variable = Variables[rng.Next(Variables.Length)] };
    }

    public override void Run(FuzzCase c, string workDir) => Mat5Target.RunMat(c, workDir);
}

/// <summary>
/// ENVI header + raw pairs. The header is mutated as text (values replaced by hostile numbers and words, lines
/// deleted, duplicated or broken, braces unbalanced) or as bytes; the raw file is cut, extended or changed.
/// </summary>
public sealed class EnviTarget : FuzzTarget
{
    private static readonly string[] Values =
        ["0", "-1", "1", "2", "3", "4", "5", "6", "9", "12", "13", "14", "15", "16", "255", "65535", "65536", "2147483647",
         "2147483648", "-2147483648", "4294967295", "4294967296", "4294967297", "9223372036854775807", "9223372036854775808",
         "-9223372036854775808", "1e3", "0x10", "", " ", "{", "{1,2}", "}", "bsq", "bil", "bip", "BIP", "xyz", "NaN", "+5",
         "1 2", "١٢", "3.5", "100000", "1000000"];
    private static readonly string[] Keys = ["samples", "lines", "bands", "data type", "byte order", "header offset", "interleave", "wavelength", "wavelength units"];
    private readonly (string Name, byte[] Header, byte[] Data)[] seeds;

    public EnviTarget(string dir) =>
        seeds = Load(dir, "*.hdr").Select(h => (h.Name, h.Data, File.ReadAllBytes(Path.Combine(dir, Path.ChangeExtension(h.Name, ".img"))))).ToArray();

    public override string Name => "envi";
    public override int SeedCount => seeds.Length;

    protected override FuzzCase Make(int index, Random rng)
    {
        var (name, header, data) = seeds[rng.Next(seeds.Length)];
        var names = new List<string>();
        int what = rng.Next(100);
        if (what < 60)
            for (int k = 1 + (rng.Next(3) == 0 ? 1 : 0); k > 0; k--)
            {
                var (h, n) = MutateText(Encoding.UTF8.GetString(header), rng);
                header = Encoding.UTF8.GetBytes(h);
                names.Add(n);
            }
        else if (what < 75)
        {
            var (h, n) = Mutators.Mutate(header, rng);
            header = h;
            names.Add("hdrbytes:" + n);
        }
        if (what >= 60 || rng.Next(4) == 0)
        {
            int cut = rng.Next(4);
            data = cut switch
            {
                0 => data[..Math.Max(0, data.Length - rng.Next(1, 9))],
                1 => [.. data, .. new byte[rng.Next(1, 64)]],
                2 => data[..rng.Next(data.Length + 1)],
                _ => Mutators.Mutate(data, rng).Data,
            };
            names.Add(cut switch { 0 => "data-short", 1 => "data-long", 2 => "data-cut", _ => "data-bytes" });
        }
        return new FuzzCase { Target = Name, Index = index, Seed = name, Mutation = string.Join('+', names),
            Files = new() { [".hdr"] = header, [".img"] = data }, Open = rng.Next(5) == 0 ? ".img" : ".hdr" };
    }

    private static (string Text, string Name) MutateText(string text, Random rng)
    {
        var lines = text.Split('\n').ToList();
        int Line() => 1 + rng.Next(Math.Max(1, lines.Count - 1));
        string V() => Values[rng.Next(Values.Length)];
        switch (rng.Next(9))
        {
            case 0:
            case 1:
            case 2:
            {
                // Replace the value of a key that drives sizes or decoding.
                string key = Keys[rng.Next(Keys.Length)];
                int i = lines.FindIndex(l => l.Split('=')[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase));
                string value = key == "wavelength" ? "{" + string.Join(",", Enumerable.Range(0, rng.Next(0, 8)).Select(_ => rng.Next(3) == 0 ? V() : (rng.NextDouble() * 3).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "}" : V();
                if (i < 0) lines.Add($"{key} = {value}"); else lines[i] = $"{key} = {value}";
                return (string.Join('\n', lines), "value:" + key);
            }
            case 3: if (lines.Count > 1) lines.RemoveAt(Line()); return (string.Join('\n', lines), "delete-line");
            case 4: { int i = Line(); if (i < lines.Count) lines.Insert(i, lines[i]); return (string.Join('\n', lines), "duplicate-line"); }
            case 5:
            {
                // Unbalanced or stray braces: a '{' value that never closes, or a '}' alone.
                int i = Line();
                if (i < lines.Count) lines[i] = rng.Next(2) == 0 ? lines[i].Replace("}", "") : lines[i] + (rng.Next(2) == 0 ? " {" : "}");
                return (string.Join('\n', lines), "braces");
            }
            case 6:
                lines[0] = new[] { "ENVI", "envi", "\uFEFFENVI", "ENV", "ENVI\0", " ENVI", "ENVI = 1" }[rng.Next(7)];
                return (string.Join('\n', lines), "first-line");
            case 7: return (text.Replace("\n", rng.Next(2) == 0 ? "\r\n" : "\r"), "line-ends");
            default:
            {
                int i = Line();
                string[] junk = ["= =", "samples", "=", "\0\0\0", new string('x', 5000), "bands = 4 = 5", "lines=", "{", "key = {a,\n"];
                lines.Insert(Math.Min(i, lines.Count), junk[rng.Next(junk.Length)]);
                return (string.Join('\n', lines), "junk-line");
            }
        }
    }

    public override void Run(FuzzCase c, string workDir)
    {
        string path = c.WriteTo(Path.Combine(workDir, "case"));
        Check(CubeFile.Read(path));
    }
}

/// <summary>Checks the supervisor itself ("run --targets selftest"): case 3 kills the process the way a native crash
/// does, case 5 hangs; every other case passes. Both must be caught, attributed to their index and saved.</summary>
public sealed class SelfTestTarget : FuzzTarget
{
    public override string Name => "selftest";
    public override int SeedCount => 0;

    protected override FuzzCase Make(int index, Random rng) =>
        new() { Target = Name, Index = index, Seed = "-", Mutation = "none", Files = new() { [".bin"] = [(byte)index] }, Open = ".bin" };

    public override void Run(FuzzCase c, string workDir)
    {
        if (c.Index == 3) Environment.FailFast("selftest: simulated native crash");
        if (c.Index == 5) Thread.Sleep(Timeout.Infinite);
    }
}
