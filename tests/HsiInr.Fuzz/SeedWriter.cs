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
        // Under -Bpppb the compact codec spends what its network leaves on pixel corrections (payload kind 6). The
        // older kinds' seeds (compact-v2-kind3*.hsiinr, compact-v2-kind4-corrected.hsiinr) were written by the module
        // before kind 5 and are kept as they are: this writer can no longer produce them.
        Inr("compact-v2-corrected.hsiinr", Small(jasper, 16, [20, 60, 100, 140, 180, 190], "corr"), new InrOptions { Recipe = InrRecipe.Compact, Layers = 1, Bpppb = 8, Iterations = 30, SearchIterations = 0 });
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
        var cm = MatBuilder.ColumnMajor(4, 3, 5, F);
        new MatBuilder(false).Add("data", MatBuilder.MxDouble, [4, 3, 5], MatBuilder.MiDouble, cm, compress: false)
            .Save(Path.Combine(dir, "le-double-plain.mat"));
        new MatBuilder(true).Add("data", MatBuilder.MxInt16, [4, 3, 5], MatBuilder.MiInt16, cm, compress: false)
            .Save(Path.Combine(dir, "be-int16-plain.mat"));
        new MatBuilder(true).Add("cube", MatBuilder.MxSingle, [4, 3, 5], MatBuilder.MiSingle, cm, compress: true)
            .Save(Path.Combine(dir, "be-single-compressed.mat"));
        // MATLAB stores integer-valued doubles in a smaller type; a long name uses a full (not small) name element.
        new MatBuilder(false).Add("hyperspectral_cube", MatBuilder.MxDouble, [4, 3, 5], MatBuilder.MiUInt8, cm, compress: true)
            .Add("wavelength", MatBuilder.MxDouble, [1, 5], MatBuilder.MiDouble, [400, 500, 600, 700, 800], compress: true)
            .Save(Path.Combine(dir, "le-double-as-uint8-compressed.mat"));
        // The unmixing layout: Y is bands × pixels with nRow/nCol scalars.
        var y = new double[5 * 12];
        for (int c = 0; c < 3; c++) for (int r = 0; r < 4; r++) for (int b = 0; b < 5; b++) y[b + 5 * (r + 4 * c)] = F(r, c, b);
        new MatBuilder(false).Add("nRow", MatBuilder.MxDouble, [1, 1], MatBuilder.MiUInt8, [4], compress: false)
            .Add("nCol", MatBuilder.MxDouble, [1, 1], MatBuilder.MiUInt8, [3], compress: false)
            .Add("Y", MatBuilder.MxInt32, [5, 12], MatBuilder.MiInt32, y, compress: false)
            .Save(Path.Combine(dir, "le-unmixing-plain.mat"));
        new MatBuilder(true).Add("nRow", MatBuilder.MxDouble, [1, 1], MatBuilder.MiDouble, [4], compress: true)
            .Add("nCol", MatBuilder.MxDouble, [1, 1], MatBuilder.MiDouble, [3], compress: true)
            .Add("Y", MatBuilder.MxUInt16, [5, 12], MatBuilder.MiUInt16, y, compress: true)
            .Save(Path.Combine(dir, "be-unmixing-compressed.mat"));
        // Several variables, some not numeric: the chooser must skip them.
        new MatBuilder(false).Add("label", MatBuilder.MxChar, [1, 4], MatBuilder.MiUInt16, [65, 66, 67, 68], compress: false)
            .Add("data", MatBuilder.MxUInt8, [4, 3, 5], MatBuilder.MiUInt8, cm, compress: false)
            .Add("z", MatBuilder.MxInt64, [2, 2], MatBuilder.MiInt64, [1, 2, 3, 4], compress: true)
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
        var cm = MatBuilder.ColumnMajor(4, 3, 5, F);
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
}
