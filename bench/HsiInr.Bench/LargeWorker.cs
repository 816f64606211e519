using System.Diagnostics;
using System.Text.Json;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;
using HsiInr.Core.Metrics;

namespace HsiInr.Bench;

/// <summary>One step of the large-scene suite, run in a child process of its own.</summary>
public sealed class LargeStep
{
    public string Step { get; set; } = "";
    public string Scene { get; set; } = "";
    public int Height { get; set; }
    public int Width { get; set; }
    public int Bands { get; set; }
    public string CubePath { get; set; } = "";
    public string ArchivePath { get; set; } = "";
    public string Codec { get; set; } = "";
    public double Bpppb { get; set; }
    public int? Iterations { get; set; }
    public int[]? Region { get; set; }
}

/// <summary>What one step measured: wall seconds and the child's peak RSS (VmHWM) for that step alone.</summary>
public sealed class LargeRow
{
    public string Scene { get; set; } = "";
    public string Shape { get; set; } = "";
    public string Step { get; set; } = "";
    public string Codec { get; set; } = "";
    public int? Tiles { get; set; }
    public int? Iterations { get; set; }
    public double? TargetBpppb { get; set; }
    public double? Bpppb { get; set; }
    public double? Psnr { get; set; }
    public double? Seconds { get; set; }
    public double? ImportSeconds { get; set; }
    public double? ImportPeakRssMb { get; set; }
    public double? PeakRssMb { get; set; }
    public double CubeMb { get; set; }
    public double? RssOverCube => CubeMb > 0 ? PeakRssMb / CubeMb : null;
    public string? Region { get; set; }
    public string? Variant { get; set; }
    public string? Error { get; set; }
    public string? Machine { get; set; }
    public string? Commit { get; set; }
    public string? Timestamp { get; set; }
}

public static class LargeWorker
{
    public const string Marker = "@@LARGE ";

    public static int Run(string specJson)
    {
        var row = new LargeRow();
        int code = 0;
        try
        {
            var spec = JsonSerializer.Deserialize<LargeStep>(specJson, BenchJson.Line) ?? throw new ArgumentException("empty --large-step");
            row.Scene = spec.Scene; row.Step = spec.Step; row.Codec = spec.Codec;
            row.Shape = $"{spec.Height}×{spec.Width}×{spec.Bands}";
            row.CubeMb = (double)spec.Height * spec.Width * spec.Bands * sizeof(float) / (1 << 20);
            Measure(spec, row);
        }
        catch (Exception e)
        {
            row.Error = $"{e.GetType().Name}: {e.Message}";
            code = 1;
        }
        row.PeakRssMb ??= PointWorker.PeakRssMb();
        Console.Out.WriteLine(Marker + JsonSerializer.Serialize(row, BenchJson.Line));
        Console.Out.Flush();
        return code;
    }

    private static void Measure(LargeStep spec, LargeRow row)
    {
        var clock = Stopwatch.StartNew();
        switch (spec.Step)
        {
            case "runtime":
                // The process with libtorch loaded and one tiny tensor op: the fixed share of every step's RSS.
                using (var t = TorchSharp.torch.ones(4)) t.sum().Dispose();
                break;
            case "generate":
                var synthetic = SyntheticCube.Smooth(spec.Height, spec.Width, spec.Bands, name: spec.Scene);
                synthetic.OriginalType = SampleType.Int16; // its values fit; ENVI data type 2, as the issue asks
                CubeFile.Write(synthetic, spec.CubePath, CubeFileFormat.Envi, overwrite: true);
                row.Seconds = clock.Elapsed.TotalSeconds;
                break;
            case "compress":
                var cube = CubeFile.Read(spec.CubePath);
                row.ImportSeconds = clock.Elapsed.TotalSeconds;
                row.ImportPeakRssMb = PointWorker.PeakRssMb();
                clock.Restart();
                var codec = Enum.Parse<CodecId>(spec.Codec);
                var options = new InrOptions { Bpppb = spec.Bpppb, Iterations = spec.Iterations, Device = DeviceKind.Cpu };
                var result = CubeCompressor.Compress(cube, codec, options, tileSize: null, progress: new TileLog());
                row.Seconds = clock.Elapsed.TotalSeconds;
                File.WriteAllBytes(spec.ArchivePath, result.Archive);
                row.PeakRssMb = PointWorker.PeakRssMb();
                row.Tiles = result.Tiles;
                row.Iterations = codec == CodecId.Inr ? result.Iterations : null;
                row.TargetBpppb = spec.Bpppb;
                row.Bpppb = result.Bpppb;
                row.Psnr = result.Psnr;
                row.Variant = result.Variant;
                break;
            case "expand":
            case "region":
                PixelRegion? region = spec.Region is { } r ? PixelRegion.FromArray(r) : null;
                var decoded = ArchiveDecoder.DecodeFile(spec.ArchivePath, DeviceKind.Cpu, region);
                row.Seconds = clock.Elapsed.TotalSeconds;
                // The step's peak is read before the check below loads the reference.
                row.PeakRssMb = PointWorker.PeakRssMb();
                row.Region = region?.ToString();
                row.Tiles = HsiArchive.Open(spec.ArchivePath).Tiles;
                row.Bpppb = new FileInfo(spec.ArchivePath).Length * 8.0 / ((double)spec.Height * spec.Width * spec.Bands);
                var reference = CubeFile.Read(spec.CubePath);
                if (region is { } w) reference = reference.Crop(w.Y, w.X, w.Height, w.Width);
                row.Psnr = QualityMetrics.Compare(reference, decoded).Psnr;
                break;
            default:
                throw new ArgumentException($"unknown step '{spec.Step}'");
        }
    }

    /// <summary>A stderr line when a tile starts and every 30 s within one.</summary>
    private sealed class TileLog : IProgress<FitProgress>
    {
        private int _tile = -1;
        private TimeSpan _last;

        public void Report(FitProgress p)
        {
            if (p.Tile == _tile && p.Elapsed - _last < TimeSpan.FromSeconds(30)) return;
            _tile = p.Tile; _last = p.Elapsed;
            string left = p.Remaining is { } r ? $", ~{r.TotalSeconds:0}s left" : "";
            Console.Error.WriteLine($"{p.PercentComplete,3}% {p.Stage} ({p.Elapsed.TotalSeconds:0}s{left})");
        }
    }
}
