using System.Diagnostics;
using System.Globalization;

namespace HsiInr.Core.Codec.Baselines;

/// <summary>
/// Runs OpenJPEG's command-line tools (opj_compress / opj_decompress from libopenjp2-tools) on 16-bit single-band
/// images. They are the reference JPEG2000 codec with the irreversible 9/7 path and real-valued rates, which no
/// managed library offers. Images go through raw little-endian files in a private temp folder deleted afterwards;
/// bands run in parallel, at most one process per core.
/// </summary>
internal static class OpenJpegTool
{
    /// <summary>Folders searched for the tools, separated by the platform's path separator; null means PATH. Tests override it.</summary>
    internal static string? SearchPath { get; set; }

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    public static string Find(string tool)
    {
        string? dirs = SearchPath ?? Environment.GetEnvironmentVariable("PATH");
        foreach (var d in (dirs ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(d, tool);
            if (File.Exists(p)) return p;
        }
        throw new HsiException(HsiErrorKind.ExternalToolMissing,
            $"The JPEG2000 baselines need OpenJPEG's {tool}, which is not on PATH. Install it with `sudo apt-get install libopenjp2-tools` (Debian/Ubuntu).");
    }

    /// <summary>Resolution levels for an image: OpenJPEG's default 6, fewer for images too small for five decompositions.</summary>
    public static int Resolutions(int width, int height)
    {
        int n = 1;
        while (n < 6 && (1 << n) <= Math.Min(width, height)) n++;
        return n;
    }

    /// <summary>Encodes each image (row-major uint16, <paramref name="width"/> × <paramref name="height"/>) with the
    /// options <paramref name="options"/> returns for its index (e.g. ["-I", "-r", "40"]); returns the .j2k codestreams.</summary>
    public static byte[][] Encode(IReadOnlyList<ushort[]> images, int width, int height, Func<int, string[]> options, CancellationToken ct)
    {
        string exe = Find("opj_compress");
        var result = new byte[images.Count][];
        using var dir = new TempFolder();
        string format = string.Create(CultureInfo.InvariantCulture, $"{width},{height},1,16,u");
        string levels = Resolutions(width, height).ToString(CultureInfo.InvariantCulture);
        Parallelism.For(images.Count, ct, i =>
        {
            string raw = dir.File($"{i}.rawl"), j2k = dir.File($"{i}.j2k");
            var bytes = new byte[images[i].Length * 2];
            Buffer.BlockCopy(images[i], 0, bytes, 0, bytes.Length); // .rawl is little-endian, as is every supported host
            File.WriteAllBytes(raw, bytes);
            Run(exe, ["-i", raw, "-o", j2k, "-F", format, "-n", levels, .. options(i)], decoding: false, null);
            result[i] = File.ReadAllBytes(j2k);
            File.Delete(raw);
            File.Delete(j2k);
        });
        return result;
    }

    /// <summary>Decodes codestreams that must each hold a <paramref name="width"/> × <paramref name="height"/> 16-bit
    /// image; anything else (or a decoder failure) is a corrupt archive.</summary>
    public static ushort[][] Decode(IReadOnlyList<byte[]> streams, int width, int height, string? path, CancellationToken ct)
    {
        for (int i = 0; i < streams.Count; i++)
            if (!CodestreamSplit.HasExpectedSize(streams[i], width, height))
                throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: JPEG2000 stream {i} does not declare one 16-bit {width}×{height} image in one tile.", path);
        string exe = Find("opj_decompress");
        var result = new ushort[streams.Count][];
        long expected = 2L * width * height;
        using var dir = new TempFolder();
        Parallelism.For(streams.Count, ct, i =>
        {
            string j2k = dir.File($"{i}.j2k"), raw = dir.File($"{i}.rawl");
            File.WriteAllBytes(j2k, streams[i]);
            Run(exe, ["-i", j2k, "-o", raw], decoding: true, path);
            if (!File.Exists(raw) || new FileInfo(raw).Length != expected)
                throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: JPEG2000 stream {i} does not decode to a {width}×{height} 16-bit image.", path);
            var bytes = File.ReadAllBytes(raw);
            var img = new ushort[width * height];
            Buffer.BlockCopy(bytes, 0, img, 0, bytes.Length);
            result[i] = img;
            File.Delete(raw);
            File.Delete(j2k);
        });
        return result;
    }

    /// <summary>Runs a tool; a failure while decoding means a corrupt payload, while encoding a tool problem.</summary>
    private static void Run(string exe, string[] args, bool decoding, string? path)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new HsiException(HsiErrorKind.ExternalToolMissing, $"Could not start {exe}.");
        // Drain both pipes concurrently so a chatty tool cannot block on a full pipe.
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(ProcessTimeout))
        {
            try { p.Kill(true); } catch (InvalidOperationException) { }
            if (decoding)
                throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: {Path.GetFileName(exe)} did not finish within {ProcessTimeout.TotalSeconds} s.", path);
            throw new TimeoutException($"{Path.GetFileName(exe)} did not finish within {ProcessTimeout.TotalSeconds} s.");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            string msg = (stderr.Result + " " + stdout.Result).Trim();
            if (msg.Length > 300) msg = msg[..300];
            if (decoding)
                throw new HsiException(HsiErrorKind.CorruptArchive, $"The archive's payload is corrupt: {Path.GetFileName(exe)} could not decode a JPEG2000 stream ({msg}).", path);
            throw new InvalidOperationException($"{Path.GetFileName(exe)} failed with exit code {p.ExitCode}: {msg}");
        }
    }

    private sealed class TempFolder : IDisposable
    {
        private readonly string path = Directory.CreateTempSubdirectory("hsiinr-opj-").FullName;
        public string File(string name) => Path.Combine(path, name);
        public void Dispose()
        {
            try { Directory.Delete(path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
