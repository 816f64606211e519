<#
.SYNOPSIS
    Archives the hyperspectral cubes of a folder as verified .hsiinr files, with a manifest and a log; safe to rerun.

.DESCRIPTION
    For every source file in -SourceDirectory that matches -Include (MAT files and ENVI headers by default), the
    script:

      1. hashes the source (SHA-256; for ENVI the .hdr and its data file) and looks it up in the manifest;
      2. skips it when the manifest says it was archived and verified with the same hash and the archive is still
         intact (its CRC is checked);
      3. otherwise imports it, compresses it to a hidden pending file in -ArchiveDirectory, decodes that archive,
         measures its PSNR against the source and, only when it reaches -MinimumPsnr, renames it to <name>.hsiinr;
      4. records the result in the manifest (JSON, and CSV with -CsvPath) and the log;
      5. with -RemoveSource, deletes the source, but only once its archive has been verified and recorded.

    A source whose content changed since it was archived is archived again (the old archive is replaced only once
    the new one has passed). An existing archive that is not in the manifest (say the manifest was lost) is
    verified against the source and adopted when it passes.

    Each file is handled on its own: a file that fails (unreadable, below the PSNR threshold, a write error) is
    logged, written as an error and recorded as Failed, and the next file is processed. Failed files are retried
    on the next run. The script returns one object per source it looked at and exits with 1 when any file failed,
    0 otherwise.

    Before touching anything it checks that the archive folder, the manifest and the log can be written; when one
    cannot (a read-only or full disk, a missing mount), it stops with an error and changes nothing.

    The manifest and archives are written through temp files and renames, so a run killed at any point leaves
    every file either as it was or complete; the next run takes up where it stopped.

.PARAMETER SourceDirectory
    The folder whose files are archived (not recursive).

.PARAMETER ArchiveDirectory
    Where the archives go, one <source base name>.hsiinr per source; created when missing.

.PARAMETER Include
    File name patterns of the sources. Default: *.mat and *.hdr (an ENVI header and its data file are one source).

.PARAMETER Codec
    The codec: Inr (default), Jpeg, Jpeg2000, PcaDct or PcaJpeg2000.

.PARAMETER Bpppb
    The rate in bits per pixel per band for Compress-HsiCube. Default 0.1.

.PARAMETER CompressParameters
    More parameters for Compress-HsiCube, as a hashtable (for example @{ MaxSeconds = 300 }).

.PARAMETER MinimumPsnr
    The PSNR in dB an archive must reach against its source to count as verified. Default 30.

.PARAMETER ManifestPath
    The JSON manifest. Default: manifest.json in the archive folder.

.PARAMETER CsvPath
    Also write the manifest as CSV to this path.

.PARAMETER LogPath
    The log, one line per event, appended. Default: archive.log in the archive folder.

.PARAMETER RemoveSource
    Delete each source once its archive is verified and recorded in the manifest (also for sources verified by
    an earlier run).

.PARAMETER Force
    Archive every source again, even those already verified.

.EXAMPLE
    ./examples/Invoke-HsiArchive.ps1 -SourceDirectory /data/incoming -ArchiveDirectory /archive/hsi -Bpppb 0.1 -MinimumPsnr 35

    Archives every new or changed cube and verifies it; rerun it as often as needed (a cron job, say).

.EXAMPLE
    ./examples/Invoke-HsiArchive.ps1 -SourceDirectory ./in -ArchiveDirectory ./out -Codec PcaDct -Bpppb 0.5 -WhatIf

    Shows what would be archived, writing nothing.

.EXAMPLE
    $r = ./examples/Invoke-HsiArchive.ps1 ./in ./out -RemoveSource -CsvPath ./out/manifest.csv -ErrorAction Continue
    $r | Where-Object Action -eq Failed | Format-Table Source, Error

    Archives, deletes verified sources, and lists the files that failed.

.OUTPUTS
    One object per source: Source, Archive, Action (Archived, Adopted, Skipped or Failed), Reason (new, changed
    since it was archived, archive missing or damaged, verified earlier), Psnr, Bpppb, SourceRemoved and Error.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory, Position = 0)][string]$SourceDirectory,
    [Parameter(Mandatory, Position = 1)][string]$ArchiveDirectory,
    [string[]]$Include = @('*.mat', '*.hdr'),
    [ValidateSet('Inr', 'Jpeg', 'Jpeg2000', 'PcaDct', 'PcaJpeg2000')][string]$Codec = 'Inr',
    [ValidateRange(1e-6, 64)][double]$Bpppb = 0.1,
    [hashtable]$CompressParameters = @{},
    [ValidateRange(0, 1000)][double]$MinimumPsnr = 30,
    [string]$ManifestPath,
    [string]$CsvPath,
    [string]$LogPath,
    [switch]$RemoveSource,
    [switch]$Force
)

