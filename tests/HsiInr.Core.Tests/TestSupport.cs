namespace HsiInr.Core.Tests;

/// <summary>A temp folder deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hsiinr-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}

public static class TestData
{
    /// <summary>The shared benchmark folder: <c>shared/datasets</c> found by walking up from the test binaries (it sits beside the repo).</summary>
    public static string? SharedDatasets
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                var c = System.IO.Path.Combine(d.FullName, "shared", "datasets");
                if (Directory.Exists(c)) return c;
            }
            return null;
        }
    }

    /// <summary>The repository root (the folder holding HsiInr.slnx).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (System.IO.File.Exists(System.IO.Path.Combine(d.FullName, "HsiInr.slnx"))) return d.FullName;
            throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }
    }
}
