using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Inr;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.PowerShell;

/// <summary>Compress-HsiCube: fits a SIREN to each piped cube and writes it as an .hsiinr archive.</summary>
[Cmdlet(VerbsData.Compress, "HsiCube", SupportsShouldProcess = true, DefaultParameterSetName = OutFileSet)]
[OutputType(typeof(HsiArchive))]
public sealed class CompressHsiCubeCommand : HsiCmdlet
{
    private const string OutFileSet = "OutFile";
    private const string OutDirSet = "OutputDirectory";
    public const string Extension = ".hsiinr";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HsiCube InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = OutFileSet)]
    [ValidateNotNullOrEmpty]
    public string OutFile { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = OutDirSet)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    [Parameter]
    public CodecId Codec { get; set; } = CodecId.Inr;

    [Parameter]
    [ValidateRange(1e-6, 64.0)]
    public double Bpppb { get; set; }

    [Parameter]
    [ValidateRange(1.0, 300.0)]
    public double TargetPsnr { get; set; }

    [Parameter]
    public InrRecipe Recipe { get; set; } = InrRecipe.Compact;

    [Parameter]
    [ValidateRange(1, 1024)]
    public int Rank { get; set; }

    [Parameter]
    [ValidateRange(2, 16)]
    public int WeightBits { get; set; } = 8;

    [Parameter]
    [ValidateRange(1, InrPayload.MaxLayers)]
    public int Layers { get; set; }

    [Parameter]
    [Alias("LayerWidth")]
    [ValidateRange(1, 4096)]
    public int Width { get; set; }

    [Parameter]
    public WeightPrecision Precision { get; set; } = WeightPrecision.Single;

    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int Iterations { get; set; }

    [Parameter]
    [ValidateRange(0, 10_000_000)]
    public int SearchIterations { get; set; }

    [Parameter]
    [ValidateRange(1e-8, 1.0)]
    public double LearningRate { get; set; }

    [Parameter]
    [ValidateRange(0.001, 1e9)]
    public double MaxSeconds { get; set; }

    [Parameter]
    public long Seed { get; set; } = 42;

    [Parameter]
    public DeviceKind Device { get; set; } = DeviceKind.Auto;

    /// <summary>Largest tile side in pixels; 0 never tiles; unbound tiles automatically (CompactTiling, TileGrid.AutoTileSamples).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int TileSize { get; set; }

    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThreadCount { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    private InrOptions options = null!;
    private int cubes;

    private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    protected override void BeginProcessing()
    {
        options = new InrOptions
        {
            // -Precision is the paper's knob: giving it (without -Recipe) asks for the paper's recipe.
            Recipe = Bound(nameof(Recipe)) ? Recipe : Bound(nameof(Precision)) ? InrRecipe.Paper : InrRecipe.Compact,
            Bpppb = Bound(nameof(Bpppb)) ? Bpppb : null,
            Layers = Bound(nameof(Layers)) ? Layers : null,
            Width = Bound(nameof(Width)) ? Width : null,
            Rank = Bound(nameof(Rank)) ? Rank : null,
            WeightBits = WeightBits,
            Precision = Precision,
            Iterations = Bound(nameof(Iterations)) ? Iterations : null,
            SearchIterations = Bound(nameof(SearchIterations)) ? SearchIterations : null,
            LearningRate = Bound(nameof(LearningRate)) ? LearningRate : null,
            MaxSeconds = Bound(nameof(MaxSeconds)) ? MaxSeconds : null,
            Seed = Seed,
            Device = Device,
            Threads = Bound(nameof(ThreadCount)) ? ThreadCount : null,
        };
        // A bad combination of settings is the same error for every cube: stop once, before reading the pipeline.
        try
        {
            TiledCodec.CheckTileCodec(Codec);
            if (Bound(nameof(TileSize))) TileGrid.CheckTileSize(TileSize);
            if (Bound(nameof(TargetPsnr)) && Bound(nameof(Bpppb)))
                throw new HsiException(HsiErrorKind.InvalidArgument, "-Bpppb sets the rate and -TargetPsnr searches for the smallest one that reaches a PSNR: give one or the other.");
            if (Codec != CodecId.Inr)
            {
                if (options.Bpppb is null && !Bound(nameof(TargetPsnr)))
                    throw new HsiException(HsiErrorKind.InvalidArgument, $"The {Codec} codec needs a rate: give -Bpppb or -TargetPsnr.");
                foreach (var inrOnly in new[] { nameof(Layers), nameof(Width), nameof(Rank), nameof(WeightBits), nameof(Precision), nameof(Recipe), nameof(Iterations), nameof(SearchIterations), nameof(LearningRate), nameof(MaxSeconds), nameof(Device), nameof(ThreadCount) })
                    if (Bound(inrOnly))
                        throw new HsiException(HsiErrorKind.InvalidArgument, $"-{inrOnly} applies to the INR codec only, not to {Codec}.");
                return;
            }
            if (Bound(nameof(TargetPsnr)))
            {
                if (options.Width is not null)
                    throw new HsiException(HsiErrorKind.InvalidArgument, "-TargetPsnr varies the rate, and with it the network; -Layers and -Width fix the network. Give one or the other.");
                (options with { Bpppb = PsnrTarget.FirstRate }).Validate();
                return;
            }
            options.Validate();
            if (options.Width is not null && options.Bpppb is not null)
                throw new HsiException(HsiErrorKind.InvalidArgument, "-Bpppb chooses the architecture by search; with -Layers and -Width the architecture is fixed. Give one or the other.");
        }
        catch (HsiException e)
        {
            ThrowTerminatingError(ErrorFor(e, null));
        }
    }

    protected override void ProcessRecord()
    {
        var cube = InputObject;
        string target = ParameterSetName == OutDirSet
            ? System.IO.Path.Combine(ResolveOutputPath(OutputDirectory), SafeFileName(cube.Name) + Extension)
            : ResolveOutputPath(OutFile);
        string what = Bound(nameof(TargetPsnr)) ? $"{(Codec == CodecId.Inr ? options.Recipe + " INR" : Codec.ToString())}, smallest archive reaching {TargetPsnr} dB"
            : Codec != CodecId.Inr ? $"{Codec} at {options.Bpppb} bpppb"
            : options.Layers is null ? $"{options.Recipe} INR within {options.Bpppb} bpppb"
            : $"{options.Recipe} INR, {options.Layers}×{options.Width} network";
        if (!ShouldProcess(target, $"Compress {cube.Shape} cube '{cube.Name}' ({what})")) return;
        try
        {
            if (ParameterSetName == OutFileSet && ++cubes > 1)
                throw new HsiException(HsiErrorKind.InvalidArgument,
                    $"-OutFile names one archive, but a second cube ('{cube.Name}') arrived; it was not compressed. Use -OutputDirectory for several cubes.", target);
            // Fail before the (long) fit, not after it.
            if (!Force && File.Exists(target))
                throw new HsiException(HsiErrorKind.OutputExists, "The archive already exists; use -Force to overwrite it.", target);
            string dir = System.IO.Path.GetDirectoryName(target)!;
            if (!Directory.Exists(dir))
                throw new HsiException(HsiErrorKind.FileNotFound, "The output directory does not exist; create it first.", dir);
        }
        catch (HsiException e)
        {
            WriteError(ErrorFor(e, cube.Name));
            return;
        }

        int activity = 1;
        var record = new ProgressRecord(activity, $"Compress-HsiCube {cube.Name}", "starting");
        int? tileSize = Bound(nameof(TileSize)) ? TileSize : null;
        try
        {
            var result = RunWithProgress<FitProgress, CompressionResult>(
                (progress, ct) => Bound(nameof(TargetPsnr))
                    ? PsnrTarget.Compress(cube, Codec, options, TargetPsnr, tileSize, progress, ct)
                    : CubeCompressor.Compress(cube, Codec, options, tileSize, progress, ct),
                p =>
                {
                    record.StatusDescription = $"{p.Stage}: iteration {p.Iteration}/{p.TotalIterations}, PSNR {p.CurrentPsnr:0.00} dB (best {p.BestPsnr:0.00})";
                    record.PercentComplete = p.PercentComplete;
                    record.SecondsRemaining = p.Remaining is { } r ? (int)Math.Ceiling(r.TotalSeconds) : -1;
                    WriteProgress(record);
                });
            foreach (var t in result.Trials)
                WriteVerbose($"{(Bound(nameof(TargetPsnr)) ? "rate trial" : "search")} {t.Layers}×{t.Width}: {t.Psnr:0.00} dB at {t.Bpppb:0.####} bpppb in {t.Seconds:0.0} s");
            if (result.Tiles > 1)
                WriteVerbose($"'{cube.Name}': {result.Tiles} tiles coded independently with {result.TileCodec}; tile 1: {result.Variant}");
            if (result.StoppedEarly)
                WriteWarning($"'{cube.Name}': -MaxSeconds {MaxSeconds} stopped the encode early after {result.Iterations} iterations; the archive holds the best checkpoint ({result.Psnr:0.00} dB).");
            AtomicFile.Write(target, Force, s => s.Write(result.Archive), Cancellation);
            WriteObject(HsiArchive.FromResult(result, target));
        }
        // The error names the cube rather than holding it, so $Error does not keep whole cubes alive.
        catch (Exception e) when (IsItemFailure(e))
        {
            WriteError(ErrorFor(e, cube.Name));
        }
        finally
        {
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        }
    }

    private static string SafeFileName(string name)
    {
        var bad = System.IO.Path.GetInvalidFileNameChars();
        var s = new string(name.Select(c => bad.Contains(c) ? '_' : c).ToArray()).Trim();
        return s.Length == 0 ? "cube" : s;
    }
}