Set-StrictMode -Version Latest
# A failed file is reported as a non-terminating error whatever the caller's -ErrorAction, so one bad file never
# stops the batch; -ErrorAction SilentlyContinue or Ignore still silence the reports.
$reportAction = if ($ErrorActionPreference -in 'SilentlyContinue', 'Ignore') { $ErrorActionPreference } else { 'Continue' }
$ErrorActionPreference = 'Stop'
if (-not (Get-Module HsiInr)) { Import-Module HsiInr }

$enviData = '.img', '.dat', '.raw', '.bsq', '.bil', '.bip', ''
$utf8 = [Text.UTF8Encoding]::new($false)

function Get-FullPath([string]$Path) { $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path) }

# The files that make up one source: a MAT file alone, or an ENVI header with its data file.
function Get-SourceFileSet([IO.FileInfo]$File) {
    if ($File.Extension -ne '.hdr') { return , @($File.FullName) }
    $base = [IO.Path]::Combine($File.DirectoryName, [IO.Path]::GetFileNameWithoutExtension($File.Name))
    $data = $enviData | ForEach-Object { "$base$_" } | Where-Object { [IO.File]::Exists($_) } | Select-Object -First 1
    , @(@($File.FullName) + @($data | Where-Object { $_ }))
}

function Get-SourceHash([string[]]$Files) {
    (($Files | ForEach-Object { (Get-FileHash -LiteralPath $_ -Algorithm SHA256).Hash }) -join '+')
}

# Log and manifest writes bypass -WhatIf on purpose (they are only reached when something is really done).
function Write-Log([string]$Level, [string]$Message) {
    $line = '{0:yyyy-MM-ddTHH:mm:ssZ} {1,-5} {2}{3}' -f [DateTime]::UtcNow, $Level, $Message, [Environment]::NewLine
    [IO.File]::AppendAllText($script:log, $line, $utf8)
}

# Writes a text file through a temp file and a rename, so a kill or a full disk never leaves half a manifest.
function Write-FileAtomically([string]$Path, [string]$Text) {
    $temp = Join-Path ([IO.Path]::GetDirectoryName($Path)) ('.{0}.{1}.tmp' -f [IO.Path]::GetFileName($Path), [guid]::NewGuid().ToString('N').Substring(0, 8))
    try {
        [IO.File]::WriteAllText($temp, $Text, $utf8)
        [IO.File]::Move($temp, $Path, $true)
    }
    finally { if ([IO.File]::Exists($temp)) { [IO.File]::Delete($temp) } }
}

function Save-Manifest {
    $entries = @($script:manifest.Keys | Sort-Object | ForEach-Object { $script:manifest[$_] })
    Write-FileAtomically $script:manifestFile (ConvertTo-Json -Depth 4 -InputObject ([ordered]@{ Version = 1; Updated = [DateTime]::UtcNow.ToString('o'); Entries = $entries }))
    if ($CsvPath) { Write-FileAtomically $script:csvFile (($entries | ForEach-Object { [pscustomobject]$_ } | ConvertTo-Csv -NoTypeInformation) -join [Environment]::NewLine) }
}

# A path the script will write must be a regular file (or not exist yet) in a folder it can write to. Never
# follow a manifest or log path onto a device or a folder.
function Assert-Writable([string]$What, [string]$Path, [switch]$Append) {
    if ([IO.Directory]::Exists($Path)) { throw "The $What path '$Path' is a folder; give a file name. Nothing was archived." }
    if ([IO.File]::Exists($Path) -and -not $Append -and ((Get-Item -LiteralPath $Path -Force).Attributes -band [IO.FileAttributes]::Device)) {
        throw "The $What path '$Path' is a device, not a file. Nothing was archived."
    }
    $dir = [IO.Path]::GetDirectoryName($Path)
    if (-not [IO.Directory]::Exists($dir)) { throw "The folder of the $What ('$dir') does not exist. Nothing was archived." }
}

