using System.Runtime.InteropServices;
using PureHDF;

namespace HsiInr.Core.IO;

/// <summary>
/// Reader for MAT v7.3 files, which are HDF5 files behind a 512-byte MATLAB user block (PureHDF finds the
/// superblock there). Each variable is a root dataset with a <c>MATLAB_class</c> attribute. HDF5 lists dimensions
/// slowest-first, the reverse of MATLAB, so the bytes are already in MATLAB's column-major order and the shared
/// <see cref="MatCube"/> rules apply unchanged.
/// </summary>
internal sealed class MatV73Reader : MatContainer
{
    private readonly IDisposable h5;
    private readonly long fileLength;
    private readonly Dictionary<MatVariableInfo, IH5Dataset> datasets = new(ReferenceEqualityComparer.Instance);
    private readonly List<MatVariableInfo> variables = [];

    public static bool HasSignature(ReadOnlySpan<byte> head)
    {
        ReadOnlySpan<byte> sig = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
        return (head.Length >= 8 && head[..8].SequenceEqual(sig)) || (head.Length >= 520 && head.Slice(512, 8).SequenceEqual(sig));
    }

    public MatV73Reader(string path) : base(path)
    {
        IH5Group root;
        try
        {
            fileLength = new FileInfo(path).Length;
            var f = H5File.Open(new ReadBudgetStream(File.OpenRead(path), path), leaveOpen: false);
            h5 = f;
            root = f;
        }
        catch (Exception ex) when (ex is not HsiException and not OperationCanceledException)
        {
            throw new HsiException(HsiErrorKind.MalformedHeader, $"The MAT v7.3 (HDF5) file cannot be opened ({ex.Message}); it may be cut off or corrupt. Re-save it in MATLAB.", path, ex);
        }
        try
        {
            foreach (var child in root.Children())
            {
                if (child.Name.StartsWith('#')) continue; // MATLAB's hidden "#refs#" / "#subsystem#" groups
                string? cls = Attr(child, "MATLAB_class");
                if (child is IH5Dataset ds)
                {
                    var hdims = ds.Space.Dimensions;
                    var dims = hdims.Reverse().Select(d => (long)d).ToArray();
                    if (dims.Length == 1) dims = [dims[0], 1];
                    if (child.AttributeExists("MATLAB_empty")) dims = new long[Math.Max(2, dims.Length)];
                    bool complex = ds.Type.Class == H5DataTypeClass.Compound;
                    // Without a readable MATLAB_class (plain HDF5, or an attribute encoding we cannot decode) the
                    // HDF5 number type stands in for the class.
                    cls ??= ClassFromType(ds.Type);
                    if (cls == "double" && ds.Type.Class == H5DataTypeClass.Reference) cls = "cell";
                    var info = new MatVariableInfo(child.Name, cls, dims, complex);
                    variables.Add(info);
                    datasets[info] = ds;
                }
                else
                {
                    bool sparse = child.AttributeExists("MATLAB_sparse");
                    variables.Add(new MatVariableInfo(child.Name, cls ?? "struct", [], false, sparse));
                }
            }
        }
        catch (Exception ex) when (ex is not HsiException and not OperationCanceledException)
        {
            h5.Dispose();
            throw new HsiException(HsiErrorKind.MalformedHeader, $"The MAT v7.3 (HDF5) file's variable list cannot be read ({ex.Message}). Re-save it in MATLAB.", path, ex);
        }
    }

    private static string? Attr(IH5Object o, string name)
    {
        if (!o.AttributeExists(name)) return null;
        try { return o.Attribute(name).Read<string>(); }
        catch { return null; }
    }

    private static string ClassFromType(IH5DataType t) => (t.Class, t.Size) switch
    {
        (H5DataTypeClass.FloatingPoint, 8) => "double",
        (H5DataTypeClass.FloatingPoint, 4) => "single",
        (H5DataTypeClass.FixedPoint, 1 or 2 or 4 or 8) => (t.FixedPoint.IsSigned ? "int" : "uint") + (t.Size * 8),
        _ => "unknown",
    };

    public override IReadOnlyList<MatVariableInfo> Variables => variables;

    public override void Dispose() => h5.Dispose();

