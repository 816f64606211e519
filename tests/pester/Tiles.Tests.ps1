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

Describe 'Tiling chosen by the compact codec' {
    BeforeAll {
        # 130 × 130 pixels (over the 15 000 one trunk codes whole) from the 64 × 64 sample repeated side by side.
        $sample = Import-HsiCube -LiteralPath (Get-SamplePath)
        $bands = $sample.Bands
        $data = [float[]]::new(130 * 130 * $bands)
        for ($row = 0; $row -lt 130; $row++) {
            for ($col = 0; $col -lt 130; $col += 64) {
                $run = [math]::Min(64, 130 - $col)
                [Array]::Copy($sample.Data, ($row % 64) * 64 * $bands, $data, ($row * 130 + $col) * $bands, $run * $bands)
            }
        }
        $script:mosaic = [HsiInr.Core.Cube.HsiCube]::new('mosaic', 130, 130, $bands, $data, $sample.OriginalType)
        $script:quick = @{ Iterations = 30; Device = 'Cpu' }
    }

    It 'cuts a large scene into tiles of at most 100 × 100 when the rate buys each a fair trunk' {
        $path = Join-Path $TestDrive 'auto-tiled.hsiinr'
        $r = $mosaic | Compress-HsiCube @quick -Bpppb 0.4 -OutFile $path
        $r.Tiles | Should -Be 4
        (Get-Item $path).Length * 8 / (130 * 130 * $mosaic.Bands) | Should -BeLessOrEqual 0.4
        # Each tile spends what its network leaves on corrections; the encoder's total is what the file holds.
        $r.CorrectedPixels | Should -BeGreaterThan 0
        (Get-HsiArchiveInfo -LiteralPath $path).CorrectedPixels | Should -Be $r.CorrectedPixels
        (Expand-HsiCube $path).Shape | Should -Be $mosaic.Shape
    }

    It 'keeps it whole at a rate too low for tiles, and with -TileSize 0' {
        ($mosaic | Compress-HsiCube @quick -Bpppb 0.03 -OutFile (Join-Path $TestDrive 'low.hsiinr')).Tiles | Should -Be 1
        ($mosaic | Compress-HsiCube @quick -Bpppb 0.4 -TileSize 0 -OutFile (Join-Path $TestDrive 'whole.hsiinr')).Tiles | Should -Be 1
    }
}
