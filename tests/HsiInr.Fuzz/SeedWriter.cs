using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Baselines;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using PureHDF;

namespace HsiInr.Fuzz;

/// <summary>
/// Writes the seed corpus (seeds/): real archives of every codec and layout, and small MAT v5, MAT v7.3 and ENVI
/// files covering the variants the readers distinguish (byte order, compression, classes, stored types, layouts).
/// The corpus is committed so that every run mutates the same bytes; this only regenerates it.
/// </summary>
public static class SeedWriter
{
    public static void WriteAll(string seedsDir, string repoRoot)
    {
        var jasper = CubeFile.Read(Path.Combine(repoRoot, "samples", "jasper-ridge-64.mat"));
        Directory.CreateDirectory(Path.Combine(seedsDir, "archive"));
        WriteArchives(Path.Combine(seedsDir, "archive"), jasper);
        Directory.CreateDirectory(Path.Combine(seedsDir, "mat5"));
        WriteMat5(Path.Combine(seedsDir, "mat5"), jasper);
        Directory.CreateDirectory(Path.Combine(seedsDir, "mat73"));
        WriteMat73(Path.Combine(seedsDir, "mat73"));
        Directory.CreateDirectory(Path.Combine(seedsDir, "envi"));
        WriteEnvi(Path.Combine(seedsDir, "envi"), jasper);
    }

    /// <summary>A small crop with a few spread-out bands: decodes stay fast (every JPEG2000 band is one process).</summary>
    private static HsiCube Small(HsiCube src, int size, int[] bands, string name)
    {
        var crop = src.Crop(8, 8, size, size);
        var data = new float[size * size * bands.Length];
        for (int p = 0; p < size * size; p++)
            for (int b = 0; b < bands.Length; b++) data[p * bands.Length + b] = crop.Data[p * crop.Bands + bands[b]];
        return new HsiCube(name, size, size, bands.Length, data, src.OriginalType)
        {
            Wavelengths = src.Wavelengths is { } w ? bands.Select(b => w[b]).ToArray() : null,
        };
    }

    private static void WriteArchives(string dir, HsiCube jasper)
    {
        var inrCube = Small(jasper, 8, [20, 60, 100, 140, 180, 190], "inr");
        var noWl = Small(jasper, 8, [30, 90, 150], "plain");
        noWl.Wavelengths = null;
        void Inr(string name, HsiCube cube, InrOptions o) =>
            File.WriteAllBytes(Path.Combine(dir, name), InrCodec.Compress(cube, o with { Device = DeviceKind.Cpu, Threads = 1 }).Archive);
        Inr("compact-v2.hsiinr", inrCube, new InrOptions { Recipe = InrRecipe.Compact, Layers = 2, Width = 8, Iterations = 30, SearchIterations = 0 });
        Inr("compact-v2-14bit.hsiinr", noWl, new InrOptions { Recipe = InrRecipe.Compact, Layers = 1, Width = 6, Iterations = 20, SearchIterations = 0, WeightBits = 14 });
        Inr("paper-v1-fp32.hsiinr", inrCube, new InrOptions { Recipe = InrRecipe.Paper, Layers = 2, Width = 8, Iterations = 20, SearchIterations = 1 });
        Inr("paper-v1-fp16.hsiinr", noWl, new InrOptions { Recipe = InrRecipe.Paper, Layers = 1, Width = 6, Iterations = 20, SearchIterations = 1, Precision = WeightPrecision.Half });

        var tiny = Small(jasper, 16, [10, 60, 110, 160], "tiny");
        foreach (var (codec, rate) in new[] { (CodecId.Jpeg, 16.0), (CodecId.Jpeg2000, 6.0), (CodecId.PcaDct, 3.0), (CodecId.PcaJpeg2000, 3.0) })
            File.WriteAllBytes(Path.Combine(dir, $"{codec.ToString().ToLowerInvariant()}.hsiinr"), BaselineCompressor.Compress(tiny, codec, rate).Archive);

        // Tiled archives (codec 6): a tile table and nested archives, uneven edge tiles, INR and baseline tiles.
        var tiledCube = Small(jasper, 20, [15, 75, 135, 185], "tiled");
        File.WriteAllBytes(Path.Combine(dir, "tiled-inr.hsiinr"), CubeCompressor.Compress(tiledCube, CodecId.Inr,
            new InrOptions { Recipe = InrRecipe.Compact, Layers = 1, Width = 6, Iterations = 10, SearchIterations = 0, Device = DeviceKind.Cpu, Threads = 1 }, tileSize: 8).Archive);
        File.WriteAllBytes(Path.Combine(dir, "tiled-pcadct.hsiinr"), CubeCompressor.Compress(tiledCube, CodecId.PcaDct,
            new InrOptions { Bpppb = 4.0 }, tileSize: 12).Archive);
    }

