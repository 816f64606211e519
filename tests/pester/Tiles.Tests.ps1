# Compress-HsiCube -TileSize and Expand-HsiCube -Region end to end on a crop of the bundled sample.
BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:crop = (Import-HsiCube -LiteralPath (Get-SamplePath)).Crop(0, 0, 24, 21, 'tiles')
    $script:fast = @{ Layers = 2; Width = 8; Iterations = 20; Device = 'Cpu' }
}

Describe 'Tiled archives' {
    BeforeAll {
        $script:inrPath = Join-Path $TestDrive 'tiled-inr.hsiinr'
        # Tiles of at most 10: strips of 8 rows, tiles of 7 columns (3 × 3).
        $script:inr = $crop | Compress-HsiCube @fast -TileSize 10 -OutFile $inrPath
        $script:pcaPath = Join-Path $TestDrive 'tiled-pca.hsiinr'
        $script:pca = $crop | Compress-HsiCube -Codec PcaDct -Bpppb 1 -TileSize 12 -OutFile $pcaPath
    }

    It 'writes one archive holding every tile and says how many' {
        $inr.Tiles | Should -Be 9
        $inr.Codec | Should -Be 'Inr'
        $inr.Bytes | Should -Be (Get-Item $inrPath).Length
        ($inr | Format-Table | Out-String) | Should -Match 'Inr×9'
        $pca.Tiles | Should -Be 4
    }

    It 'keeps the whole file within -Bpppb' {
        (Get-Item $pcaPath).Length * 8 / (24 * 21 * 198) | Should -BeLessOrEqual 1
        $pca.Bpppb | Should -BeGreaterThan 0.8
    }

    It 'expands the tiles into the whole cube' {
        $cube = Expand-HsiCube $inrPath
        $cube.Shape | Should -Be '24×21×198'
        $cube.OriginalType | Should -Be 'UInt16'
        [math]::Abs(($cube | Measure-HsiPsnr -Reference $crop).Psnr - $inr.Psnr) | Should -BeLessThan 1e-3
    }

    It 'decodes only a window with -Region, equal to that window of the whole' {
        $whole = Expand-HsiCube $pcaPath
        $window = Expand-HsiCube $pcaPath -Region 5, 3, 10, 12
        $window.Shape | Should -Be '12×10×198'
        [Linq.Enumerable]::SequenceEqual([float[]]$window.Data, [float[]]$whole.Crop(3, 5, 12, 10).Data) | Should -BeTrue
        (Expand-HsiCube $inrPath -Region 0, 0, 21, 24).Shape | Should -Be '24×21×198'
    }

    It 'gives clear errors: <Case>' -ForEach @(
        @{ Case = 'tile too small'; Id = 'HsiInr.InvalidArgument,*'; Run = { $crop | Compress-HsiCube @fast -TileSize 3 -OutFile (Join-Path $TestDrive 'x.hsiinr') } }
        @{ Case = 'Tiled as a codec'; Id = 'HsiInr.InvalidArgument,*'; Run = { $crop | Compress-HsiCube -Codec Tiled -Bpppb 1 -OutFile (Join-Path $TestDrive 'y.hsiinr') } }
        @{ Case = 'region outside the image'; Id = 'HsiInr.InvalidArgument,*'; Run = { Expand-HsiCube $inrPath -Region 15, 0, 10, 4 } }
    ) {
        Get-ErrorId $Run | Should -BeLike $Id
    }
}
