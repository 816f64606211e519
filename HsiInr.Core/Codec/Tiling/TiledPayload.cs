using System.Buffers.Binary;
using HsiInr.Core.Codec.Container;

namespace HsiInr.Core.Codec.Tiling;

/// <summary>One tile of a tiled archive: where it sits and its nested archive, parsed (header checked, CRC verified).</summary>
public sealed record TileEntry(PixelRegion Rect, ArchiveHeader Header, ReadOnlyMemory<byte> Payload, int ArchiveBytes);

/// <summary>
/// The payload of a <see cref="CodecId.Tiled"/> archive (docs/format.md): a layout byte, the tiles' codec, the tile
/// count, a table of 20-byte entries (x, y, width, height, archive length) and the tiles' complete archives in table
/// order. The parser is as strict as <see cref="ArchiveFormat"/>: every count, rectangle and length is checked
/// against the image and the bytes present before anything sized from them is allocated, and the table must cover
/// the image exactly (strips top to bottom, tiles left to right), so overlaps and gaps are errors.
/// </summary>
public sealed class TiledPayload
{
    public const byte Layout = 1;
    public const int FixedBytes = 7;
    public const int EntryBytes = 20;

    public required CodecId TileCodec { get; init; }
    public required IReadOnlyList<TileEntry> Tiles { get; init; }

    /// <summary>Bytes of the layout byte, codec, count and table for <paramref name="tiles"/> tiles (the archives come on top).</summary>
    public static long TableBytes(int tiles) => FixedBytes + (long)EntryBytes * tiles;

