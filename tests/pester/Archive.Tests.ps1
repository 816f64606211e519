# Get-HsiArchiveInfo and Test-HsiArchive: inspecting and checking archives as a scheduled script would.
BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:crop = (Import-HsiCube -LiteralPath (Get-SamplePath)).Crop(0, 0, 24, 24, 'crop')
    $script:dir = Join-Path $TestDrive 'archive'
    New-Item -ItemType Directory $dir | Out-Null
    $script:inr = $crop | Compress-HsiCube -Layers 3 -Width 24 -Iterations 60 -LearningRate 1e-3 -Seed 7 -OutFile (Join-Path $dir 'inr.hsiinr')
    $script:pca = $crop | Compress-HsiCube -Codec PcaDct -Bpppb 1 -OutFile (Join-Path $dir 'pca.hsiinr')
    $bytes = [IO.File]::ReadAllBytes($inr.Path)
    $bytes[$bytes.Length - 40] = $bytes[$bytes.Length - 40] -bxor 0x10
    [IO.File]::WriteAllBytes((Join-Path $dir 'flipped.hsiinr'), $bytes)
    [IO.File]::WriteAllBytes((Join-Path $dir 'cut.hsiinr'), [byte[]]$bytes[0..49])
    [IO.File]::WriteAllBytes((Join-Path $dir 'empty.hsiinr'), [byte[]]@())
}

Describe 'Get-HsiArchiveInfo' {
    It 'reads the header of what Compress-HsiCube wrote, without decoding' {
        $i = Get-HsiArchiveInfo -LiteralPath $inr.Path
        $i.GetType().Name | Should -Be 'HsiArchive'
        foreach ($p in 'Name', 'Shape', 'Codec', 'Architecture', 'Bpppb', 'Bytes', 'FormatVersion', 'Seed', 'Iterations', 'OriginalType') {
            $i.$p | Should -Be $inr.$p -Because $p
        }
        $i.Seed | Should -Be 7
        [math]::Abs($i.Psnr - $inr.Psnr) | Should -BeLessThan 1e-3   # stored as float32
        $i.Path | Should -Be $inr.Path
    }

    It 'reports the pixels corrected apart from the network, as the encoder stored them' {
        # Under -Bpppb the compact INR spends the bytes its network leaves on the worst pixels (payload kind 4).
        $rated = $crop | Compress-HsiCube -Bpppb 0.5 -Layers 3 -Iterations 60 -Seed 7 -OutFile (Join-Path $TestDrive 'rated.hsiinr')
        $rated.CorrectedPixels | Should -BeGreaterThan 0
        $rated.Bpppb | Should -BeLessOrEqual 0.5
        (Get-HsiArchiveInfo -LiteralPath $rated.Path).CorrectedPixels | Should -Be $rated.CorrectedPixels
        $inr.CorrectedPixels | Should -Be 0   # a fixed -Width has no budget to fill
    }

    It 'takes wildcards, Get-ChildItem output and literal names' {
        @(Get-HsiArchiveInfo (Join-Path $dir '[ip]*.hsiinr')).Name | Sort-Object | Should -Be @('crop', 'crop')
        (Get-ChildItem $dir -Filter 'pca.hsiinr' | Get-HsiArchiveInfo).Codec | Should -Be 'PcaDct'
        $odd = Join-Path $TestDrive 'odd[1].hsiinr'
        Copy-Item -LiteralPath $pca.Path $odd
        (Get-HsiArchiveInfo -LiteralPath $odd).Codec | Should -Be 'PcaDct'
    }

    It 'writes an error per bad file and goes on' {
        $err = $null
        $out = Get-ChildItem $dir -Filter *.hsiinr | Sort-Object Name | Get-HsiArchiveInfo -ErrorAction SilentlyContinue -ErrorVariable err
        @($out).Count | Should -Be 2
        @($err.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] }) | Sort-Object |
            Should -Be @('HsiInr.ChecksumMismatch', 'HsiInr.EmptyFile', 'HsiInr.TruncatedFile')
    }

    It 'shows a table and a header list view' {
        $table = Get-HsiArchiveInfo -LiteralPath $pca.Path | Format-Table | Out-String
        $table | Should -Match 'PcaDct'
        $list = Get-HsiArchiveInfo -LiteralPath $inr.Path | Format-List | Out-String
        $list | Should -Match 'FormatVersion\s*:\s*2'
        $list | Should -Match 'Seed\s*:\s*7'
    }
}