$SourceDirectory = Get-FullPath $SourceDirectory
$ArchiveDirectory = Get-FullPath $ArchiveDirectory
$script:manifestFile = if ($ManifestPath) { Get-FullPath $ManifestPath } else { Join-Path $ArchiveDirectory 'manifest.json' }
$script:csvFile = if ($CsvPath) { Get-FullPath $CsvPath } else { $null }
$script:log = if ($LogPath) { Get-FullPath $LogPath } else { Join-Path $ArchiveDirectory 'archive.log' }
if (-not [IO.Directory]::Exists($SourceDirectory)) { throw "The source folder '$SourceDirectory' does not exist." }
$dryRun = [bool]$WhatIfPreference

# Preflight: fail before doing anything when the targets cannot be written (read-only, full, or missing).
if (-not $dryRun) {
    try {
        if (-not [IO.Directory]::Exists($ArchiveDirectory)) { $null = [IO.Directory]::CreateDirectory($ArchiveDirectory) }
        $probe = Join-Path $ArchiveDirectory ".hsiinr-write-probe-$PID.tmp"
        [IO.File]::WriteAllText($probe, 'probe')
        [IO.File]::Delete($probe)
    }
    catch {
        throw "The archive folder '$ArchiveDirectory' cannot be written: $($_.Exception.Message) Nothing was archived and no source was touched."
    }
    Assert-Writable 'manifest' $script:manifestFile
    if ($script:csvFile) { Assert-Writable 'CSV manifest' $script:csvFile }
    Assert-Writable 'log' $script:log -Append
    try { Write-Log 'INFO' "run started: $SourceDirectory -> $ArchiveDirectory ($Codec, $Bpppb bpppb, minimum $MinimumPsnr dB)" }
    catch { throw "The log '$($script:log)' cannot be written: $($_.Exception.Message) Nothing was archived and no source was touched." }
}

$script:manifest = [ordered]@{}
if ([IO.File]::Exists($script:manifestFile)) {
    try {
        foreach ($e in @((Get-Content -LiteralPath $script:manifestFile -Raw | ConvertFrom-Json -AsHashtable).Entries)) { $script:manifest[$e.Source] = $e }
    }
    catch { throw "The manifest '$($script:manifestFile)' cannot be read: $($_.Exception.Message) Fix or move it; nothing was archived." }
}

$sources = @(Get-ChildItem -LiteralPath $SourceDirectory -File | Where-Object {
        $name = $_.Name; @($Include | Where-Object { $name -like $_ }).Count -gt 0
    } | Sort-Object Name)
$claimed = @{}   # archive name -> source, to catch two sources with one base name
$failed = 0

