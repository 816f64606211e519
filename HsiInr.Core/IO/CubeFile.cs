using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>Options for <see cref="CubeFile.Read"/>; all only matter for MAT files.</summary>
public sealed record CubeReadOptions
{
    /// <summary>The MAT variable holding the cube; by default the single 3-D numeric array (or the unmixing layout <c>Y</c> + <c>nRow</c>/<c>nCol</c>).</summary>
    public string? Variable { get; init; }
    /// <summary>Image height for a 2-D Bands×Pixels MAT variable (pixels in MATLAB column-major order: p = row + Height·col).</summary>
    public int? Height { get; init; }
    /// <summary>Image width for a 2-D Bands×Pixels MAT variable.</summary>
    public int? Width { get; init; }
}

public enum CubeFileFormat { Envi, Mat }

/// <summary>Reads and writes cubes as MAT (v5 and v7.3 read, v5 written) and ENVI files, detecting the format by content.</summary>
public static class CubeFile
{
    internal static readonly string[] EnviDataExtensions = [".img", ".dat", ".raw", ".bsq", ".bil", ".bip", ""];
    private const string Supported = "Supported are MATLAB MAT-files (v5/v7 and v7.3) and ENVI images (.hdr header plus raw data file).";

    /// <summary>
    /// Reads a cube. The format comes from the content, not the extension: "MATLAB 5.0 MAT-file" text with the
    /// endian mark at bytes 126-127 (MAT v5), an HDF5 signature at byte 0 or 512 (MAT v7.3), or an ENVI header
    /// (the .hdr itself, or a data file with a .hdr of the same base name next to it).
    /// </summary>
    public static HsiCube Read(string path, CubeReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CubeReadOptions();
        string full = CheckInputFile(path);
        var head = ReadHead(full);

        HsiCube cube;
        if (MatV5Reader.HasSignature(head) || MatV73Reader.HasSignature(head))
        {
            using var mat = OpenMat(full, head);
            cube = MatCube.Build(mat, options, cancellationToken);
        }
        else if (EnviHeader.HasSignature(head))
        {
            string data = FindEnviData(full);
            CheckInputFile(data);
            cube = EnviReader.Read(full, data, cancellationToken);
        }
        else if (string.Equals(Path.GetExtension(full), ".hdr", StringComparison.OrdinalIgnoreCase))
            throw new HsiException(HsiErrorKind.BadMagic, "The .hdr file does not start with 'ENVI', so it is not an ENVI header. " + Supported, full);
        else if (head.AsSpan().StartsWith("MATLAB"u8))
            throw new HsiException(HsiErrorKind.BadMagic, "The file starts like a MAT-file but is neither MAT v5 ('MATLAB 5.0 MAT-file') nor v7.3 (HDF5 at byte 512). Re-save it in MATLAB with save -v7 or -v7.3.", full);
        else if (FindEnviHeader(full) is { } hdr)
        {
            CheckInputFile(hdr);
            if (!EnviHeader.HasSignature(ReadHead(hdr)))
                throw new HsiException(HsiErrorKind.BadMagic, "The header next to this file does not start with 'ENVI'. " + Supported, hdr);
            cube = EnviReader.Read(hdr, full, cancellationToken);
        }
        else
            throw new HsiException(HsiErrorKind.UnknownFormat, "The file is not a MAT-file and has no ENVI .hdr header next to it. " + Supported, full);

        cube.Name = Path.GetFileNameWithoutExtension(full);
        cube.SourcePath = full;
        return cube;
    }

    /// <summary>The variables of a MAT file (v5 or v7.3) with class and dimensions, without reading their samples.</summary>
    public static IReadOnlyList<MatVariableInfo> ListMatVariables(string path)
    {
        string full = CheckInputFile(path);
        var head = ReadHead(full);
        if (!MatV5Reader.HasSignature(head) && !MatV73Reader.HasSignature(head))
            throw new HsiException(HsiErrorKind.BadMagic, "The file is not a MAT-file (no 'MATLAB 5.0 MAT-file' header and no HDF5 signature). Give a MAT v5/v7 or v7.3 file.", full);
        using var mat = OpenMat(full, head);
        return mat.Variables.ToList();
    }

    /// <summary>
    /// Writes a cube atomically. <see cref="CubeFileFormat.Envi"/>: <paramref name="path"/> is the raw BIP data file
    /// and the header goes to the same base name with .hdr (a path ending in .hdr writes the data to .img).
    /// <see cref="CubeFileFormat.Mat"/>: a compressed MAT v5 file with variable <c>data</c>. Both keep an integer
    /// OriginalType when every sample fits it exactly, so integer data round-trip unchanged.
    /// </summary>
    public static void Write(HsiCube cube, string path, CubeFileFormat format, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cube);
        string full = Path.GetFullPath(path);
        switch (format)
        {
            case CubeFileFormat.Mat:
                AtomicFile.Write(full, overwrite, s => MatV5Writer.Write(cube, s, compress: true, cancellationToken), cancellationToken);
                break;
            case CubeFileFormat.Envi:
                string data = full, header;
                if (string.Equals(Path.GetExtension(full), ".hdr", StringComparison.OrdinalIgnoreCase))
                {
                    header = full;
                    data = Path.ChangeExtension(full, ".img");
                }
                else header = Path.ChangeExtension(full, ".hdr");
                if (!overwrite)
                    foreach (var p in new[] { data, header })
                        if (File.Exists(p))
                            throw new HsiException(HsiErrorKind.OutputExists, "The output file already exists; use -Force to overwrite it.", p);
                EnviWriter.Write(cube, data, header, overwrite, cancellationToken);
                break;
            default:
                throw new HsiException(HsiErrorKind.InvalidArgument, $"Unknown output format {format}; use Envi or Mat.");
        }
    }

    private static MatContainer OpenMat(string full, byte[] head) =>
        MatV73Reader.HasSignature(head) ? new MatV73Reader(full) : new MatV5Reader(full);

    private static string CheckInputFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new HsiException(HsiErrorKind.InvalidArgument, "No input path was given.");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new HsiException(HsiErrorKind.PathIsDirectory, "The path is a directory; give the cube file inside it.", full);
        if (!File.Exists(full))
            throw new HsiException(HsiErrorKind.FileNotFound, "The file does not exist; check the path.", full);
        if (new FileInfo(full).Length == 0)
            throw new HsiException(HsiErrorKind.EmptyFile, "The file is empty (0 bytes); it was probably not written completely. Re-export or re-copy it.", full);
        return full;
    }

    private static byte[] ReadHead(string full)
    {
        using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buf = new byte[(int)Math.Min(fs.Length, 1024)];
        fs.ReadExactly(buf);
        return buf;
    }

    private static string FindEnviData(string header)
    {
        string stem = Path.ChangeExtension(header, null);
        foreach (var ext in EnviDataExtensions)
            foreach (var e in new[] { ext, ext.ToUpperInvariant() })
                if (File.Exists(stem + e)) return stem + e;
        throw new HsiException(HsiErrorKind.FileNotFound,
            $"The ENVI header has no data file next to it; looked for {string.Join(", ", EnviDataExtensions.Select(e => Path.GetFileName(stem + e)))}. Put the raw data file beside the header with the same base name.", header);
    }

    private static string? FindEnviHeader(string data)
    {
        foreach (var h in new[] { Path.ChangeExtension(data, ".hdr"), Path.ChangeExtension(data, ".HDR"), data + ".hdr" })
            if (File.Exists(h)) return h;
        return null;
    }
}