Describe 'Test-HsiArchive' {
    It 'returns a result per file, Valid=$false with the ErrorId for damaged ones, so failures can be filtered' {
        $r = Get-ChildItem $dir -Filter *.hsiinr | Test-HsiArchive
        @($r).Count | Should -Be 5
        $bad = $r | Where-Object -Not Passed | Sort-Object { [IO.Path]::GetFileName($_.Path) }
        @($bad | ForEach-Object { [IO.Path]::GetFileName($_.Path) }) | Should -Be @('cut.hsiinr', 'empty.hsiinr', 'flipped.hsiinr')
        @($bad.ErrorId) | Should -Be @('HsiInr.TruncatedFile', 'HsiInr.EmptyFile', 'HsiInr.ChecksumMismatch')
        $bad | ForEach-Object { $_.Valid | Should -BeFalse; $_.Status | Should -Be 'Invalid'; $_.Reason | Should -Not -BeNullOrEmpty }
        ($r | Where-Object Passed | ForEach-Object Decoded) | Should -Be @($false, $false)   # header and CRC only
    }

    It 'does not throw under -ErrorAction Stop for a damaged or missing archive' {
        $r = Test-HsiArchive -LiteralPath (Join-Path $dir 'flipped.hsiinr'), (Join-Path $dir 'gone.hsiinr') -ErrorAction Stop
        $r.ErrorId | Should -Be @('HsiInr.ChecksumMismatch', 'HsiInr.FileNotFound')
        (Test-HsiArchive (Join-Path $dir 'gone.hsiinr')).ErrorId | Should -Be 'HsiInr.FileNotFound'
    }

    It 'decodes and measures PSNR with -Reference, and fails below -MinimumPsnr' {
        $ok = Test-HsiArchive -LiteralPath $pca.Path -Reference $crop -MinimumPsnr 20
        $ok.Passed | Should -BeTrue
        $ok.Decoded | Should -BeTrue
        $ok.Psnr | Should -BeGreaterThan 20
        [math]::Abs($ok.Psnr - (Expand-HsiCube $pca.Path | Measure-HsiPsnr -Reference $crop).Psnr) | Should -BeLessThan 1e-9
        $low = Test-HsiArchive -LiteralPath $pca.Path -Reference $crop -MinimumPsnr ($ok.Psnr + 1)
        $low.Passed | Should -BeFalse
        $low.Valid | Should -BeTrue
        $low.Status | Should -Be 'BelowMinimumPsnr'
        $low.Reason | Should -Match 'below the minimum'
    }

    It 'reports a reference of another shape as ReferenceMismatch' {
        $r = Test-HsiArchive -LiteralPath $pca.Path -Reference $crop.Crop(0, 0, 8, 8, 'small')
        $r.Status | Should -Be 'ReferenceMismatch'
        $r.ErrorId | Should -Be 'HsiInr.ShapeMismatch'
    }

    It 'checks HsiArchive objects from Compress-HsiCube and Get-HsiArchiveInfo' {
        ($pca | Test-HsiArchive -Reference $crop).Psnr | Should -BeGreaterThan 20
        (Get-HsiArchiveInfo -LiteralPath $inr.Path | Test-HsiArchive -Decode).Decoded | Should -BeTrue
    }

    It 'returns booleans with -Quiet' {
        $q = Test-HsiArchive -LiteralPath $pca.Path, (Join-Path $dir 'cut.hsiinr') -Quiet
        $q | Should -Be @($true, $false)
        $q[0] | Should -BeOfType [bool]
    }

    It 'refuses -MinimumPsnr without -Reference before checking anything' {
        Get-ErrorId { Test-HsiArchive -LiteralPath $pca.Path -MinimumPsnr 30 } | Should -BeLike 'HsiInr.InvalidArgument,*'
    }

    It 'writes an error for a wildcard that matches nothing, as every -Path cmdlet does' {
        $none = Join-Path $dir 'nothing*.hsiinr'
        Get-ErrorId { Test-HsiArchive $none } | Should -BeLike 'HsiInr.FileNotFound,*'
        Get-ErrorId { Get-HsiArchiveInfo $none } | Should -BeLike 'HsiInr.FileNotFound,*'
        Get-ErrorId { Expand-HsiCube $none } | Should -BeLike 'HsiInr.FileNotFound,*'
        Get-ErrorId { Import-HsiCube (Join-Path $dir 'nothing*.mat') } | Should -BeLike 'HsiInr.FileNotFound,*'
    }

    It 'shows a table with status and reason' {
        $text = Test-HsiArchive -LiteralPath (Join-Path $dir 'flipped.hsiinr') | Format-Table | Out-String -Width 200
        $text | Should -Match 'flipped\.hsiinr'
        $text | Should -Match 'HsiInr\.ChecksumMismatch'
    }
}
