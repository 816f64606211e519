# Import-HsiCube and Export-HsiCube against the built module (build.ps1 -Task Test sets $env:HSIINR_MODULE).
BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:samplePath = Get-SamplePath
    $script:sample = Import-HsiCube -LiteralPath $samplePath
}

Describe 'Import-HsiCube' {
    It 'imports the bundled sample with its documented shape' {
        $sample.Height | Should -Be 64
        $sample.Width | Should -Be 64
        $sample.Bands | Should -Be 198
        $sample.OriginalType | Should -Be 'UInt16'
        $sample.SourcePath | Should -Be $samplePath
    }

    It 'accepts wildcards and Get-ChildItem output, one cube per file' {
        $dir = Join-Path $TestDrive 'many'
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item $samplePath (Join-Path $dir 'a.mat')
        Copy-Item $samplePath (Join-Path $dir 'b.mat')
        @(Import-HsiCube -Path (Join-Path $dir '*.mat')).Count | Should -Be 2
        $names = (Get-ChildItem $dir -Filter *.mat | Import-HsiCube).Name
        $names | Should -Be @('a', 'b')
    }

    It 'takes -LiteralPath names that contain wildcard characters' {
        $odd = Join-Path $TestDrive 'scene[1].mat'
        Copy-Item -LiteralPath $samplePath -Destination $odd
        (Import-HsiCube -LiteralPath $odd).Name | Should -Be 'scene[1]'
    }

    It 'shows the table view with the shape column' {
        $text = $sample | Format-Table | Out-String
        $text | Should -Match 'Height×Width×Bands'
        $text | Should -Match '64×64×198'
    }

    It 'reports <Case> as <Id> and keeps going' -ForEach @(
        @{ Case = 'a missing file'; Id = 'HsiInr.FileNotFound'; Make = { Join-Path $TestDrive 'nope.mat' } }
        @{ Case = 'a directory'; Id = 'HsiInr.PathIsDirectory'; Make = { $TestDrive } }
        @{ Case = 'an empty file'; Id = 'HsiInr.EmptyFile'; Make = { $p = Join-Path $TestDrive 'empty.mat'; Set-Content $p -Value $null -NoNewline; $p } }
        @{ Case = 'a file of unknown content'; Id = 'HsiInr.UnknownFormat'; Make = { $p = Join-Path $TestDrive 'junk.mat'; [IO.File]::WriteAllBytes($p, [byte[]](1..200)); $p } }
    ) {
        $path = & $Make
        $err = $null
        $out = Import-HsiCube -LiteralPath $path, $samplePath -ErrorAction SilentlyContinue -ErrorVariable err
        @($err)[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        @($err)[0].TargetObject | Should -Not -BeNullOrEmpty
        @($out).Count | Should -Be 1   # the good file after the bad one was still read
    }

    It 'refuses a truncated MAT file with a specific error' {
        $bytes = [IO.File]::ReadAllBytes($samplePath)
        $cut = Join-Path $TestDrive 'cut.mat'
        [IO.File]::WriteAllBytes($cut, $bytes[0..([int]($bytes.Length / 2))])
        Get-ErrorId { Import-HsiCube -LiteralPath $cut } | Should -BeLike 'HsiInr.TruncatedFile,*'
    }
}

Describe 'Export-HsiCube' {
    It 'round-trips integer data exactly as <Format>' -ForEach @(@{ Format = 'Mat'; Ext = '.mat' }, @{ Format = 'Envi'; Ext = '.img' }) {
        $out = Join-Path $TestDrive "rt$Ext"
        $sample | Export-HsiCube -Path $out -Format $Format
        $back = Import-HsiCube -LiteralPath $out
        $back.OriginalType | Should -Be $sample.OriginalType
        $back.Shape | Should -Be $sample.Shape
        [Linq.Enumerable]::SequenceEqual([float[]]$back.Data, [float[]]$sample.Data) | Should -BeTrue
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'whatif.mat'
        $sample | Export-HsiCube -Path $out -WhatIf
        Test-Path $out | Should -BeFalse
    }

    It 'never overwrites without -Force, and does with it' {
        $out = Join-Path $TestDrive 'keep.mat'
        Set-Content $out 'precious'
        Get-ErrorId { $sample | Export-HsiCube -Path $out } | Should -BeLike 'HsiInr.OutputExists,*'
        Get-Content $out | Should -Be 'precious'
        $sample | Export-HsiCube -Path $out -Force
        (Import-HsiCube -LiteralPath $out).Shape | Should -Be $sample.Shape
    }

    It 'leaves no temp file behind' {
        $dir = Join-Path $TestDrive 'clean'
        New-Item -ItemType Directory $dir | Out-Null
        $sample | Export-HsiCube -Path (Join-Path $dir 'c.mat')
        @(Get-ChildItem $dir -Force).Name | Should -Be @('c.mat')
    }
}
