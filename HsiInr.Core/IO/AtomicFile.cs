namespace HsiInr.Core.IO;

/// <summary>
/// Writes a file so that the target name only ever holds a complete file: the bytes go to a hidden temp file in
/// the same folder, which is flushed and then renamed over the target. A crash or kill mid-write leaves at most
/// the temp file, never a partial file under the target name.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, bool overwrite, Action<Stream> writeContent, CancellationToken cancellationToken = default)
    {
        string full = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(full) ?? ".";
        if (Directory.Exists(full))
            throw new HsiException(HsiErrorKind.PathIsDirectory, "The output path is a directory; give a file name.", full);
        if (!overwrite && File.Exists(full))
            throw new HsiException(HsiErrorKind.OutputExists, "The output file already exists; use -Force to overwrite it.", full);
        if (!Directory.Exists(dir))
            throw new HsiException(HsiErrorKind.FileNotFound, "The output folder does not exist; create it first.", dir);

        string temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writeContent(fs);
                cancellationToken.ThrowIfCancellationRequested();
                fs.Flush(flushToDisk: true);
            }
            // Re-check right before the rename: another writer may have created the target meanwhile.
            if (!overwrite && File.Exists(full))
                throw new HsiException(HsiErrorKind.OutputExists, "The output file already exists; use -Force to overwrite it.", full);
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        byte[] copy = bytes.ToArray();
        Write(path, overwrite, s => s.Write(copy));
    }
}
