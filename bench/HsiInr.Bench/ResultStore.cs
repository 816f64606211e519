using System.Text.Json;

namespace HsiInr.Bench;

/// <summary>
/// rd.json / paper.json: a JSON array of <see cref="BenchPoint"/>. A point already there without an error is
/// skipped on a rerun; a new result replaces the entry with the same key (an earlier failure) or is appended.
/// The file is rewritten after every point (temp file + rename), so an interrupted run keeps what it had.
/// </summary>
public sealed class ResultStore
{
    private readonly List<BenchPoint> _points;

    public ResultStore(string path, IEnumerable<BenchPoint>? points = null)
    {
        Path = path;
        _points = points?.ToList() ?? [];
    }

    public string Path { get; }
    public IReadOnlyList<BenchPoint> Points => _points;

    public static ResultStore Load(string path)
    {
        if (!File.Exists(path)) return new ResultStore(path);
        var points = JsonSerializer.Deserialize<List<BenchPoint>>(File.ReadAllText(path), BenchJson.File)
            ?? throw new InvalidDataException($"{path} is not a JSON array of points.");
        return new ResultStore(path, points);
    }

    /// <summary>True when the point is there and succeeded (a failed point is run again).</summary>
    public bool IsDone(PointKey key) => _points.Any(p => p.Ok && p.Key.Matches(key));

    /// <summary>Replaces the point with the same key, or appends it.</summary>
    public void Upsert(BenchPoint point)
    {
        int i = _points.FindIndex(p => p.Key.Matches(point.Key));
        if (i >= 0) _points[i] = point;
        else _points.Add(point);
    }

    public static string Serialize(IEnumerable<BenchPoint> points) => JsonSerializer.Serialize(points, BenchJson.File) + "\n";

    public void Save() => WriteAtomic(Path, Serialize(_points));

    public static void WriteAtomic(string path, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
