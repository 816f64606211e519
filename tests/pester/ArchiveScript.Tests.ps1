# examples/Invoke-HsiArchive.ps1 end to end on small cubes: first run, rerun, a changed and a corrupt source,
# -WhatIf, -RemoveSource, and targets that cannot be written (read-only, full).
BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:archiveScript = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/Invoke-HsiArchive.ps1')).ProviderPath
    $script:sample = Import-HsiCube -LiteralPath (Get-SamplePath)
    $script:fast = @{ Codec = 'PcaDct'; Bpppb = 2; MinimumPsnr = 20 }

    # A fresh folder of sources: MAT files, and ENVI pairs for names given in -Envi.
    function New-Sources([string]$Name, [string[]]$Mat = @(), [string[]]$Envi = @()) {
        $dir = Join-Path $TestDrive $Name
        New-Item -ItemType Directory -Force $dir | Out-Null
        $i = 0
        foreach ($n in $Mat) { $sample.Crop(8 * $i, 0, 16, 16, $n) | Export-HsiCube (Join-Path $dir "$n.mat"); $i++ }
        foreach ($n in $Envi) { $sample.Crop(8 * $i, 8, 16, 16, $n) | Export-HsiCube (Join-Path $dir "$n.img"); $i++ }
        $dir
    }

    # Runs the script; returns its output objects, the errors it wrote and its exit code.
    function Invoke-Archive([hashtable]$Parameters) {
        $global:LASTEXITCODE = $null
        $all = & $archiveScript @Parameters 2>&1
        [pscustomobject]@{
            Results = @($all | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] })
            Errors  = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
            Exit    = $LASTEXITCODE
        }
    }

    function Get-Manifest([string]$Dir) { (Get-Content -Raw (Join-Path $Dir 'manifest.json') | ConvertFrom-Json).Entries }
}

