using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>A numeric MAT array's stored samples in MATLAB (column-major) order, as raw bytes in file byte order.</summary>
internal sealed class MatArray
{
    public required MatVariableInfo Info { get; init; }
    public required byte[] Buffer { get; init; }
    public required int Offset { get; init; }
    public required StoredType Type { get; init; }
    /// <summary>True when the bytes are in the other byte order than this machine's.</summary>
    public required bool NeedsSwap { get; init; }

    public int ByteLength => checked((int)(Info.ElementCount * Type.Size()));
    public Span<byte> Bytes => Buffer.AsSpan(Offset, ByteLength);

    /// <summary>Brings the bytes to native order once (the buffer is ours, so this is done in place).</summary>
    public void MakeNative()
    {
        if (!NeedsSwap || swapped) return;
        SampleConvert.SwapInPlace(Bytes, Type);
        swapped = true;
    }
    private bool swapped;

    public double[] ToDoubles()
    {
        MakeNative();
        var r = new double[Info.ElementCount];
        for (int i = 0; i < r.Length; i++) r[i] = SampleConvert.ReadDouble(Bytes, Type, i);
        return r;
    }
}

/// <summary>A MAT file (v5 or v7.3) opened for listing variables and loading one at a time.</summary>
internal abstract class MatContainer : IDisposable
{
    protected MatContainer(string path) => Path = path;
    public string Path { get; }
    public abstract IReadOnlyList<MatVariableInfo> Variables { get; }
    /// <summary>Loads a numeric variable's samples after validating its size against what the file holds.</summary>
    public abstract MatArray Load(MatVariableInfo variable, CancellationToken cancellationToken);
    /// <summary>A numeric variable's samples as a sequential stream (column-major, file byte order), so a large cube
    /// is converted block by block instead of being held raw beside its float copy; null where the container cannot
    /// stream it (the caller then uses <see cref="Load"/>).</summary>
    public virtual MatSampleStream? OpenSamples(MatVariableInfo variable, CancellationToken cancellationToken) => null;
    public virtual void Dispose() { }
}