foreach ($file in $sources) {
    $source = $file.Name
    $base = [IO.Path]::GetFileNameWithoutExtension($source)
    $archive = Join-Path $ArchiveDirectory "$base.hsiinr"
    $result = [ordered]@{ Source = $source; Archive = $archive; Action = 'Skipped'; Reason = 'verified earlier'; Psnr = $null; Bpppb = $null; SourceRemoved = $false; Error = $null }
    $cube = $null
    try {
        if ($claimed.ContainsKey("$base.hsiinr")) { throw "Its archive name '$base.hsiinr' is already used by '$($claimed["$base.hsiinr"])'; rename one of them." }
        $claimed["$base.hsiinr"] = $source
        $files = Get-SourceFileSet $file
        $hash = Get-SourceHash $files
        $entry = $script:manifest[$source]
        $known = $null -ne $entry -and $entry.Status -eq 'Verified' -and $entry.SourceHash -eq $hash
        $intact = [IO.File]::Exists($archive) -and (Test-HsiArchive -LiteralPath $archive -Quiet)

        if ($known -and $intact -and -not $Force) {
            $result.Psnr = $entry.Psnr; $result.Bpppb = $entry.Bpppb
        }
        else {
            if ($null -ne $entry -and $entry.SourceHash -ne $hash) { $why = 'changed since it was archived' }
            elseif ($known) { $why = 'archive missing or damaged' }
            else { $why = 'new' }
            $result.Reason = $why
            if (-not $PSCmdlet.ShouldProcess($source, "Archive ($why) to $archive and verify at $MinimumPsnr dB")) { continue }
            Write-Log 'INFO' "$source`: $why"
            $cube = Import-HsiCube -LiteralPath $file.FullName

            $adopt = $null
            if ([IO.File]::Exists($archive) -and $null -eq $entry -and -not $Force) {
                # An archive the manifest does not know (lost manifest, earlier interrupted run): keep it when it
                # is this source's archive, else refuse to overwrite it.
                $adopt = Test-HsiArchive -LiteralPath $archive -Reference $cube -MinimumPsnr $MinimumPsnr
                if (-not $adopt.Passed) { throw "'$archive' exists but does not verify against this source ($($adopt.Status): $($adopt.Reason)); move it away or use -Force." }
            }
            if ($adopt) {
                $check = $adopt
                $result.Action = 'Adopted'
            }
            else {
                $pending = Join-Path $ArchiveDirectory ".$base.pending.hsiinr"
                $written = $cube | Compress-HsiCube -Codec $Codec -Bpppb $Bpppb @CompressParameters -OutFile $pending -Force -WhatIf:$false -Confirm:$false
                $check = Test-HsiArchive -LiteralPath $written.Path -Reference $cube -MinimumPsnr $MinimumPsnr
                if (-not $check.Passed) {
                    [IO.File]::Delete($pending)
                    throw "The archive did not verify ($($check.Status)): $($check.Reason)"
                }
                # Rename only after verification: the target name only ever holds a verified archive.
                [IO.File]::Move($pending, $archive, $true)
                $result.Action = 'Archived'
            }
            $info = Get-HsiArchiveInfo -LiteralPath $archive
            $result.Psnr = $check.Psnr; $result.Bpppb = $info.Bpppb
            $script:manifest[$source] = [ordered]@{
                Source = $source; SourceFiles = @($files | ForEach-Object { [IO.Path]::GetFileName($_) }); SourceHash = $hash
                SourceBytes = ($files | ForEach-Object { (Get-Item -LiteralPath $_).Length } | Measure-Object -Sum).Sum
                Archive = [IO.Path]::GetFileName($archive); ArchiveBytes = $info.Bytes; Codec = "$($info.Codec)"; Bpppb = $info.Bpppb
                Psnr = $check.Psnr; MinimumPsnr = $MinimumPsnr; Status = 'Verified'; VerifiedAt = [DateTime]::UtcNow.ToString('o')
                SourceRemoved = $false; Error = $null
            }
            Save-Manifest
            Write-Log 'INFO' ("{0}: {1} {2} ({3:0.0000} bpppb, {4:0.00} dB, verified)" -f $source, $result.Action.ToLowerInvariant(), [IO.Path]::GetFileName($archive), $info.Bpppb, $check.Psnr)
        }

        # Only a source whose verified archive is recorded in the manifest is ever removed.
        if ($RemoveSource -and $script:manifest[$source].Status -eq 'Verified' -and $script:manifest[$source].SourceHash -eq $hash -and
            $PSCmdlet.ShouldProcess($source, 'Remove the source (its archive is verified)')) {
            foreach ($f in $files) { Remove-Item -LiteralPath $f -Force -WhatIf:$false -Confirm:$false }
            $script:manifest[$source].SourceRemoved = $true
            Save-Manifest
            $result.SourceRemoved = $true
            Write-Log 'INFO' "$source`: source removed"
        }
    }
    catch {
        $failed++
        $message = $_.Exception.Message
        $result.Action = 'Failed'; $result.Error = $message
        if (-not $dryRun) {
            $previous = $script:manifest[$source]
            $script:manifest[$source] = [ordered]@{
                Source = $source; SourceHash = $(if ($previous) { $previous.SourceHash }); Archive = [IO.Path]::GetFileName($archive)
                Status = 'Failed'; Error = $message; FailedAt = [DateTime]::UtcNow.ToString('o'); SourceRemoved = $false
            }
            try { Save-Manifest; Write-Log 'ERROR' "$source`: $message" }
            catch { Write-Warning "Could not record the failure of '$source' in the manifest or log: $($_.Exception.Message)" }
        }
        Write-Error -Message "$source`: $message" -ErrorId 'HsiArchive.SourceFailed' -Category WriteError -TargetObject $file.FullName -ErrorAction $reportAction
    }
    finally {
        $cube = $null   # one cube in memory at a time
    }
    [pscustomobject]$result
}

if (-not $dryRun) { Write-Log 'INFO' "run finished: $($sources.Count) sources, $failed failed" }
exit ([int]($failed -gt 0))