    private static void WriteMat5(string dir, HsiCube jasper)
    {
        // What Export-HsiCube writes: compressed, little-endian, integer class kept, with a wavelength vector.
        var cube = Small(jasper, 6, [5, 50, 100, 150, 195], "export");
        CubeFile.Write(cube, Path.Combine(dir, "export-compressed.mat"), CubeFileFormat.Mat, overwrite: true);

        static double F(int r, int c, int b) => r + 7 * c + 31 * b;
        var cm = ColumnMajor(4, 3, 5, F);
        new MatV5Builder(false).Add("data", MatV5Builder.MxDouble, [4, 3, 5], MatV5Builder.MiDouble, cm, compress: false)
            .Save(Path.Combine(dir, "le-double-plain.mat"));
        new MatV5Builder(true).Add("data", MatV5Builder.MxInt16, [4, 3, 5], MatV5Builder.MiInt16, cm, compress: false)
            .Save(Path.Combine(dir, "be-int16-plain.mat"));
        new MatV5Builder(true).Add("cube", MatV5Builder.MxSingle, [4, 3, 5], MatV5Builder.MiSingle, cm, compress: true)
            .Save(Path.Combine(dir, "be-single-compressed.mat"));
        // MATLAB stores integer-valued doubles in a smaller type; a long name uses a full (not small) name element.
        new MatV5Builder(false).Add("hyperspectral_cube", MatV5Builder.MxDouble, [4, 3, 5], MatV5Builder.MiUInt8, cm, compress: true)
            .Add("wavelength", MatV5Builder.MxDouble, [1, 5], MatV5Builder.MiDouble, [400, 500, 600, 700, 800], compress: true)
            .Save(Path.Combine(dir, "le-double-as-uint8-compressed.mat"));
        // The unmixing layout: Y is bands × pixels with nRow/nCol scalars.
        var y = new double[5 * 12];
        for (int c = 0; c < 3; c++) for (int r = 0; r < 4; r++) for (int b = 0; b < 5; b++) y[b + 5 * (r + 4 * c)] = F(r, c, b);
        new MatV5Builder(false).Add("nRow", MatV5Builder.MxDouble, [1, 1], MatV5Builder.MiUInt8, [4], compress: false)
            .Add("nCol", MatV5Builder.MxDouble, [1, 1], MatV5Builder.MiUInt8, [3], compress: false)
            .Add("Y", MatV5Builder.MxInt32, [5, 12], MatV5Builder.MiInt32, y, compress: false)
            .Save(Path.Combine(dir, "le-unmixing-plain.mat"));
        new MatV5Builder(true).Add("nRow", MatV5Builder.MxDouble, [1, 1], MatV5Builder.MiDouble, [4], compress: true)
            .Add("nCol", MatV5Builder.MxDouble, [1, 1], MatV5Builder.MiDouble, [3], compress: true)
            .Add("Y", MatV5Builder.MxUInt16, [5, 12], MatV5Builder.MiUInt16, y, compress: true)
            .Save(Path.Combine(dir, "be-unmixing-compressed.mat"));
        // Several variables, some not numeric: the chooser must skip them.
        new MatV5Builder(false).Add("label", MatV5Builder.MxChar, [1, 4], MatV5Builder.MiUInt16, [65, 66, 67, 68], compress: false)
            .Add("data", MatV5Builder.MxUInt8, [4, 3, 5], MatV5Builder.MiUInt8, cm, compress: false)
            .Add("z", MatV5Builder.MxInt64, [2, 2], MatV5Builder.MiInt64, [1, 2, 3, 4], compress: true)
            .Save(Path.Combine(dir, "le-mixed.mat"));
    }

