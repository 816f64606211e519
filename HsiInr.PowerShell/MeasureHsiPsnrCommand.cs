using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Codec;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.PowerShell;

/// <summary>Measure-HsiPsnr: PSNR, mean band PSNR, MSE, RMSE, max error and SAM of test cubes against a reference.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "HsiPsnr", DefaultParameterSetName = CubeSet)]
[OutputType(typeof(QualityReport))]
public sealed class MeasureHsiPsnrCommand : HsiCmdlet
{
    private const string CubeSet = "Cube";
    private const string PathSet = "Path";
    private const string LiteralSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public HsiCube Reference { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = CubeSet)]
    [ValidateNotNull]
    public HsiCube InputObject { get; set; } = null!;

    /// <summary>Archives to decode and measure.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    public DeviceKind Device { get; set; } = DeviceKind.Cpu;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == CubeSet)
        {
            Measure(InputObject, InputObject);
            return;
        }
        bool literal = ParameterSetName == LiteralSet;
        foreach (string file in ResolveInputPaths(literal ? LiteralPath : Path, literal))
        {
            try { Measure(ArchiveDecoder.DecodeFile(file, Device), file); }
            catch (Exception e) when (IsItemFailure(e)) { WriteError(ErrorFor(e, file)); }
        }
    }

    private void Measure(HsiCube test, object target)
    {
        try { WriteObject(QualityMetrics.Compare(Reference, test)); }
        catch (Exception e) when (IsItemFailure(e)) { WriteError(ErrorFor(e, target)); }
    }
}
