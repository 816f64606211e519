using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.PowerShell;

/// <summary>Export-HsiCube: writes a cube as ENVI (.hdr + binary) or MAT v5, atomically, never overwriting without -Force.</summary>
[Cmdlet(VerbsData.Export, "HsiCube", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportHsiCubeCommand : HsiCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralSet = "LiteralPath";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HsiCube InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    [Parameter]
    public CubeFileFormat? Format { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private int count;

    protected override void ProcessRecord()
    {
        string target = ResolveOutputPath(ParameterSetName == LiteralSet ? LiteralPath : Path);
        if (++count > 1)
        {
            WriteError(ErrorFor(new HsiException(HsiErrorKind.InvalidArgument,
                $"Export-HsiCube writes one cube per file; '{InputObject.Name}' was not written. Pipe one cube, or use ForEach-Object with a path per cube.", target), InputObject));
            return;
        }
        var format = Format ?? FormatFromExtension(target);
        if (!ShouldProcess(target, $"Write {InputObject.Shape} cube '{InputObject.Name}' as {format}")) return;
        try
        {
            CubeFile.Write(InputObject, target, format, Force.IsPresent, Cancellation);
            if (PassThru) WriteObject(new FileInfo(target));
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (IsItemFailure(e))
        {
            WriteError(ErrorFor(e, target));
        }
    }

    private static CubeFileFormat FormatFromExtension(string path) =>
        System.IO.Path.GetExtension(path).Equals(".mat", StringComparison.OrdinalIgnoreCase) ? CubeFileFormat.Mat : CubeFileFormat.Envi;
}