    private static void WriteMat73(string dir)
    {
        static double F(int r, int c, int b) => r + 7 * c + 31 * b;
        void Write(string name, int userBlock, params (string Name, object Data, ulong[] MatlabDims, string Class)[] vars)
        {
            string path = Path.Combine(dir, name);
            var file = new H5File();
            foreach (var v in vars)
                file[v.Name] = new H5Dataset(v.Data, fileDims: v.MatlabDims.Reverse().ToArray()) { Attributes = new() { ["MATLAB_class"] = v.Class } };
            file.Write(path, new H5WriteOptions(UserBlockSize: (ulong)userBlock));
            if (userBlock > 0)
            {
                using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
                fs.Write(Encoding.ASCII.GetBytes("MATLAB 7.3 MAT-file, Platform: fuzz seeds, Created by: HsiInr.Fuzz HDF5 schema 1.00 ."));
            }
        }
        var cm = ColumnMajor(4, 3, 5, F);
        Write("uint16-as-double.mat", 512, ("data", cm.Select(v => (ushort)v).ToArray(), [4, 3, 5], "double"));
        Write("single-no-userblock.mat", 0, ("cube", cm.Select(v => (float)v).ToArray(), [4, 3, 5], "single"),
            ("wavelength", new double[] { 400, 500, 600, 700, 800 }, [1, 5], "double"));
        var y = new double[5 * 12];
        for (int c = 0; c < 3; c++) for (int r = 0; r < 4; r++) for (int b = 0; b < 5; b++) y[b + 5 * (r + 4 * c)] = F(r, c, b);
        Write("unmixing.mat", 512, ("Y", y, [5, 12], "double"), ("nRow", new double[] { 4 }, [1, 1], "double"),
            ("nCol", new double[] { 3 }, [1, 1], "double"));
        Write("int8-and-map.mat", 512, ("data", cm.Select(v => (sbyte)(v - 100)).ToArray(), [4, 3, 5], "int8"),
            ("map", new byte[12], [4, 3], "uint8"));
    }

    private static void WriteEnvi(string dir, HsiCube jasper)
    {
        var cube = Small(jasper, 5, [15, 75, 135, 185], "envi");
        int i = 0;
        foreach (var (type, interleave, bigEndian, offset) in new[]
                 { (12, "bsq", false, 0), (2, "bil", true, 0), (4, "bip", false, 32), (5, "bsq", true, 0), (1, "bip", false, 0),
                   (3, "bil", false, 0), (13, "bip", true, 0), (14, "bsq", false, 7), (15, "bil", true, 0) })
        {
            string stem = Path.Combine(dir, $"t{type}-{interleave}-{(bigEndian ? "be" : "le")}{(offset > 0 ? $"-off{offset}" : "")}");
            File.WriteAllText(stem + ".hdr", EnviHeaderText(cube, type, interleave, bigEndian, offset, withWavelengths: i++ % 2 == 0));
            File.WriteAllBytes(stem + ".img", EnviData(cube, type, interleave, bigEndian, offset));
        }
    }

    private static string EnviHeaderText(HsiCube c, int type, string interleave, bool bigEndian, int offset, bool withWavelengths)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("ENVI\ndescription = {fuzz seed,\n  several lines}\n");
        sb.Append(inv, $"samples = {c.Width}\nlines   = {c.Height}\nbands = {c.Bands}\nheader offset = {offset}\n");
        sb.Append(inv, $"file type = ENVI Standard\ndata type = {type}\ninterleave = {interleave}\nbyte order = {(bigEndian ? 1 : 0)}\n");
        if (withWavelengths && c.Wavelengths is { } w)
            sb.Append("wavelength units = Micrometers\nwavelength = {\n ").Append(string.Join(", ", w.Select(v => (v / 1000).ToString("R", inv)))).Append("}\n");
        sb.Append("; a comment line\nband names = {a, b, c, d}\n");
        return sb.ToString();
    }

    private static byte[] EnviData(HsiCube c, int type, string interleave, bool bigEndian, int offset)
    {
        int size = type switch { 1 => 1, 2 or 12 => 2, 3 or 4 or 13 => 4, _ => 8 };
        var o = new byte[offset + (long)c.SampleCount * size];
        new Random(type).NextBytes(o.AsSpan(0, offset));
        int h = c.Height, w = c.Width, bands = c.Bands;
        long k = 0;
        void Put(int r, int col, int b)
        {
            double v = c[r, col, b];
            var s = o.AsSpan((int)(offset + k++ * size), size);
            switch (type)
            {
                case 1: s[0] = (byte)(v / 64); break;
                case 2: BinaryPrimitives.WriteInt16LittleEndian(s, (short)(v - 2000)); break;
                case 12: BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v); break;
                case 3: BinaryPrimitives.WriteInt32LittleEndian(s, (int)v - 3000); break;
                case 13: BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)v); break;
                case 4: BinaryPrimitives.WriteSingleLittleEndian(s, (float)v / 7); break;
                case 5: BinaryPrimitives.WriteDoubleLittleEndian(s, v / 3); break;
                case 14: BinaryPrimitives.WriteInt64LittleEndian(s, (long)v - 5000); break;
                default: BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)v); break;
            }
            if (bigEndian) s.Reverse();
        }
        switch (interleave)
        {
            case "bsq": for (int b = 0; b < bands; b++) for (int r = 0; r < h; r++) for (int col = 0; col < w; col++) Put(r, col, b); break;
            case "bil": for (int r = 0; r < h; r++) for (int b = 0; b < bands; b++) for (int col = 0; col < w; col++) Put(r, col, b); break;
            default: for (int r = 0; r < h; r++) for (int col = 0; col < w; col++) for (int b = 0; b < bands; b++) Put(r, col, b); break;
        }
        return o;
    }

    private static double[] ColumnMajor(int h, int w, int b, Func<int, int, int, double> f)
    {
        var v = new double[h * w * b];
        for (int k = 0; k < b; k++) for (int c = 0; c < w; c++) for (int r = 0; r < h; r++) v[r + h * (c + w * k)] = f(r, c, k);
        return v;
    }
}