/// <summary>
/// Chooses the cube variable of a MAT file and reorders it to BIP. Shared by the v5 and v7.3 readers so both
/// follow the same rules:
/// <list type="bullet">
/// <item>With <see cref="CubeReadOptions.Variable"/>: that variable. A 3-D array is H×W×Bands. A 2-D array is
/// Bands×Pixels (pixel p = r + H·c, MATLAB column-major) when Height/Width come from the options or from scalar
/// <c>nRow</c>/<c>nCol</c> variables, else a one-band H×W image.</item>
/// <item>Without: the single 3-D numeric array (when there are several, the one named <c>data</c>, else the
/// choice is ambiguous); if there is none, the unmixing layout — a 2-D <c>Y</c>
/// (Bands×Pixels) with <c>nRow</c>/<c>nCol</c> or Height/Width options — or, with Height and Width given, the one
/// 2-D numeric matrix that has Height·Width columns.</item>
/// </list>
/// </summary>
internal static class MatCube
{
    public static HsiCube Build(MatContainer mat, CubeReadOptions options, CancellationToken ct)
    {
        var vars = mat.Variables;
        MatVariableInfo chosen;
        if (options.Variable is { } wanted)
        {
            chosen = vars.FirstOrDefault(v => v.Name == wanted)
                ?? Unique(vars.Where(v => string.Equals(v.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList())
                ?? throw new HsiException(HsiErrorKind.VariableNotFound,
                    $"The MAT file has no variable named '{wanted}'. {Listing(vars)} Pass one of these names with -Variable.", mat.Path);
            if (!chosen.IsNumeric)
                throw new HsiException(HsiErrorKind.UnsupportedClass,
                    $"Variable '{chosen.Name}' is {Describe(chosen)}; only real, dense numeric arrays can be read as a cube. {Listing(vars)} Choose a numeric variable with -Variable, or convert it in MATLAB (e.g. double(x)).", mat.Path);
        }
        else
        {
            var cubes = vars.Where(v => v.IsNumeric && v.Rank == 3).ToList();
            // Unmixing result files (e.g. Moffett) also hold 3-D abundance maps; the benchmark convention names the image 'data'.
            if (cubes.Count > 1 && cubes.Count(v => v.Name == "data") == 1) cubes = cubes.Where(v => v.Name == "data").ToList();
            if (cubes.Count > 1)
                throw new HsiException(HsiErrorKind.AmbiguousVariable,
                    $"The MAT file holds {cubes.Count} 3-D numeric arrays ({string.Join(", ", cubes.Select(c => c.Name))}), so the cube is ambiguous. {Listing(vars)} Choose one with -Variable.", mat.Path);
            chosen = cubes.Count == 1
                ? cubes[0]
                : vars.FirstOrDefault(v => v.Name == "Y" && v.IsNumeric && v.Rank == 2)
                  ?? PixelMatrixFromOptions(vars, options)
                  ?? throw new HsiException(HsiErrorKind.VariableNotFound,
                      $"The MAT file has no 3-D numeric array and no 2-D 'Y' (bands × pixels) matrix to read as a cube. {Listing(vars)} Choose a variable with -Variable (and -Height/-Width for a bands × pixels matrix).", mat.Path);
        }

        // MATLAB arrays have at least two dimensions, but a corrupt file can list fewer (and HDF5 has scalar spaces).
        if (chosen.Rank is > 3 or < 2)
            throw new HsiException(HsiErrorKind.ShapeMismatch,
                $"Variable '{chosen.Name}' has {chosen.Rank} dimensions ({chosen.DimensionsText}); a cube needs H×W×Bands. Reshape it in MATLAB first.", mat.Path);

        long h, w, b;
        bool bandsByPixels = false;
        var d = chosen.Dimensions;
        if (chosen.Rank == 3) { h = d[0]; w = d[1]; b = d[2]; }
        else
        {
            var (oh, ow) = ImageSize(mat, options, ct);
            if (oh is null && ow is null)
            {
                if (options.Variable is null)
                    throw new HsiException(HsiErrorKind.ShapeMismatch,
                        $"Variable '{chosen.Name}' ({chosen.DimensionsText}) looks like bands × pixels, but the file has no nRow/nCol scalars giving the image size. Give -Height and -Width.", mat.Path);
                h = d[0]; w = d[1]; b = 1; // an explicitly chosen plain matrix: a one-band image
            }
            else
            {
                bandsByPixels = true;
                b = d[0];
                long n = d[1];
                h = oh ?? (ow > 0 && n % ow.Value == 0 ? n / ow.Value : -1);
                w = ow ?? (oh > 0 && n % oh.Value == 0 ? n / oh.Value : -1);
                if (h <= 0 || w <= 0 || h * w != n)
                    throw new HsiException(HsiErrorKind.ShapeMismatch,
                        $"Variable '{chosen.Name}' has {n} pixels (columns), which does not match the image size {oh?.ToString() ?? "?"}×{ow?.ToString() ?? "?"}. Give -Height and -Width whose product is {n}.", mat.Path);
            }
        }

        long count = HsiCube.CheckedSampleCount(h, w, b, mat.Path);
        StoredType storedType;
        float[] data;
        // H×W×B arrays stream from the file: memory stays at the float cube plus one block of bands, whatever the
        // stored type (a whole double array held raw beside its float copy would be three times the cube).
        using (var stream = bandsByPixels ? null : mat.OpenSamples(chosen, ct))
        {
            if (stream is not null)
            {
                storedType = stream.Type;
                data = new float[count];
                FromColumnMajor(stream.Read, stream.Type, stream.NeedsSwap, (int)h, (int)w, (int)b, data, ct);
            }
            else
            {
                var arr = mat.Load(chosen, ct);
                arr.MakeNative();
                storedType = arr.Type;
                data = new float[count];
                if (bandsByPixels) FromBandsByPixels(arr, (int)h, (int)w, (int)b, data, ct);
                else
                {
                    long at = 0;
                    FromColumnMajor(dst => { arr.Bytes.Slice((int)at, dst.Length).CopyTo(dst); at += dst.Length; }, arr.Type, false, (int)h, (int)w, (int)b, data, ct);
                }
            }
        }

        var cube = new HsiCube(System.IO.Path.GetFileNameWithoutExtension(mat.Path), (int)h, (int)w, (int)b, data, OriginalType(chosen.ClassName, storedType))
        {
            SourcePath = mat.Path,
            Wavelengths = Wavelengths(mat, b, ct),
        };
        return cube;
    }

    /// <summary>With Height and Width given, the one 2-D numeric matrix with Height·Width columns (bands × pixels).</summary>
    private static MatVariableInfo? PixelMatrixFromOptions(IReadOnlyList<MatVariableInfo> vars, CubeReadOptions o) =>
        o.Height is { } h && o.Width is { } w
            ? Unique(vars.Where(v => v.IsNumeric && v.Rank == 2 && v.Dimensions[1] == (long)h * w).ToList())
            : null;

    private static MatVariableInfo? Unique(List<MatVariableInfo> l) => l.Count == 1 ? l[0] : null;

    /// <summary>
    /// MATLAB stores integer-valued double arrays compactly (e.g. as uint16); like scipy's default we report that
    /// storage type, which tells the codec the data are integers in that range.
    /// </summary>
    internal static SampleType OriginalType(string cls, StoredType stored) => cls switch
    {
        "double" or "single" when stored.IsInteger() => stored.ToSampleType(),
        "double" => SampleType.Double,
        "single" => SampleType.Single,
        "int8" => SampleType.Int8,
        "uint8" or "logical" => SampleType.UInt8,
        "int16" => SampleType.Int16,
        "uint16" => SampleType.UInt16,
        "int32" => SampleType.Int32,
        "uint32" => SampleType.UInt32,
        _ => SampleType.Double, // int64/uint64: float32 cannot hold them exactly; Double signals "wide"
    };

    private static (long? H, long? W) ImageSize(MatContainer mat, CubeReadOptions o, CancellationToken ct)
    {
        long? h = o.Height, w = o.Width;
        if (h is null && w is null)
        {
            h = Scalar(mat, "nRow", ct);
            w = Scalar(mat, "nCol", ct);
            if (h is null || w is null) return (null, null);
        }
        return (h, w);
    }

    private static long? Scalar(MatContainer mat, string name, CancellationToken ct)
    {
        var v = mat.Variables.FirstOrDefault(x => x.Name == name && x.IsNumeric && x.ElementCount == 1);
        if (v is null) return null;
        double x = mat.Load(v, ct).ToDoubles()[0];
        return x >= 1 && x <= int.MaxValue && x == Math.Floor(x) ? (long)x : null;
    }

    private static double[]? Wavelengths(MatContainer mat, long bands, CancellationToken ct)
    {
        var v = mat.Variables.FirstOrDefault(x => x.IsNumeric && x.ElementCount == bands && x.Rank == 2 && (x.Dimensions[0] == 1 || x.Dimensions[1] == 1)
            && x.Name.ToLowerInvariant() is "wavelength" or "wavelengths" or "wavelength_nm");
        return v is null ? null : mat.Load(v, ct).ToDoubles();
    }

    /// <summary>Reads the next bytes of a variable's samples into the span, in order.</summary>
    internal delegate void SampleSource(Span<byte> destination);

    /// <summary>A(r,c,b) at r + H·(c + W·b) → BIP, reading the samples in order from <paramref name="read"/>. Bands go
    /// in blocks (up to 16, at most 64 MB of stored samples) so the strided writes share cache lines.</summary>
    private static void FromColumnMajor(SampleSource read, StoredType type, bool swap, int h, int w, int bands, float[] dst, CancellationToken ct)
    {
        int plane = h * w, size = type.Size();
        int block = (int)Math.Clamp((64L << 20) / ((long)plane * size), 1, 16);
        var tmp = new float[(long)plane * Math.Min(block, bands)];
        var raw = new byte[(long)plane * Math.Min(block, bands) * size];
        for (int b0 = 0; b0 < bands; b0 += block)
        {
            ct.ThrowIfCancellationRequested();
            int nb = Math.Min(block, bands - b0);
            var bytes = raw.AsSpan(0, nb * plane * size);
            read(bytes);
            if (swap) SampleConvert.SwapInPlace(bytes, type);
            SampleConvert.ToFloat(bytes, type, tmp.AsSpan(0, nb * plane));
            for (int c = 0; c < w; c++)
                for (int r = 0; r < h; r++)
                {
                    long o = ((long)r * w + c) * bands + b0;
                    int s = r + h * c;
                    for (int k = 0; k < nb; k++) dst[o + k] = tmp[s + k * plane];
                }
        }
    }

    /// <summary>Y(b, p) at b + B·p with pixel p = r + H·c: each pixel's spectrum is contiguous in both layouts.</summary>
    private static void FromBandsByPixels(MatArray arr, int h, int w, int bands, float[] dst, CancellationToken ct)
    {
        int size = arr.Type.Size();
        var src = arr.Bytes;
        for (int c = 0; c < w; c++)
        {
            ct.ThrowIfCancellationRequested();
            for (int r = 0; r < h; r++)
            {
                long p = r + (long)h * c;
                SampleConvert.ToFloat(src.Slice((int)(p * bands * size), bands * size), arr.Type,
                    dst.AsSpan((int)(((long)r * w + c) * bands), bands));
            }
        }
    }

    internal static string Describe(MatVariableInfo v) =>
        v.IsComplex ? $"a complex {v.ClassName} array" : v.IsSparse ? "a sparse matrix" : $"a {v.ClassName} array";

    internal static string Listing(IReadOnlyList<MatVariableInfo> vars) =>
        vars.Count == 0 ? "The file holds no variables." : "Variables in the file: " + string.Join("; ", vars) + ".";
}
