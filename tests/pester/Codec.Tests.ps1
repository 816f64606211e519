# Compress-HsiCube, Expand-HsiCube and Measure-HsiPsnr end to end on a crop of the bundled sample.
BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:samplePath = Get-SamplePath
    $script:crop = (Import-HsiCube -LiteralPath $samplePath).Crop(0, 0, 24, 24, 'crop')
    $script:fast = @{ Layers = 3; Width = 24; Iterations = 150; LearningRate = 1e-3; Device = 'Cpu' }
}

Describe 'Import | Compress | Expand | Measure' {
    BeforeAll {
        $script:archivePath = Join-Path $TestDrive 'crop.hsiinr'
        $script:archive = $crop | Compress-HsiCube @fast -OutFile $archivePath
    }

    It 'returns an HsiArchive describing the file it wrote' {
        $archive.GetType().Name | Should -Be 'HsiArchive'
        $archive.Path | Should -Be $archivePath
        $archive.Bytes | Should -Be (Get-Item $archivePath).Length
        $archive.Bpppb | Should -Be ((Get-Item $archivePath).Length * 8 / (24 * 24 * 198))
        $archive.Architecture | Should -Match '^3×24k\d+$'   # compact recipe: trunk 3×24 and a rank-k spectral basis
        $archive.Rank | Should -BeGreaterThan 0
        $archive.FormatVersion | Should -Be 2
        $archive.Iterations | Should -Be 150
        $archive.PaperBpppb | Should -BeGreaterThan 0
    }

    It 'decodes to a cube that measures as the encoder said' {
        $q = Expand-HsiCube $archivePath | Measure-HsiPsnr -Reference $crop
        $q.Psnr | Should -BeGreaterThan 25
        [math]::Abs($q.Psnr - $archive.Psnr) | Should -BeLessThan 1e-3
        $q.SamDegrees | Should -BeGreaterThan 0
        $q.MeanBandPsnr | Should -BeGreaterThan 0
    }

    It 'expands HsiArchive objects from the pipeline and measures archives by -Path' {
        $cube = $archive | Expand-HsiCube
        $cube.Shape | Should -Be '24×24×198'
        $cube.OriginalType | Should -Be 'UInt16'
        (Measure-HsiPsnr -Reference $crop -Path $archivePath).Psnr | Should -BeGreaterThan 25
    }

    It 'writes nothing with -WhatIf' {
        $p = Join-Path $TestDrive 'whatif.hsiinr'
        $crop | Compress-HsiCube @fast -OutFile $p -WhatIf
        Test-Path $p | Should -BeFalse
    }

    It 'refuses to overwrite without -Force before fitting, and overwrites with it' {
        $p = Join-Path $TestDrive 'exists.hsiinr'
        Set-Content $p 'precious'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Get-ErrorId { $crop | Compress-HsiCube @fast -Iterations 1000000 -OutFile $p } | Should -BeLike 'HsiInr.OutputExists,*'
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        Get-Content $p | Should -Be 'precious'
        ($crop | Compress-HsiCube @fast -Iterations 5 -OutFile $p -Force).Bytes | Should -Be (Get-Item $p).Length
    }

    It 'shows -WhatIf on an existing target instead of failing' {
        $p = Join-Path $TestDrive 'exists-whatif.hsiinr'
        Set-Content $p 'precious'
        Get-ErrorId { $crop | Compress-HsiCube @fast -OutFile $p -WhatIf } | Should -BeNullOrEmpty
        Get-Content $p | Should -Be 'precious'
    }

    It 'refuses a second cube for one -OutFile and keeps the first archive' {
        $p = Join-Path $TestDrive 'one.hsiinr'
        $ErrorActionPreference = 'Continue'
        $out = $crop, $crop.Crop(0, 0, 8, 8, 'second') | Compress-HsiCube @fast -Iterations 5 -OutFile $p -Force 2>&1
        $errors = @($out | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'HsiInr.InvalidArgument,*'
        (Expand-HsiCube $p).Name | Should -Be 'crop'
    }

    It 'rejects -Bpppb together with a fixed architecture before reading any cube' {
        Get-ErrorId { $crop | Compress-HsiCube @fast -Bpppb 1 -OutFile (Join-Path $TestDrive 'both.hsiinr') } | Should -BeLike 'HsiInr.InvalidArgument,*'
    }

    It 'measures archive files piped from Get-ChildItem' {
        $q = Get-ChildItem $TestDrive -Filter 'crop.hsiinr' | Measure-HsiPsnr -Reference $crop
        $q.Psnr | Should -BeGreaterThan 25
    }

    It 'names archives after the cube with -OutputDirectory' {
        $dir = Join-Path $TestDrive 'archive'
        New-Item -ItemType Directory $dir | Out-Null
        $a = $crop | Compress-HsiCube @fast -Iterations 5 -OutputDirectory $dir
        $a.Path | Should -Be (Join-Path $dir 'crop.hsiinr')
    }

    It 'runs the paper recipe when asked, as a version 1 archive' {
        $a = $crop | Compress-HsiCube -Recipe Paper -Layers 3 -Width 24 -Iterations 20 -OutFile (Join-Path $TestDrive 'paper.hsiinr')
        $a.FormatVersion | Should -Be 1
        $a.Architecture | Should -Be '3×24'
        $b = $crop | Compress-HsiCube -Layers 3 -Width 24 -Precision Half -Iterations 20 -OutFile (Join-Path $TestDrive 'half.hsiinr')
        $b.Precision | Should -Be 'Half'
        (Expand-HsiCube $b.Path).Shape | Should -Be '24×24×198'
    }

    It 'compresses with a baseline codec through the same container' -ForEach @(@{ Codec = 'PcaDct' }, @{ Codec = 'Jpeg2000' }) {
        $a = $crop | Compress-HsiCube -Codec $Codec -Bpppb 1 -OutFile (Join-Path $TestDrive "$Codec.hsiinr")
        $a.Codec | Should -Be $Codec
        $a.Bpppb | Should -BeLessOrEqual 1
        (Expand-HsiCube $a.Path | Measure-HsiPsnr -Reference $crop).Psnr | Should -BeGreaterThan 20
    }

    It 'refuses INR-only settings with a baseline codec' {
        Get-ErrorId { $crop | Compress-HsiCube -Codec Jpeg -Bpppb 1 -Layers 3 -OutFile (Join-Path $TestDrive 'j.hsiinr') } | Should -BeLike 'HsiInr.InvalidArgument,*'
    }

    It 'searches architectures whose file fits -Bpppb' {
        $a = $crop | Compress-HsiCube -Bpppb 2 -Iterations 20 -SearchIterations 5 -OutFile (Join-Path $TestDrive 'search.hsiinr')
        $a.Bpppb | Should -BeLessOrEqual 2
    }

    It 'gives clear errors: <Case>' -ForEach @(
        @{ Case = 'CUDA without a CUDA build'; Id = 'HsiInr.DeviceUnavailable'; Run = { $crop | Compress-HsiCube @fast -Device Cuda -OutFile (Join-Path $TestDrive 'cuda.hsiinr') } }
        @{ Case = 'no rate and no architecture'; Id = 'HsiInr.InvalidArgument'; Run = { $crop | Compress-HsiCube -OutFile (Join-Path $TestDrive 'x.hsiinr') } }
        @{ Case = 'a corrupt archive'; Id = 'HsiInr.ChecksumMismatch'; Run = {
                $b = [IO.File]::ReadAllBytes($archivePath); $b[100] = $b[100] -bxor 0xFF
                $p = Join-Path $TestDrive 'corrupt.hsiinr'; [IO.File]::WriteAllBytes($p, $b); Expand-HsiCube -LiteralPath $p } }
        @{ Case = 'a shape mismatch'; Id = 'HsiInr.ShapeMismatch'; Run = { $crop.Crop(0, 0, 8, 8, 'small') | Measure-HsiPsnr -Reference $crop } }
    ) {
        if ($Case -like 'CUDA*' -and [TorchSharp.torch+cuda]::is_available()) { Set-ItResult -Skipped -Because 'this machine has CUDA'; return }
        Get-ErrorId $Run | Should -BeLike "$Id,*"
    }
}

Describe 'Cancellation' {
    It 'stops a long fit within about a second and leaves no file' {
        $p = Join-Path $TestDrive 'stopped.hsiinr'
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $cube, $path)
                Import-Module $module
                $cube | Compress-HsiCube -Layers 3 -Width 24 -Iterations 10000000 -OutFile $path
            }).AddArgument($env:HSIINR_MODULE).AddArgument($crop).AddArgument($p)
        $handle = $ps.BeginInvoke()
        Start-Sleep -Seconds 3
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 2
        $handle.IsCompleted | Should -BeTrue
        Test-Path $p | Should -BeFalse
        @(Get-ChildItem $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
        $ps.Dispose()
    }
}