/// <summary>A minimal MAT v5 writer for seeds: either byte order, plain or zlib-compressed elements, any class and
/// stored type, small data elements for names of up to 4 bytes (as MATLAB writes them).</summary>
public sealed class MatV5Builder(bool bigEndian)
{
    public const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7, MiDouble = 9,
        MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15;
    public const int MxChar = 4, MxDouble = 6, MxSingle = 7, MxInt8 = 8, MxUInt8 = 9, MxInt16 = 10, MxUInt16 = 11, MxInt32 = 12,
        MxUInt32 = 13, MxInt64 = 14;
    private readonly List<byte> file = [];

    private void U32(List<byte> o, uint v)
    {
        var b = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        o.AddRange(b);
    }

    private byte[] Encode(int mi, double v)
    {
        var b = new byte[mi switch { MiInt8 or MiUInt8 => 1, MiInt16 or MiUInt16 => 2, MiInt32 or MiUInt32 or MiSingle => 4, _ => 8 }];
        switch (mi)
        {
            case MiInt8: b[0] = (byte)(sbyte)v; break;
            case MiUInt8: b[0] = (byte)v; break;
            case MiInt16: BinaryPrimitives.WriteInt16LittleEndian(b, (short)v); break;
            case MiUInt16: BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); break;
            case MiInt32: BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); break;
            case MiUInt32: BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)v); break;
            case MiSingle: BinaryPrimitives.WriteSingleLittleEndian(b, (float)v); break;
            case MiDouble: BinaryPrimitives.WriteDoubleLittleEndian(b, v); break;
            case MiInt64: BinaryPrimitives.WriteInt64LittleEndian(b, (long)v); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)v); break;
        }
        if (bigEndian) Array.Reverse(b);
        return b;
    }

    private void Sub(List<byte> o, int mi, byte[] data)
    {
        if (data.Length <= 4)
        {
            U32(o, (uint)(data.Length << 16 | mi));
            o.AddRange(data);
            for (int i = data.Length; i < 4; i++) o.Add(0);
            return;
        }
        U32(o, (uint)mi); U32(o, (uint)data.Length); o.AddRange(data);
        while (o.Count % 8 != 0) o.Add(0);
    }

    public MatV5Builder Add(string name, int cls, int[] dims, int stored, double[] values, bool compress)
    {
        var body = new List<byte>();
        U32(body, MiUInt32); U32(body, 8); U32(body, (uint)cls); U32(body, 0);
        U32(body, MiInt32); U32(body, (uint)(4 * dims.Length));
        foreach (var d in dims) U32(body, (uint)d);
        while (body.Count % 8 != 0) body.Add(0);
        Sub(body, MiInt8, Encoding.ASCII.GetBytes(name));
        Sub(body, stored, values.SelectMany(v => Encode(stored, v)).ToArray());
        var matrix = new List<byte>();
        U32(matrix, MiMatrix); U32(matrix, (uint)body.Count); matrix.AddRange(body);
        if (!compress) { file.AddRange(matrix); return this; }
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, true)) z.Write(matrix.ToArray());
        U32(file, MiCompressed); U32(file, (uint)ms.Length); file.AddRange(ms.ToArray());
        return this;
    }

    public void Save(string path)
    {
        var o = new List<byte>(Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: fuzz seeds, Created by: HsiInr.Fuzz".PadRight(116)));
        o.AddRange(new byte[8]);
        o.AddRange(bigEndian ? [0x01, 0x00, (byte)'M', (byte)'I'] : [0x00, 0x01, (byte)'I', (byte)'M']);
        o.AddRange(file);
        File.WriteAllBytes(path, o.ToArray());
    }
}
