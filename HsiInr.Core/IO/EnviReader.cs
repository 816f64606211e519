using System.Text;
using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>
/// Reads an ENVI header/raw pair (bsq, bil or bip; data types 1, 2, 3, 4, 5, 12, 13, 14, 15; either byte order;
/// any header offset). The raw file is read in chunks of whole contiguous runs (a band row for bsq/bil, a pixel
/// spectrum for bip), so memory stays at the float cube plus one chunk whatever the stored type.
/// </summary>
internal static class EnviReader
{
    private const int ChunkBytes = 4 << 20;
    internal const long MaxHeaderBytes = 16 << 20;

    public static HsiCube Read(string headerPath, string dataPath, CancellationToken ct)
    {
        // Real headers are kilobytes even with thousands of wavelengths; a huge "header" is not one, and reading it
        // whole as text would take gigabytes.
        long headerBytes = new FileInfo(headerPath).Length;
        if (headerBytes > MaxHeaderBytes)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"The ENVI header is {headerBytes} bytes; headers are text of at most {MaxHeaderBytes >> 20} MB. This is not an ENVI header.", headerPath);
        var h = EnviHeader.Parse(File.ReadAllText(headerPath, Encoding.UTF8), headerPath);
        var type = EnviHeader.TypeOf(h.DataType) ?? throw new HsiException(HsiErrorKind.UnsupportedDataType,
            $"ENVI data type {h.DataType} is not supported (complex types 6 and 9 cannot be a cube). Supported: 1 (uint8), 2 (int16), 3 (int32), 4 (float32), 5 (float64), 12 (uint16), 13 (uint32), 14 (int64), 15 (uint64). Convert the image first.", headerPath);
        long n = HsiCube.CheckedSampleCount(h.Lines, h.Samples, h.Bands, headerPath);
        int height = (int)h.Lines, width = (int)h.Samples, bands = (int)h.Bands, size = type.Size();

        using var file = File.OpenHandle(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        long have = RandomAccess.GetLength(file);
        // Compared without adding: a forged offset near long.MaxValue would overflow the sum and pass.
        long dataBytes = n * size;
        if (h.HeaderOffset > have || dataBytes > have - h.HeaderOffset)
            throw new HsiException(HsiErrorKind.TruncatedFile,
                $"The ENVI data file holds {have} bytes but the header ({width} samples × {height} lines × {bands} bands of {size}-byte {type}, offset {h.HeaderOffset}) needs {(decimal)h.HeaderOffset + dataBytes}. The file is cut off or the header is wrong.", dataPath);

        var data = new float[n];
        // A run is the longest stretch that is contiguous in the file and maps to one (row, band) or one pixel.
        int runLen = h.Interleave == "bip" ? bands : width;
        long runs = n / runLen;
        int runsPerChunk = (int)Math.Max(1, Math.Min(runs, ChunkBytes / ((long)runLen * size)));
        var buf = new byte[(long)runsPerChunk * runLen * size];
        var tmp = h.Interleave == "bip" ? [] : new float[(long)runsPerChunk * runLen];
        bool swap = (h.ByteOrder == 1) == BitConverter.IsLittleEndian;

        for (long u0 = 0; u0 < runs; u0 += runsPerChunk)
        {
            ct.ThrowIfCancellationRequested();
            int nr = (int)Math.Min(runsPerChunk, runs - u0);
            int elems = nr * runLen;
            var bytes = buf.AsSpan(0, elems * size);
            RandomAccess.Read(file, bytes, h.HeaderOffset + u0 * runLen * size);
            if (swap) SampleConvert.SwapInPlace(bytes, type);
            if (h.Interleave == "bip")
            {
                SampleConvert.ToFloat(bytes, type, data.AsSpan((int)(u0 * runLen), elems));
                continue;
            }
            SampleConvert.ToFloat(bytes, type, tmp.AsSpan(0, elems));
            for (int k = 0; k < nr; k++)
            {
                long u = u0 + k;
                // bsq: run u = band·H + row; bil: run u = row·B + band.
                long row = h.Interleave == "bsq" ? u % height : u / bands;
                long band = h.Interleave == "bsq" ? u / height : u % bands;
                long o = row * width * bands + band;
                int s = k * width;
                for (int c = 0; c < width; c++) data[o + (long)c * bands] = tmp[s + c];
            }
        }

        return new HsiCube(Path.GetFileNameWithoutExtension(dataPath), height, width, bands, data, type.ToSampleType())
        {
            Wavelengths = h.Wavelengths,
        };
    }
}
