using System.Management.Automation;

namespace HsiInr.PowerShell;

/// <summary>
/// A cmdlet that reads files named by <c>-Path</c> (wildcards, pipeline strings) or <c>-LiteralPath</c> (names as
/// they are; binds Get-ChildItem output by its PSPath). Declared once here so every reader binds them alike.
/// </summary>
public abstract class HsiFileCmdlet : HsiCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The files of this pipeline record: -LiteralPath as given, or -Path resolved (unmatched paths are errors).</summary>
    protected IEnumerable<string> InputFiles() =>
        ParameterSetName == LiteralSet ? ResolveInputPaths(LiteralPath, literal: true) : ResolveInputPaths(Path, literal: false);
}
