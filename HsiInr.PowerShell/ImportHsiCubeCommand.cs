using System.Management.Automation;
using HsiInr.Core;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.PowerShell;

/// <summary>Import-HsiCube: reads MAT v5, MAT v7.3 and ENVI files into HsiCube objects, one per file.</summary>
[Cmdlet(VerbsData.Import, "HsiCube", DefaultParameterSetName = PathSet)]
[OutputType(typeof(HsiCube))]
public sealed class ImportHsiCubeCommand : HsiFileCmdlet
{

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Variable { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Height { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Width { get; set; }

    protected override void ProcessRecord()
    {
        var options = new CubeReadOptions { Variable = Variable, Height = Height, Width = Width };
        foreach (string file in InputFiles())
        {
            Cancellation.ThrowIfCancellationRequested();
            try
            {
                WriteVerbose($"Reading {file}");
                var cube = CubeFile.Read(file, options, Cancellation);
                if (cube.NonFiniteCount > 0)
                    WriteWarning($"{file}: {cube.NonFiniteCount} samples are NaN or infinite; they are kept as they are, and the codec fits them as 0.");
                WriteObject(cube);
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (IsItemFailure(e))
            {
                WriteError(ErrorFor(e, file));
            }
        }
    }
}
