namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Stores many small codestreams of the same kind (one per band or component) with their headers deduplicated.
/// Per-band JPEG and JPEG2000 headers are identical when size and settings are (tables, SIZ/COD/QCD, the encoder's
/// comment) and cost 130–300 bytes each; at 0.1 bpppb a 32×32 band has about 13 bytes, so they must be sent once.
/// Layout: varuint header count; each header length-prefixed; per stream: varuint header index (only when there is
/// more than one header) and the length-prefixed body.
/// </summary>
internal static class SharedHeaderStreams
{
    public static void Write(PayloadWriter w, IReadOnlyList<(byte[] Header, byte[] Body)> streams)
    {
        var headers = new List<byte[]>();
        var index = new int[streams.Count];
        for (int i = 0; i < streams.Count; i++)
        {
            int h = headers.FindIndex(x => x.AsSpan().SequenceEqual(streams[i].Header));
            if (h < 0) { h = headers.Count; headers.Add(streams[i].Header); }
            index[i] = h;
        }
        w.VarU(headers.Count);
        foreach (var h in headers) w.Block(h);
        for (int i = 0; i < streams.Count; i++)
        {
            if (headers.Count > 1) w.VarU(index[i]);
            w.Block(streams[i].Body);
        }
    }

    /// <summary>Bytes <see cref="Write"/> would produce, without building the payload.</summary>
    public static long Size(IReadOnlyList<(byte[] Header, byte[] Body)> streams)
    {
        var w = new PayloadWriter();
        Write(w, streams);
        return w.Length;
    }

    public static (ReadOnlyMemory<byte> Header, ReadOnlyMemory<byte> Body)[] Read(PayloadReader r, int count)
    {
        int nh = r.VarInt(count);
        if (nh < 1 && count > 0) throw r.Corrupt("no stream header");
        var headers = new ReadOnlyMemory<byte>[nh];
        for (int i = 0; i < nh; i++) headers[i] = r.Block();
        var result = new (ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)[count];
        for (int i = 0; i < count; i++)
        {
            int h = nh > 1 ? r.VarInt(nh - 1) : 0;
            result[i] = (headers[h], r.Block());
        }
        return result;
    }

    public static int VarUSize(long v)
    {
        int n = 1;
        while ((v >>= 7) != 0) n++;
        return n;
    }
}
