using System.Globalization;
using System.Text;
using HsiInr.Core.Cube;

namespace HsiInr.Core.IO;

/// <summary>
/// An ENVI <c>.hdr</c> text header: <c>key = value</c> lines, keys case-insensitive, values in <c>{ }</c> may span
/// lines (wavelength lists, description). Only the fields needed to locate and decode the samples are interpreted;
/// the rest are kept as text.
/// </summary>
internal sealed class EnviHeader
{
    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);
    public long Samples { get; private set; }
    public long Lines { get; private set; }
    public long Bands { get; private set; }
    public int DataType { get; private set; }
    public string Interleave { get; private set; } = "bsq";
    public int ByteOrder { get; private set; }
    public long HeaderOffset { get; private set; }
    /// <summary>Band centres in nm, in header order (ENVI lists need not be sorted); null when absent or not one per band.</summary>
    public double[]? Wavelengths { get; private set; }

    public static bool HasSignature(ReadOnlySpan<byte> head)
    {
        int i = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // tolerate a UTF-8 BOM
        return head.Length - i >= 4 && head.Slice(i, 4).SequenceEqual("ENVI"u8);
    }

    public static EnviHeader Parse(string text, string path)
    {
        var h = new EnviHeader();
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        if (lines.Length == 0 || !lines[0].TrimStart('\uFEFF').TrimStart().StartsWith("ENVI", StringComparison.Ordinal))
            throw new HsiException(HsiErrorKind.BadMagic, "The ENVI header does not start with the line 'ENVI'. Give an ENVI .hdr file (or its data file), a MAT v5 or a MAT v7.3 file.", path);
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int eq = line.IndexOf('=');
            if (eq < 0) continue; // blank lines and ';' comments
            string key = string.Join(' ', line[..eq].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            string value = line[(eq + 1)..].Trim();
            if (value.StartsWith('{'))
            {
                // Only the appended line is searched for '}': copying and rescanning the whole value made an
                // unclosed '{' over many lines quadratic in the header's length.
                var sb = new StringBuilder(value);
                bool closed = value.Contains('}');
                while (!closed && i + 1 < lines.Length)
                {
                    string next = lines[++i];
                    sb.Append('\n').Append(next);
                    closed = next.Contains('}');
                }
                string v = sb.ToString();
                int close = v.IndexOf('}');
                if (close < 0)
                    throw new HsiException(HsiErrorKind.MalformedHeader, $"The ENVI header value of '{key}' opens '{{' but never closes it. Fix the header.", path);
                value = v[1..close].Trim();
            }
            h.Fields[key] = value;
        }

        h.Samples = Required(h, "samples", path);
        h.Lines = Required(h, "lines", path);
        h.Bands = Required(h, "bands", path);
        // Range-checked before narrowing: a cast would turn 'data type = 4294967297' into 1 and read garbage as uint8.
        long dataType = Required(h, "data type", path);
        if (dataType is < 0 or > int.MaxValue)
            throw new HsiException(HsiErrorKind.UnsupportedDataType, $"The ENVI header has 'data type = {dataType}', which is not an ENVI data type code. Fix the .hdr file.", path);
        h.DataType = (int)dataType;
        h.HeaderOffset = Optional(h, "header offset", path) ?? 0;
        long byteOrder = Optional(h, "byte order", path) ?? 0;
        if (byteOrder is not (0 or 1))
            throw new HsiException(HsiErrorKind.MalformedHeader, $"The ENVI header has 'byte order = {byteOrder}'; it must be 0 (little-endian) or 1 (big-endian).", path);
        h.ByteOrder = (int)byteOrder;
        if (h.HeaderOffset < 0)
            throw new HsiException(HsiErrorKind.MalformedHeader, $"The ENVI header has a negative 'header offset' ({h.HeaderOffset}).", path);
        if (h.Fields.TryGetValue("interleave", out var il))
        {
            h.Interleave = il.Trim().ToLowerInvariant();
            if (h.Interleave is not ("bsq" or "bil" or "bip"))
                throw new HsiException(HsiErrorKind.MalformedHeader, $"The ENVI header has 'interleave = {il}'; supported are bsq, bil and bip.", path);
        }
        if (h.Fields.TryGetValue("wavelength", out var wl))
        {
            var parts = wl.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var w = new double[parts.Length];
            bool ok = parts.Length == h.Bands;
            for (int i = 0; ok && i < parts.Length; i++)
                ok = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out w[i]);
            if (ok)
            {
                string units = h.Fields.TryGetValue("wavelength units", out var u) ? u.Trim().ToLowerInvariant() : "";
                if (units is "micrometers" or "micrometer" or "microns" or "micron" or "um" or "µm" or "μm")
                    for (int i = 0; i < w.Length; i++) w[i] *= 1000;
                h.Wavelengths = w;
            }
        }
        return h;
    }

    private static long Required(EnviHeader h, string key, string path) =>
        Optional(h, key, path) ?? throw new HsiException(HsiErrorKind.MalformedHeader, $"The ENVI header lacks the required field '{key}'. Add it to the .hdr file.", path);

    private static long? Optional(EnviHeader h, string key, string path)
    {
        if (!h.Fields.TryGetValue(key, out var v)) return null;
        if (!long.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
            throw new HsiException(HsiErrorKind.MalformedHeader, $"The ENVI header field '{key} = {v}' is not an integer. Fix the .hdr file.", path);
        return n;
    }

    public static StoredType? TypeOf(int dataType) => dataType switch
    {
        1 => StoredType.UInt8, 2 => StoredType.Int16, 3 => StoredType.Int32, 4 => StoredType.Single, 5 => StoredType.Double,
        12 => StoredType.UInt16, 13 => StoredType.UInt32, 14 => StoredType.Int64, 15 => StoredType.UInt64,
        _ => null,
    };

    public static int CodeOf(StoredType t) => t switch
    {
        StoredType.UInt8 => 1, StoredType.Int16 => 2, StoredType.Int32 => 3, StoredType.Single => 4, StoredType.Double => 5,
        StoredType.UInt16 => 12, StoredType.UInt32 => 13, StoredType.Int64 => 14, StoredType.UInt64 => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "ENVI has no code for this type."),
    };

    /// <summary>Header text for a BIP file of <paramref name="cube"/> stored as <paramref name="type"/>.</summary>
    public static string Format(HsiCube cube, StoredType type, string interleave)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("ENVI\n");
        sb.Append("description = {HsiInr export of ").Append(cube.Name.Replace('}', ')')).Append("}\n");
        sb.Append(inv, $"samples = {cube.Width}\n");
        sb.Append(inv, $"lines = {cube.Height}\n");
        sb.Append(inv, $"bands = {cube.Bands}\n");
        sb.Append("header offset = 0\n");
        sb.Append("file type = ENVI Standard\n");
        sb.Append(inv, $"data type = {CodeOf(type)}\n");
        sb.Append("interleave = ").Append(interleave).Append('\n');
        sb.Append(inv, $"byte order = {(BitConverter.IsLittleEndian ? 0 : 1)}\n");
        if (cube.Wavelengths is { } w && w.Length == cube.Bands)
        {
            sb.Append("wavelength units = Nanometers\n");
            sb.Append("wavelength = {");
            for (int i = 0; i < w.Length; i++)
            {
                if (i > 0) sb.Append(i % 8 == 0 ? ",\n " : ", ");
                sb.Append(w[i].ToString("R", inv));
            }
            sb.Append("}\n");
        }
        return sb.ToString();
    }
}
