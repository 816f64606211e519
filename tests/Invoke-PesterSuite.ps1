<#
.SYNOPSIS
    Runs the Pester suite against a built module in this (fresh) pwsh process and writes a pass/fail summary.
.DESCRIPTION
    build.ps1 -Task Test starts this in a child pwsh so the binary module under test is never one an earlier
    session already loaded (a loaded binary module cannot be unloaded). Pester comes from the NuGet cache, where
    build/BuildTools.csproj put it.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$SummaryPath,
    [string[]]$TestPath = @(Join-Path $PSScriptRoot 'pester')
)
$ErrorActionPreference = 'Stop'
$props = [xml](Get-Content (Join-Path $PSScriptRoot '../Directory.Packages.props') -Raw)
$pesterVersion = @($props.Project.PropertyGroup.PesterVersion | Where-Object { $_ })[0]
$cache = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
Import-Module (Join-Path $cache.Trim() "pester/$pesterVersion/tools/Pester.psd1") -Force

$env:HSIINR_MODULE = (Resolve-Path $ModulePath).ProviderPath
$c = New-PesterConfiguration
$c.Run.Path = $TestPath
$c.Run.PassThru = $true
$c.Output.Verbosity = 'Detailed'
$c.Output.RenderMode = 'Plaintext'
$c.TestResult.Enabled = $false
$r = Invoke-Pester -Configuration $c

$failed = if ($r) { $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount } else { 1 }
$summary = @{ Passed = [int]($r.PassedCount); Failed = [int]$failed; Skipped = [int]($r.SkippedCount) }
if ($r -and $r.TotalCount -eq 0) { $summary.Failed++ }
$summary | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath
Write-Output "Pester: $($summary.Passed) passed, $($summary.Failed) failed, $($summary.Skipped) skipped"
exit ([int]($summary.Failed -gt 0))
