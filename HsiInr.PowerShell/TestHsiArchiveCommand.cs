using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Codec;
using HsiInr.Core.Cube;

namespace HsiInr.PowerShell;

/// <summary>
/// Test-HsiArchive: checks archives (header and CRC; with -Reference also decodes and measures PSNR) and returns
/// one ArchiveCheck per file. A damaged archive is a result with Valid = false, not an error, so a batch of files
/// can be filtered on Passed.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HsiArchive", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ArchiveCheck))]
[OutputType(typeof(bool))]
public sealed class TestHsiArchiveCommand : HsiFileCmdlet
{
    private const string ArchiveSet = "Archive";

    [Parameter(Mandatory = true, ParameterSetName = ArchiveSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HsiArchive InputObject { get; set; } = null!;

    [Parameter]
    [ValidateNotNull]
    public HsiCube? Reference { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1000.0)]
    public double MinimumPsnr { get; set; }

    [Parameter]
    public SwitchParameter Decode { get; set; }

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    [Parameter]
    public DeviceKind Device { get; set; } = DeviceKind.Cpu;

    private ArchiveCheckOptions options = null!;

    protected override void BeginProcessing()
    {
        bool minimum = MyInvocation.BoundParameters.ContainsKey(nameof(MinimumPsnr));
        try
        {
            if (minimum && Reference is null)
                throw new HsiException(HsiErrorKind.InvalidArgument, "-MinimumPsnr needs -Reference: the original cube to measure the decoded archive against.");
            // A missing GPU is the same for every file: stop once instead of marking every archive invalid.
            if (Reference is not null || Decode) ComputeDevice.Resolve(Device);
        }
        catch (HsiException e)
        {
            ThrowTerminatingError(ErrorFor(e, null));
        }
        options = new ArchiveCheckOptions { Reference = Reference, MinimumPsnr = minimum ? MinimumPsnr : null, Decode = Decode, Device = Device };
    }

    protected override void ProcessRecord()
    {
        IEnumerable<string> files = ParameterSetName switch
        {
            ArchiveSet => [InputObject.Path ?? ""],
            LiteralSet => ResolveInputPaths(LiteralPath, literal: true),
            _ => Path.SelectMany(ResolvePath),
        };
        foreach (string file in files)
        {
            Cancellation.ThrowIfCancellationRequested();
            if (file.Length == 0)
            {
                WriteError(ErrorFor(new HsiException(HsiErrorKind.InvalidArgument, "The archive object has no Path: it was never written to a file."), InputObject));
                continue;
            }
            WriteVerbose($"Checking {file}");
            ArchiveCheck check;
            try { check = ArchiveCheck.Run(file, options, Cancellation); }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested) { throw new PipelineStoppedException(); }
            if (Quiet) WriteObject(check.Passed);
            else WriteObject(check);
        }
    }

    // A path without wildcards names one archive: when it is missing, that is a result (Valid = false,
    // HsiInr.FileNotFound) like any other unreadable archive. Only a pattern that matches nothing is an error.
    private IEnumerable<string> ResolvePath(string path) =>
        WildcardPattern.ContainsWildcardCharacters(path)
            ? ResolveInputPaths([path], literal: false)
            : ResolveInputPaths([WildcardPattern.Unescape(path)], literal: true);
}
