using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace HsiInr.Bench;

/// <summary>
/// The parent side of one point: starts this executable again with <c>--point &lt;json&gt;</c> (a fresh process, so
/// every point has its own peak RSS and nothing leaks between codecs), forwards the child's stderr indented, and
/// returns the point it printed, or a point with <c>error</c> when it printed none.
/// </summary>
public static class PointRunner
{
    public static BenchPoint Run(PointSpec spec)
    {
        var (pointLine, exitCode, tail, startError) = RunChild("--point", JsonSerializer.Serialize(spec, BenchJson.Line), PointWorker.Marker);
        if (startError is not null) return Failed(spec, startError);
        BenchPoint? point = null;
        if (pointLine is not null)
        {
            try { point = JsonSerializer.Deserialize<BenchPoint>(pointLine, BenchJson.Line); }
            catch (JsonException e) { return Failed(spec, $"unreadable child output: {e.Message}"); }
        }
        if (point is null)
            return Failed(spec, $"child exited with code {exitCode} without a result{(tail.Length > 0 ? ": " + tail : "")}");
        if (point.Error is null && exitCode != 0) point.Error = $"child exited with code {exitCode}";
        return point;
    }

    /// <summary>Starts this executable again with <paramref name="arguments"/> (stdout redirected) and
    /// <paramref name="glibcTunables"/>: the child side of every suite.</summary>
    internal static ProcessStartInfo ChildStartInfo(IEnumerable<string> arguments, string glibcTunables = "glibc.malloc.hugetlb=1")
    {
        var psi = new ProcessStartInfo { FileName = Environment.ProcessPath ?? "dotnet", RedirectStandardOutput = true, UseShellExecute = false };
        // Under "dotnet HsiInr.Bench.dll" the process is the dotnet host: pass the dll again.
        if (Path.GetFileNameWithoutExtension(psi.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(PointRunner).Assembly.Location);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // hugetlb-backed malloc: large training steps stop page-faulting (see docs/performance.md).
        psi.Environment["GLIBC_TUNABLES"] = glibcTunables;
        return psi;
    }

    /// <summary>Runs this executable with <paramref name="mode"/> and <paramref name="json"/>; returns the text after
    /// <paramref name="marker"/> on its stdout (null if none), its exit code, its last stderr lines, or why it did not start.</summary>
    internal static (string? Line, int ExitCode, string Tail, string? StartError) RunChild(string mode, string json, string marker,
        string glibcTunables = "glibc.malloc.hugetlb=1")
    {
        var psi = ChildStartInfo([mode, json], glibcTunables);
        psi.RedirectStandardError = true;

        var stderrTail = new Queue<string>();
        string? pointLine = null;
        using var child = new Process { StartInfo = psi };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Console.Error.WriteLine("      | " + e.Data);
            lock (stderrTail) { stderrTail.Enqueue(e.Data); if (stderrTail.Count > 5) stderrTail.Dequeue(); }
        };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith(marker, StringComparison.Ordinal)) pointLine = e.Data[marker.Length..];
            else Console.Error.WriteLine("      | " + e.Data);
        };
        try
        {
            child.Start();
        }
        catch (Exception e)
        {
            return (null, -1, "", $"could not start the child process: {e.Message}");
        }
        child.BeginErrorReadLine();
        child.BeginOutputReadLine();
        child.WaitForExit();
        string tail;
        lock (stderrTail) tail = string.Join(" / ", stderrTail);
        return (pointLine, child.ExitCode, tail, null);
    }

    private static BenchPoint Failed(PointSpec spec, string error) => new()
    {
        Scene = spec.Scene, Codec = spec.Codec, Variant = spec.Variant, TargetBpppb = spec.TargetBpppb, Error = error,
    };
}