Describe 'Invoke-HsiArchive.ps1' {
    Context 'a folder archived, then archived again' {
        BeforeAll {
            $script:src = New-Sources 'src' -Mat 'a', 'b' -Envi 'c'
            $script:dst = Join-Path $TestDrive 'dst'
            $script:csv = Join-Path $TestDrive 'manifest.csv'
            $script:first = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst; CsvPath = $csv } + $fast)
        }

        It 'archives and verifies every source on the first run' {
            $first.Exit | Should -Be 0
            $first.Errors | Should -BeNullOrEmpty
            $first.Results.Source | Should -Be @('a.mat', 'b.mat', 'c.hdr')
            $first.Results.Action | Should -Be @('Archived', 'Archived', 'Archived')
            $first.Results | ForEach-Object { $_.Psnr | Should -BeGreaterThan 20 }
            (Get-ChildItem $dst -Filter *.hsiinr | Test-HsiArchive).Passed | Should -Be @($true, $true, $true)
            @(Get-ChildItem $dst -Force -Filter '.*').Count | Should -Be 0 -Because 'no pending or temp file may be left'
        }

        It 'writes a JSON and a CSV manifest and a log' {
            $m = Get-Manifest $dst
            $m.Source | Should -Be @('a.mat', 'b.mat', 'c.hdr')
            $m.Status | Should -Be @('Verified', 'Verified', 'Verified')
            $m[2].SourceFiles | Should -Be @('c.hdr', 'c.img')   # an ENVI source is its header and its data
            $m[0].SourceHash | Should -Be (Get-FileHash (Join-Path $src 'a.mat') -Algorithm SHA256).Hash
            @(Import-Csv $csv).Count | Should -Be 3
            $log = Get-Content (Join-Path $dst 'archive.log')
            $log[0] | Should -Match 'INFO\s+run started'
            @($log | Where-Object { $_ -match 'INFO\s+\S+: archived .* verified' }).Count | Should -Be 3
        }

        It 'redoes nothing on a rerun' {
            $before = Get-ChildItem $dst -Filter *.hsiinr | ForEach-Object { $_.LastWriteTimeUtc }
            $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst } + $fast)
            $r.Exit | Should -Be 0
            $r.Results.Action | Should -Be @('Skipped', 'Skipped', 'Skipped')
            Get-ChildItem $dst -Filter *.hsiinr | ForEach-Object { $_.LastWriteTimeUtc } | Should -Be $before
        }

        It 'archives a changed source again and only that one' {
            $sample.Crop(40, 40, 16, 16, 'a') | Export-HsiCube (Join-Path $src 'a.mat') -Force
            $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst } + $fast)
            $r.Results.Action | Should -Be @('Archived', 'Skipped', 'Skipped')
            $r.Results[0].Reason | Should -Be 'changed since it was archived'
            $check = Test-HsiArchive -LiteralPath (Join-Path $dst 'a.hsiinr') -Reference (Import-HsiCube (Join-Path $src 'a.mat')) -MinimumPsnr 20
            $check.Passed | Should -BeTrue
            (Get-Manifest $dst)[0].SourceHash | Should -Be (Get-FileHash (Join-Path $src 'a.mat') -Algorithm SHA256).Hash
        }

        It 'archives again when an archive was damaged, and adopts a verified archive the manifest lost' {
            [IO.File]::WriteAllBytes((Join-Path $dst 'b.hsiinr'), [byte[]](1..100))
            Remove-Item (Join-Path $dst 'manifest.json')
            $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst } + $fast)
            $r.Exit | Should -Be 1   # b: a damaged archive the manifest does not know is not overwritten without -Force
            $r.Results.Action | Should -Be @('Adopted', 'Failed', 'Adopted')
            $r.Results[1].Error | Should -Match 'does not verify'
            $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst; Force = $true } + $fast)
            $r.Results.Action | Should -Be @('Archived', 'Archived', 'Archived')
            (Test-HsiArchive -LiteralPath (Join-Path $dst 'b.hsiinr')).Passed | Should -BeTrue
        }
    }

    It 'logs a corrupt source, archives the others, and says so in its exit code' {
        $src = New-Sources 'mixed' -Mat 'good1', 'good2'
        [IO.File]::WriteAllBytes((Join-Path $src 'bad.mat'), [byte[]](1..200))
        $dst = Join-Path $TestDrive 'mixed-dst'
        $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst } + $fast)
        $r.Exit | Should -Be 1
        $r.Results.Action | Should -Be @('Failed', 'Archived', 'Archived')
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HsiArchive.SourceFailed*'
        $r.Errors[0].Exception.Message | Should -Match 'bad\.mat: .*not a MAT-file'
        Get-Content (Join-Path $dst 'archive.log') | Where-Object { $_ -match 'ERROR\s+bad\.mat' } | Should -Not -BeNullOrEmpty
        (Get-Manifest $dst).Status | Should -Be @('Failed', 'Verified', 'Verified')
        Test-Path (Join-Path $src 'bad.mat') | Should -BeTrue
        # The failure is retried on the next run; the good ones are not redone.
        (Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst } + $fast)).Results.Action | Should -Be @('Failed', 'Skipped', 'Skipped')
    }

    It 'writes nothing with -WhatIf' {
        $src = New-Sources 'whatif' -Mat 'w1', 'w2'
        $dst = Join-Path $TestDrive 'whatif-dst'
        $before = Get-ChildItem $src | ForEach-Object { "$($_.Name) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }
        $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst; RemoveSource = $true; WhatIf = $true } + $fast)
        $r.Exit | Should -Be 0
        Test-Path $dst | Should -BeFalse
        Get-ChildItem $src | ForEach-Object { "$($_.Name) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" } | Should -Be $before
    }

    It 'removes a source with -RemoveSource only after its archive verified' {
        $src = New-Sources 'remove' -Mat 'r1', 'r2'
        $dst = Join-Path $TestDrive 'remove-dst'
        # Below the threshold: nothing under the archive name, the source kept.
        $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst; RemoveSource = $true; Codec = 'PcaDct'; Bpppb = 2; MinimumPsnr = 200 })
        $r.Results.Action | Should -Be @('Failed', 'Failed')
        $r.Results[0].Error | Should -Match 'BelowMinimumPsnr'
        @(Get-ChildItem $src).Name | Should -Be @('r1.mat', 'r2.mat')
        @(Get-ChildItem $dst -Force -Filter '*.hsiinr').Count | Should -Be 0
        # Met: archived, verified, recorded, then the source removed.
        $r = Invoke-Archive (@{ SourceDirectory = $src; ArchiveDirectory = $dst; RemoveSource = $true } + $fast)
        $r.Exit | Should -Be 0
        $r.Results.SourceRemoved | Should -Be @($true, $true)
        @(Get-ChildItem $src).Count | Should -Be 0
        (Get-Manifest $dst).SourceRemoved | Should -Be @($true, $true)
        (Get-ChildItem $dst -Filter *.hsiinr | Test-HsiArchive).Passed | Should -Be @($true, $true)
    }

    Context 'targets that cannot be written' {
        It 'stops with a clear error on a read-only archive folder, touching nothing' {
            # Root can write through chmod, so use a folder that is read-only for root too.
            $readOnly = '/sys/kernel'
            if (-not (Test-Path $readOnly)) { Set-ItResult -Skipped -Because 'no /sys on this system'; return }
            $src = New-Sources 'ro' -Mat 'ro1'
            $thrown = $null
            try { & $archiveScript -SourceDirectory $src -ArchiveDirectory $readOnly -RemoveSource @fast } catch { $thrown = $_ }
            $thrown | Should -Not -BeNullOrEmpty
            "$thrown" | Should -Match "archive folder '/sys/kernel' cannot be written: .*(denied|not permitted|Read-only)"
            "$thrown" | Should -Match 'Nothing was archived'
            @(Get-ChildItem $src).Name | Should -Be @('ro1.mat')
            Test-Path '/sys/kernel/manifest.json', '/sys/kernel/archive.log' | Should -Be @($false, $false)
        }

        It 'stops with a clear error when the log is on a full device' {
            $src = New-Sources 'full-log' -Mat 'f1'
            $dst = Join-Path $TestDrive 'full-log-dst'
            $thrown = $null
            try { & $archiveScript -SourceDirectory $src -ArchiveDirectory $dst -LogPath '/dev/full' -RemoveSource @fast } catch { $thrown = $_ }
            "$thrown" | Should -Match "log '/dev/full' cannot be written: .*No space left on device"
            @(Get-ChildItem $src).Name | Should -Be @('f1.mat')
            @(Get-ChildItem $dst -Force).Count | Should -Be 0
        }

        It 'fails each file on a full archive disk without losing a source or leaving a partial archive' {
            & unshare --user --map-root-user --mount true 2>$null
            if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'unshare cannot make a private mount namespace here (needed for a small tmpfs)'; return }
            $src = New-Sources 'full' -Mat 'big1', 'big2'
            $mnt = Join-Path $TestDrive 'full-mnt'
            New-Item -ItemType Directory $mnt | Out-Null
            $manifest = Join-Path $TestDrive 'full-manifest.json'
            $inner = @"
`$r = & '$archiveScript' -SourceDirectory '$src' -ArchiveDirectory '$mnt' -ManifestPath '$manifest' -LogPath '$(Join-Path $TestDrive 'full.log')' -Codec PcaDct -Bpppb 2 -MinimumPsnr 20 -RemoveSource -ErrorAction SilentlyContinue
[pscustomobject]@{ Exit = `$LASTEXITCODE; Results = @(`$r); Left = @(Get-ChildItem -LiteralPath '$mnt' -Force).Name; Mount = (Get-Content /proc/self/mountinfo | Where-Object { `$_ -like '* $mnt *' }) } | ConvertTo-Json -Depth 3
"@
            $exe, $prefix = Get-PwshCommand
            $full = "`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; Import-Module '$env:HSIINR_MODULE'`n$inner"
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
            # An 8 KiB tmpfs in a private mount namespace: the write probe fits, a 16×16×198 archive at 2 bpppb (~12 KiB) does not.
            $json = & unshare --user --map-root-user --mount sh -c 'mount -t tmpfs -o size=8k tmpfs "$0" && exec "$@"' $mnt $exe @prefix -NoProfile -NonInteractive -EncodedCommand $encoded
            $LASTEXITCODE | Should -Be 0
            $r = ($json -join "`n") | ConvertFrom-Json
            $r.Mount | Should -Match 'tmpfs' -Because 'the archive folder must really be the small tmpfs'
            $r.Exit | Should -Be 1
            $r.Results.Action | Should -Be @('Failed', 'Failed')
            $r.Results | ForEach-Object { $_.Error | Should -Match 'No space left on device' }
            $r.Left | Should -BeNullOrEmpty -Because 'no partial archive, pending or temp file may be left'
            @(Get-ChildItem $src).Name | Should -Be @('big1.mat', 'big2.mat')
            (Get-Content -Raw $manifest | ConvertFrom-Json).Entries.Status | Should -Be @('Failed', 'Failed')
        }
    }
}
