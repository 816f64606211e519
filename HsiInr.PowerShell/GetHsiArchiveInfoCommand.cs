using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Codec;

namespace HsiInr.PowerShell;

/// <summary>Get-HsiArchiveInfo: reads archive headers (shape, codec, network, rate, encode PSNR, seed, version) without decoding.</summary>
[Cmdlet(VerbsCommon.Get, "HsiArchiveInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(HsiArchive))]
public sealed class GetHsiArchiveInfoCommand : HsiFileCmdlet
{

    protected override void ProcessRecord()
    {
        foreach (string file in InputFiles())
        {
            Cancellation.ThrowIfCancellationRequested();
            try { WriteObject(HsiArchive.Open(file)); }
            catch (Exception e) when (IsItemFailure(e))
            {
                WriteError(ErrorFor(e, file));
            }
        }
    }
}
