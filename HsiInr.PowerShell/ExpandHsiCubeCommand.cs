using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Tiling;
using HsiInr.Core.Cube;

namespace HsiInr.PowerShell;

/// <summary>Expand-HsiCube: decodes .hsiinr archives into cubes in their original units and type.</summary>
[Cmdlet(VerbsData.Expand, "HsiCube", DefaultParameterSetName = PathSet)]
[OutputType(typeof(HsiCube))]
public sealed class ExpandHsiCubeCommand : HsiFileCmdlet
{
    private const string ArchiveSet = "Archive";

    [Parameter(Mandatory = true, ParameterSetName = ArchiveSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HsiArchive InputObject { get; set; } = null!;

    [Parameter]
    public DeviceKind Device { get; set; } = DeviceKind.Cpu;

    /// <summary>x, y, width, height of the window to decode (columns x…x+width−1, rows y…y+height−1).</summary>
    [Parameter]
    [ValidateCount(4, 4)]
    public int[]? Region { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<string> files = ParameterSetName switch
        {
            ArchiveSet when InputObject.Path is { } p => [p],
            ArchiveSet => Fail("The archive object has no Path: it was never written to a file."),
            _ => InputFiles(),
        };
        foreach (string file in files)
        {
            Cancellation.ThrowIfCancellationRequested();
            try
            {
                WriteVerbose($"Decoding {file}");
                WriteObject(ArchiveDecoder.DecodeFile(file, Device, Region is null ? null : PixelRegion.FromArray(Region)));
            }
            catch (Exception e) when (IsItemFailure(e))
            {
                WriteError(ErrorFor(e, file));
            }
        }
    }

    private IEnumerable<string> Fail(string message)
    {
        WriteError(ErrorFor(new HsiException(HsiErrorKind.InvalidArgument, message), InputObject));
        return [];
    }
}
