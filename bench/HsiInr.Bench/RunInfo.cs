using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HsiInr.Bench;

/// <summary>Where the repository is, and the machine and commit each point is stamped with.</summary>
public static class RunInfo
{
    /// <summary>The folder holding HsiInr.slnx, searched upwards from the current directory, then from the executable.</summary>
    public static string? RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "HsiInr.slnx"))) return d.FullName;
        return null;
    }

    /// <summary>"2 cores, CPU model, OS".</summary>
    public static string Machine()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        string os = RuntimeInformation.OSDescription;
        try
        {
            var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null) os = pretty["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException) { }
        return $"{Environment.ProcessorCount} cores, {cpu}, {os}";
    }

    /// <summary>Short commit hash, "+dirty" when tracked or untracked files changed (bench/results not counted).</summary>
    public static string Commit(string? repoRoot)
    {
        if (repoRoot is null) return "unknown";
        string? head = Git(repoRoot, "rev-parse", "--short", "HEAD")?.Trim();
        if (string.IsNullOrEmpty(head)) return "unknown";
        string? status = Git(repoRoot, "status", "--porcelain", "--", ".", ":(exclude)bench/results");
        return status is { Length: > 0 } ? head + "+dirty" : head;
    }

    private static string? Git(string dir, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