Describe '-TargetPsnr' {
    It 'writes the smallest archive that reaches the PSNR, and says so' {
        $p = Join-Path $TestDrive 'target.hsiinr'
        $a = $crop | Compress-HsiCube -Codec PcaDct -TargetPsnr 40 -OutFile $p -Verbose 4>&1 | Tee-Object -Variable out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $a.Psnr | Should -BeGreaterOrEqual 40
        (Expand-HsiCube -LiteralPath $p | Measure-HsiPsnr -Reference $crop).Psnr | Should -BeGreaterOrEqual 40
        $trials = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'rate trial*' })
        $trials.Count | Should -BeGreaterThan 1
        $a.Variant | Should -BeLike "*; $($trials.Count) rate trials"
        # A lower target never needs a larger file.
        ($crop | Compress-HsiCube -Codec PcaDct -TargetPsnr 36 -OutFile (Join-Path $TestDrive 'lower.hsiinr')).Bytes | Should -BeLessThan $a.Bytes
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = '-Bpppb with it'; Extra = @{ Bpppb = 0.5 } }
        @{ Case = 'a fixed network'; Extra = @{ Layers = 3; Width = 24 } }
    ) {
        Get-ErrorId { $crop | Compress-HsiCube -TargetPsnr 40 @Extra -OutFile (Join-Path $TestDrive 'refused.hsiinr') } | Should -BeLike 'HsiInr.InvalidArgument,*'
        Test-Path (Join-Path $TestDrive 'refused.hsiinr') | Should -BeFalse
    }
}
