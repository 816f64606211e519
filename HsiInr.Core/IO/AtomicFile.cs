using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HsiInr.Core.IO;

/// <summary>
/// Writes a file so that the target name only ever holds a complete file: the bytes go to a hidden temp file in
/// the same folder, which is flushed and then renamed over the target. A crash or kill mid-write leaves at most
/// the temp file, never a partial file under the target name.
/// </summary>
/// <remarks>
/// Temp files are named <c>.&lt;target name&gt;~hsiinr-&lt;pid&gt;-&lt;random&gt;.tmp</c>: hidden, ending in .tmp
/// (so no *.hsiinr or *.mat pattern picks one up), and saying which target and which process they belong to. A
/// killed process cannot delete its temp file, so the next write of the same target removes the ones it left:
/// those whose process is no longer running on this machine and that have not been written to for
/// <see cref="StaleAfter"/> (which spares a writer on another machine sharing the folder, whose process id means
/// nothing here).
/// </remarks>
public static class AtomicFile
{
    /// <summary>How long a temp file of a process that is not running must have been left untouched before it is removed.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private const string Marker = "~hsiinr-";
    private const string TempExtension = ".tmp";
    // Temp names add about 40 bytes to the target's name; most file systems allow 255 bytes per name.
    private const int MaxNameBytesInTemp = 180;

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

        string prefix = TempPrefix(full);
        RemoveStaleTemps(dir, prefix);
        string unique = Guid.NewGuid().ToString("N")[..12];
        string temp = System.IO.Path.Combine(dir, $"{prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{unique}{TempExtension}");
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
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (IOException) { } // keep the original exception; the temp file is named for the next write to remove
            catch (UnauthorizedAccessException) { }
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        byte[] copy = bytes.ToArray();
        Write(path, overwrite, s => s.Write(copy));
    }

    /// <summary>The name every temp file for <paramref name="fullPath"/> starts with (in the target's folder).</summary>
    public static string TempPrefix(string fullPath)
    {
        string name = System.IO.Path.GetFileName(fullPath);
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytesInTemp)
        {
            int n = name.Length;
            while (n > 0 && Encoding.UTF8.GetByteCount(name.AsSpan(0, n)) > MaxNameBytesInTemp) n--;
            if (n > 0 && char.IsHighSurrogate(name[n - 1])) n--;
            name = name[..n];
        }
        return "." + name + Marker;
    }

    /// <summary>
    /// Removes the temp files a killed writer of this target left behind (see the class remarks); returns how many.
    /// Best effort: a file that cannot be removed is left for a later write.
    /// </summary>
    public static int RemoveStaleTemps(string directory, string prefix)
    {
        int removed = 0;
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(directory, "*" + Marker + "*" + TempExtension).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (string file in candidates)
        {
            string name = System.IO.Path.GetFileName(file);
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            string rest = name[prefix.Length..];
            int dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                if (IsRunning(pid) || DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < StaleAfter) continue;
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