    public static byte[] Write(CodecId tileCodec, IReadOnlyList<PixelRegion> rects, IReadOnlyList<byte[]> archives)
    {
        if (rects.Count != archives.Count) throw new ArgumentException($"{rects.Count} tiles but {archives.Count} archives.");
        long size = TableBytes(rects.Count) + archives.Sum(a => (long)a.Length);
        var buf = new byte[size];
        var s = buf.AsSpan();
        s[0] = Layout;
        BinaryPrimitives.WriteUInt16LittleEndian(s[1..], (ushort)tileCodec);
        BinaryPrimitives.WriteUInt32LittleEndian(s[3..], (uint)rects.Count);
        int o = FixedBytes;
        foreach (var (r, a) in rects.Zip(archives))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)r.X);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(o + 4)..], (uint)r.Y);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(o + 8)..], (uint)r.Width);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(o + 12)..], (uint)r.Height);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(o + 16)..], (uint)a.Length);
            o += EntryBytes;
        }
        foreach (var a in archives) { a.CopyTo(s[o..]); o += a.Length; }
        return buf;
    }

    /// <summary>Parses and checks the tile table of <paramref name="outer"/>'s payload and every tile's archive header.</summary>
    public static TiledPayload Parse(ArchiveHeader outer, ReadOnlyMemory<byte> payload, string? path)
    {
        var s = payload.Span;
        if (s.Length < FixedBytes)
            throw Corrupt($"The tile table is truncated: the payload has {s.Length} bytes, fewer than the {FixedBytes} its header needs.", path);
        if (s[0] != Layout)
            throw new HsiException(HsiErrorKind.UnsupportedVersion, $"Tile table layout {s[0]} is not supported (this HsiInr reads layout {Layout}). Update the module.", path);
        ushort codec = BinaryPrimitives.ReadUInt16LittleEndian(s[1..]);
        if (codec == (ushort)CodecId.Tiled) throw Corrupt("The tile table says its tiles are tiled archives themselves; tiles cannot nest.", path);
        if (!Enum.IsDefined(typeof(CodecId), codec))
            throw new HsiException(HsiErrorKind.UnsupportedVersion, $"The tiles use codec id {codec}, which this HsiInr does not know. Update the module.", path);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(s[3..]);
        // Every tile needs a table entry and at least an empty archive: bounds the count before anything is allocated.
        long maxTiles = (s.Length - FixedBytes) / (EntryBytes + ArchiveFormat.FramingBytes);
        if (count == 0) throw Corrupt("The tile table lists no tiles.", path);
        if (count > maxTiles)
            throw Corrupt($"The tile table lists {count} tiles, but its {s.Length}-byte payload can hold at most {maxTiles} (each needs a {EntryBytes}-byte entry and an archive of at least {ArchiveFormat.FramingBytes} bytes): the table is truncated or corrupt.", path);

        int n = (int)count;
        var rects = new PixelRegion[n];
        var lengths = new int[n];
        long stripY = 0, stripHeight = 0, nextX = 0, offset = TableBytes(n);
        for (int i = 0; i < n; i++)
        {
            var e = s.Slice(FixedBytes + EntryBytes * i, EntryBytes);
            long x = BinaryPrimitives.ReadUInt32LittleEndian(e), y = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            long w = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]), h = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            long len = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
            string tile = $"Tile {i + 1} of {n} (x={x}, y={y}, {w}×{h})";
            if (w == 0 || h == 0) throw Corrupt($"{tile} is empty.", path);
            if (x + w > outer.Width || y + h > outer.Height)
                throw Corrupt($"{tile} lies outside the {outer.Width}×{outer.Height} (width×height) image.", path);
            if (nextX == 0) stripHeight = h; // a new strip starts at the left edge
            if (y < stripY || (y == stripY && x < nextX))
                throw Corrupt($"{tile} overlaps an earlier tile: tiles must cover the image once, in strips from the top, left to right (the next tile was expected at x={nextX}, y={stripY}).", path);
            if (y != stripY || x != nextX)
                throw Corrupt($"{tile} leaves a gap: the next tile was expected at x={nextX}, y={stripY} (strips from the top, left to right).", path);
            if (h != stripHeight)
                throw Corrupt($"{tile} is not as tall as its strip ({stripHeight} rows): it would overlap or leave a gap.", path);
            if (len < ArchiveFormat.FramingBytes)
                throw Corrupt($"{tile} has a {len}-byte archive, shorter than any archive ({ArchiveFormat.FramingBytes} bytes).", path);
            if (offset + len > s.Length)
                throw Corrupt($"{tile}'s archive ({len} bytes at payload offset {offset}) runs past the end of the {s.Length}-byte tile payload: the archive is truncated or corrupt.", path);
            rects[i] = new PixelRegion((int)x, (int)y, (int)w, (int)h);
            lengths[i] = (int)len;
            offset += len;
            nextX = x + w;
            if (nextX == outer.Width) { stripY += stripHeight; nextX = 0; }
        }
        if (stripY != outer.Height || nextX != 0)
            throw Corrupt($"The tiles cover the image only down to row {stripY}{(nextX != 0 ? $" and column {nextX} of the next strip" : "")} of {outer.Height}: the tile table is incomplete.", path);
        if (offset != s.Length)
            throw Corrupt($"The tile archives end at payload byte {offset} but the payload has {s.Length} bytes.", path);

        var tiles = new TileEntry[n];
        offset = TableBytes(n);
        for (int i = 0; i < n; i++)
        {
            var r = rects[i];
            string tile = $"Tile {i + 1} of {n} (x={r.X}, y={r.Y}, {r.Width}×{r.Height})";
            var bytes = s.Slice((int)offset, lengths[i]).ToArray();
            offset += lengths[i];
            ArchiveHeader h;
            ReadOnlyMemory<byte> p;
            try { (h, p) = ArchiveFormat.Read(bytes); }
            catch (HsiException e) { throw new HsiException(e.Kind, $"{tile}: {e.Message}", path, e); }
            if (h.Codec != (CodecId)codec)
                throw Corrupt($"{tile} is a {h.Codec} archive but the table says the tiles are {(CodecId)codec}.", path);
            if (h.Height != r.Height || h.Width != r.Width || h.Bands != outer.Bands)
                throw Corrupt($"{tile} holds a {h.Height}×{h.Width}×{h.Bands} archive, not {r.Height}×{r.Width}×{outer.Bands}.", path);
            if (h.OriginalType != outer.OriginalType)
                throw Corrupt($"{tile} has sample type {h.OriginalType}, the image {outer.OriginalType}.", path);
            tiles[i] = new TileEntry(r, h, p, lengths[i]);
        }
        return new TiledPayload { TileCodec = (CodecId)codec, Tiles = tiles };
    }

    private static HsiException Corrupt(string message, string? path) => new(HsiErrorKind.CorruptArchive, message, path);
}
