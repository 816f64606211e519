using System.Diagnostics;
using System.Text.Json;
using HsiInr.Core.Codec;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using HsiInr.Core.Metrics;

namespace HsiInr.Bench;

/// <summary>
/// The child side of one point: read the cube, encode, decode (timed), measure, read the peak RSS, and print one
/// JSON object on a line starting with <see cref="Marker"/>. Progress goes to stderr.
/// </summary>
public static class PointWorker
{
    public const string Marker = "@@POINT ";

    public static int Run(string specJson)
    {
        var point = new BenchPoint();
        int code = 0;
        try
        {
            var spec = JsonSerializer.Deserialize<PointSpec>(specJson, BenchJson.Line) ?? throw new ArgumentException("empty --point");
            point.Scene = spec.Scene; point.Codec = spec.Codec; point.Variant = spec.Variant; point.TargetBpppb = spec.TargetBpppb;
            Measure(spec, point);
        }
        catch (Exception e)
        {
            point.Error = $"{e.GetType().Name}: {e.Message}";
            code = 1;
        }
        point.PeakRssMb = PeakRssMb();
        Console.Out.WriteLine(Marker + JsonSerializer.Serialize(point, BenchJson.Line));
        Console.Out.Flush();
        return code;
    }

    private static void Measure(PointSpec spec, BenchPoint point)
    {
        var variant = Variants.Find(spec.Codec, spec.Variant);
        var cube = Load(spec);
        var progress = new StderrProgress();
        var result = CodecRunner.Compress(cube, variant, spec, progress);

        var clock = Stopwatch.StartNew();
        var decoded = ArchiveDecoder.Decode(result.Archive);
        double decodeSeconds = clock.Elapsed.TotalSeconds;
        var q = QualityMetrics.Compare(cube, decoded);

        point.Bpppb = result.Bpppb;
        point.Psnr = q.Psnr;
        point.MeanBandPsnr = q.MeanBandPsnr;
        point.SamDegrees = q.SamDegrees;
        point.EncodeSeconds = result.EncodeSeconds;
        point.DecodeSeconds = decodeSeconds;
        if (variant.Inr is not null)
        {
            point.Iterations = result.Iterations;
            point.Layers = result.Layers;
            point.Width = result.Width;
            point.Precision = result.Precision.ToString();
            point.PaperBpppb = result.PaperBpppb;
            // Only a fixed architecture gives a clean per-iteration figure (a search adds its trials' time).
            if (spec.Suite == Variants.Paper && result.Trials.Count == 0 && result.Iterations > 0)
                point.SecondsPerIteration = result.EncodeSeconds / result.Iterations;
            if (result.StoppedEarly) Console.Error.WriteLine($"note: --max-seconds stopped the encode early ({result.Iterations} iterations)");
        }
    }

    public static HsiCube Load(PointSpec spec)
    {
        if (spec.Source.StartsWith(PointSpec.SyntheticPrefix, StringComparison.Ordinal))
        {
            var dims = spec.Source[PointSpec.SyntheticPrefix.Length..].Split('x').Select(int.Parse).ToArray();
            return SyntheticCube.Smooth(dims[0], dims[1], dims[2], name: spec.Scene);
        }
        return CubeFile.Read(spec.Source);
    }

    /// <summary>VmHWM of this process in MB (null where /proc is not there).</summary>
    public static double? PeakRssMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>A line to stderr every 10 % or 30 s, whichever comes first.</summary>
    private sealed class StderrProgress : IProgress<FitProgress>
    {
        private int _lastPercent = -10;
        private TimeSpan _lastTime = TimeSpan.Zero;

        public void Report(FitProgress p)
        {
            if (p.PercentComplete < _lastPercent + 10 && p.Elapsed - _lastTime < TimeSpan.FromSeconds(30)) return;
            _lastPercent = p.PercentComplete; _lastTime = p.Elapsed;
            string left = p.Remaining is { } r ? $", ~{r.TotalSeconds:0}s left" : "";
            Console.Error.WriteLine($"{p.PercentComplete,3}% {p.Stage} it {p.Iteration}/{p.TotalIterations} best {p.BestPsnr:0.00} dB ({p.Elapsed.TotalSeconds:0}s{left})");
        }
    }
}
