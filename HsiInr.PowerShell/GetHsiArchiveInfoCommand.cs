using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Codec;

namespace HsiInr.PowerShell;

/// <summary>Get-HsiArchiveInfo: reads archive headers (shape, codec, network, rate, encode PSNR, seed, version) without decoding.</summary>
[Cmdlet(VerbsCommon.Get, "HsiArchiveInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(HsiArchive))]
public sealed class GetHsiArchiveInfoCommand : HsiCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralSet;
        foreach (string file in ResolveInputPaths(literal ? LiteralPath : Path, literal))
        {
            Cancellation.ThrowIfCancellationRequested();
            try { WriteObject(HsiArchive.Open(file)); }
            catch (Exception e) when (e is HsiException or IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorFor(e, file));
            }
        }
    }
}
