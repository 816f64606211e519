<#
.SYNOPSIS
    The demo that build.ps1 -Task Demo runs: import the bundled sample, compress it, expand it, measure it.
.PARAMETER ModulePath
    The built module's manifest (out/HsiInr/HsiInr.psd1).
.PARAMETER Path
    Any cube file to use instead of the bundled sample (MAT v5, MAT v7.3 or ENVI).
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [string]$Path = (Get-ChildItem $PSScriptRoot -Filter '*.mat' | Select-Object -First 1).FullName,
    [double]$Bpppb = 0.1,
    [double]$MaxSeconds = 180
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$work = Join-Path ([IO.Path]::GetTempPath()) "hsiinr-demo-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
try {
    Write-Host "`n== Import-HsiCube $Path"
    $cube = Import-HsiCube -LiteralPath $Path
    $cube | Format-Table | Out-Host

    Write-Host "== Compress-HsiCube -Bpppb $Bpppb (the default compact INR, at most $MaxSeconds s; about a minute on two cores)"
    $archive = $cube | Compress-HsiCube -Bpppb $Bpppb -MaxSeconds $MaxSeconds -OutFile (Join-Path $work "$($cube.Name).hsiinr") -Verbose
    $archive | Format-List Name, Shape, Codec, Architecture, Precision, Bpppb, PaperBpppb, Psnr, EncodeSeconds, Iterations, Bytes, Path | Out-Host

    Write-Host '== Expand-HsiCube | Measure-HsiPsnr'
    Expand-HsiCube -LiteralPath $archive.Path | Measure-HsiPsnr -Reference $cube | Format-List | Out-Host
    $ratio = $cube.SampleCount * 2 / $archive.Bytes
    Write-Host ("{0} bytes of 16-bit samples stored in {1} bytes: {2:0.0}:1" -f ($cube.SampleCount * 2), $archive.Bytes, $ratio)
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