    public override MatArray Load(MatVariableInfo variable, CancellationToken ct)
    {
        // A group claiming a numeric MATLAB_class (only a corrupt file has one) is listed but holds no samples.
        if (!datasets.TryGetValue(variable, out var ds))
            throw new HsiException(HsiErrorKind.MalformedHeader, $"Variable '{variable.Name}' is marked {variable.ClassName} but is an HDF5 group, not an array; the file is corrupt. Re-save it in MATLAB.", Path);
        var t = ds.Type;
        StoredType stored = (t.Class, t.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => StoredType.Single,
            (H5DataTypeClass.FloatingPoint, 8) => StoredType.Double,
            (H5DataTypeClass.FixedPoint, 1) => t.FixedPoint.IsSigned ? StoredType.Int8 : StoredType.UInt8,
            (H5DataTypeClass.FixedPoint, 2) => t.FixedPoint.IsSigned ? StoredType.Int16 : StoredType.UInt16,
            (H5DataTypeClass.FixedPoint, 4) => t.FixedPoint.IsSigned ? StoredType.Int32 : StoredType.UInt32,
            (H5DataTypeClass.FixedPoint, 8) => t.FixedPoint.IsSigned ? StoredType.Int64 : StoredType.UInt64,
            _ => throw new HsiException(HsiErrorKind.UnsupportedDataType, $"Variable '{variable.Name}' is stored as HDF5 {t.Class} of {t.Size} bytes, not a plain number type. Convert it in MATLAB (e.g. double(x)).", Path),
        };
        long bytes = variable.ElementCount * stored.Size();
        if (bytes > Array.MaxLength)
            throw new HsiException(HsiErrorKind.SizeLimitExceeded, $"Variable '{variable.Name}' holds {bytes} bytes, more than one buffer can hold. Split the data in MATLAB first.", Path);
        // Even compressed chunks cannot hold more than ~1000× their size, so dimensions claiming far more than the
        // file could contain are corrupt: refuse before PureHDF allocates for them.
        if (bytes > fileLength * 1100L + 65536)
            throw new HsiException(HsiErrorKind.TruncatedFile, $"Variable '{variable.Name}' ({variable.DimensionsText}) would need {bytes} bytes, far more than the {fileLength}-byte file can hold; the file is cut off or corrupt.", Path);
        ct.ThrowIfCancellationRequested();
        byte[] buffer;
        try
        {
            buffer = stored switch
            {
                StoredType.Int8 => Bytes(ds.Read<sbyte[]>()),
                StoredType.UInt8 => ds.Read<byte[]>(),
                StoredType.Int16 => Bytes(ds.Read<short[]>()),
                StoredType.UInt16 => Bytes(ds.Read<ushort[]>()),
                StoredType.Int32 => Bytes(ds.Read<int[]>()),
                StoredType.UInt32 => Bytes(ds.Read<uint[]>()),
                StoredType.Int64 => Bytes(ds.Read<long[]>()),
                StoredType.UInt64 => Bytes(ds.Read<ulong[]>()),
                StoredType.Single => Bytes(ds.Read<float[]>()),
                _ => Bytes(ds.Read<double[]>()),
            };
        }
        catch (Exception ex) when (ex is not HsiException and not OperationCanceledException)
        {
            throw new HsiException(HsiErrorKind.TruncatedFile, $"The samples of variable '{variable.Name}' cannot be read ({ex.Message}); the file may be cut off or corrupt. Re-save it in MATLAB.", Path, ex);
        }
        if (buffer.LongLength != bytes)
            throw new HsiException(HsiErrorKind.MalformedHeader, $"Variable '{variable.Name}' returned {buffer.LongLength} bytes, expected {bytes}.", Path);
        return new MatArray { Info = variable, Buffer = buffer, Offset = 0, Type = stored, NeedsSwap = false };
    }

    private static byte[] Bytes<T>(T[] a) where T : unmanaged => MemoryMarshal.AsBytes(a.AsSpan()).ToArray();
}

/// <summary>
/// The file as PureHDF sees it, with a cap on the bytes it may read: 8 × the file's length plus 256 MiB, far more than
/// listing and loading a real file need (each byte of data is read about once). A corrupt file whose addresses form
/// a cycle made PureHDF follow it forever (a fuzz finding); past the cap every read throws, so such a file fails
/// with a clear error instead of hanging the session.
/// </summary>
internal sealed class ReadBudgetStream(FileStream inner, string path) : Stream
{
    private readonly long budget = 8 * inner.Length + (256L << 20);
    private long read;

    private void Charge(int n)
    {
        read += n;
        if (read > budget)
            throw new HsiException(HsiErrorKind.MalformedHeader,
                $"The MAT v7.3 (HDF5) file's structure loops: reading it needed more than {budget >> 20} MB from a {inner.Length}-byte file. The file is corrupt; re-save it in MATLAB.", path);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer) { Charge(buffer.Length); return inner.Read(buffer); }
    public override int ReadByte() { Charge(1); return inner.ReadByte(); }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override long Length => inner.Length;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
