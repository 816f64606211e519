# Batch use as scheduled scripts run it: streaming one cube at a time, per-file failures that do not stop the batch,
# runspaces and processes in parallel, and a kill in the middle of a write.
BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:crop = (Import-HsiCube -LiteralPath (Get-SamplePath)).Crop(0, 0, 24, 24, 'crop')
    # A pinned thread count: the parallel archives are compared with a sequential one byte for byte in size and PSNR.
    $script:fast = @{ Layers = 2; Width = 16; Iterations = 20; LearningRate = 1e-3; Device = 'Cpu'; ThreadCount = 1 }
    # Reads a child's JSON output, or fails with what the child wrote to stderr.
    function Read-ChildJson([int]$Code, [string]$Out, [string]$Err) {
        $Code | Should -Be 0 -Because (Get-Content -Raw $Err)
        Get-Content -Raw $Out | ConvertFrom-Json
    }
}

Describe 'A folder through Import | Compress -OutputDirectory' {
    BeforeAll {
        $script:src = Join-Path $TestDrive 'data'
        $script:out = Join-Path $TestDrive 'archive'
        New-Item -ItemType Directory $src, $out | Out-Null
        foreach ($n in 'a', 'b', 'c') { $crop.Crop(0, 0, 16, 16, $n) | Export-HsiCube (Join-Path $src "$n.mat") }
        [IO.File]::WriteAllBytes((Join-Path $src 'b-bad.mat'), [byte[]](1..200))   # sorts between a and b
        Set-Content (Join-Path $out 'b.hsiinr') 'precious'                          # exists: not overwritten without -Force
    }

    It 'writes one error per failed file and archives every other one' {
        $err = $null
        $r = Get-ChildItem $src -Filter *.mat | Sort-Object Name | Import-HsiCube -ErrorAction SilentlyContinue -ErrorVariable +err |
            Compress-HsiCube -Codec PcaDct -Bpppb 2 -OutputDirectory $out -ErrorAction SilentlyContinue -ErrorVariable +err
        @($r.Name) | Should -Be @('a', 'c')
        @($err | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('HsiInr.UnknownFormat', 'HsiInr.OutputExists')
        $err[0].TargetObject | Should -BeLike '*b-bad.mat'
        Get-Content (Join-Path $out 'b.hsiinr') | Should -Be 'precious'
        (Get-ChildItem $out -Filter *.hsiinr | Test-HsiArchive | Where-Object Passed).Name | Should -Be @('a', 'c')
    }

    It 'goes on after a cube the codec cannot encode' {
        $err = $null
        $tiny = $crop.Crop(0, 0, 1, 1, 'tiny')   # far below PCA-DCT's smallest archive at 2 bpppb
        $r = $crop.Crop(0, 0, 16, 16, 'd'), $tiny, $crop.Crop(0, 0, 16, 16, 'e') |
            Compress-HsiCube -Codec PcaDct -Bpppb 2 -OutputDirectory $out -ErrorAction SilentlyContinue -ErrorVariable err
        @($r.Name) | Should -Be @('d', 'e')
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'HsiInr.InvalidArgument,*'
        $err[0].TargetObject | Should -Not -BeOfType [HsiInr.Core.Cube.HsiCube] -Because 'an error kept in $Error must not hold a whole cube'
        $err[0].TargetObject | Should -Be 'tiny'
    }
}

Describe 'Streaming memory' {
    It 'holds one cube at a time: live memory does not grow with the number of cubes' {
        $dir = Join-Path $TestDrive 'stream'
        # Live memory after each archive: the managed heap, and the native heap in use (glibc mallinfo2: what
        # libtorch and the runtime have allocated and not freed). The process's RSS is reported but not asserted:
        # glibc keeps freed pages in its per-thread arenas, so RSS rises over the first cubes and then levels off.
        $script = @"
Add-Type -TypeDefinition @'
using System.Runtime.InteropServices;
public static class NativeHeap {
    [StructLayout(LayoutKind.Sequential)] struct MallInfo2 { public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost; }
    [DllImport("libc", EntryPoint = "mallinfo2")] static extern MallInfo2 Get();
    public static long InUse() { var m = Get(); return (long)(m.Uordblks + m.Hblkhd); }
}
'@
`$src = Join-Path '$dir' 'data'; `$out = Join-Path '$dir' 'archive'
New-Item -ItemType Directory `$src, `$out | Out-Null
foreach (`$i in 1..5) { [HsiInr.Core.Cube.SyntheticCube]::Smooth(512, 512, 64, `$i, "s`$i") | Export-HsiCube (Join-Path `$src "s`$i.img") }
function Measure-Now { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    [pscustomobject]@{ Managed = [GC]::GetTotalMemory(`$true); Native = [NativeHeap]::InUse(); Rss = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64 } }
`$streamed = @(Get-ChildItem `$src -Filter *.hdr | Sort-Object Name | Import-HsiCube |
    Compress-HsiCube -Layers 2 -Width 16 -Iterations 2 -OutputDirectory `$out | ForEach-Object { Measure-Now })
# The probe's control: the same import with every cube kept, which must show up as growth.
`$kept = [Collections.Generic.List[object]]::new()
`$accumulated = @(Get-ChildItem `$src -Filter *.hdr | Sort-Object Name | Import-HsiCube | ForEach-Object { `$kept.Add(`$_); Measure-Now })
[pscustomobject]@{ Streamed = `$streamed; Accumulated = `$accumulated; Archives = @(Get-ChildItem `$out).Count } | ConvertTo-Json -Depth 4
"@
        $o = Join-Path $TestDrive 'stream.out'; $e = Join-Path $TestDrive 'stream.err'
        $r = Read-ChildJson (Start-ChildPwsh $script $o $e) $o $e
        $cubeBytes = 512 * 512 * 64 * 4   # 64 MiB of float samples per cube
        $r.Archives | Should -Be 5
        $managed = @($r.Streamed.Managed); $native = @($r.Streamed.Native); $rss = @($r.Streamed.Rss)
        $mb = { param($v) ($v | ForEach-Object { [math]::Round($_ / 1MB) }) -join ' ' }
        Write-Host "    MB after each cube: managed $(& $mb $managed); native in use $(& $mb $native); RSS $(& $mb $rss)"
        $managed.Count | Should -Be 5
        # Keeping each cube would add 4 × 64 MiB by the fifth; a leak of a quarter cube per cube would add 64 MiB.
        ($managed[-1] - $managed[0]) | Should -BeLessThan (0.25 * $cubeBytes)
        ($native[-1] - $native[0]) | Should -BeLessThan $cubeBytes
        ($managed | Measure-Object -Maximum).Maximum | Should -BeLessThan ($managed[0] + 0.5 * $cubeBytes)
        $acc = @($r.Accumulated.Managed)
        ($acc[-1] - $acc[0]) | Should -BeGreaterThan (3.5 * $cubeBytes) -Because 'keeping 4 more cubes must show in the probe'
    }
}

Describe 'Parallel use' {
    It 'compresses in ForEach-Object -Parallel runspaces, each archive identical to a sequential one' {
        $out = Join-Path $TestDrive 'par'
        New-Item -ItemType Directory $out | Out-Null
        $reference = $crop | Compress-HsiCube @fast -Seed 5 -OutFile (Join-Path $TestDrive 'seq.hsiinr')
        $module = $env:HSIINR_MODULE
        $r = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            $c = ($using:crop).Crop(0, 0, 24, 24, "par$_")
            $f = $using:fast
            $c | Compress-HsiCube @f -Seed 5 -OutputDirectory $using:out
        }
        @($r.Name | Sort-Object) | Should -Be @('par1', 'par2', 'par3', 'par4')
        $seq = [IO.File]::ReadAllBytes($reference.Path)
        foreach ($a in $r) {
            # Same cube, same seed: only the stored name differs, so the rates and PSNR must match exactly.
            $a.Bytes | Should -Be $seq.Length
            $a.Psnr | Should -Be $reference.Psnr
            (Test-HsiArchive -LiteralPath $a.Path -Reference $crop -MinimumPsnr ($reference.Psnr - 1e-6)).Passed | Should -BeTrue
        }
    }

    It 'runs in parallel processes writing to one folder; two racing for one name give one archive and one OutputExists' {
        $out = Join-Path $TestDrive 'procs'
        New-Item -ItemType Directory $out | Out-Null
        $cubePath = Join-Path $TestDrive 'crop.mat'
        $crop | Export-HsiCube $cubePath
        $procs = foreach ($name in 'x', 'same', 'same') {
            $s = "`$ErrorActionPreference = 'Continue'; Import-HsiCube -LiteralPath '$cubePath' | Compress-HsiCube -Codec PcaDct -Bpppb 2 -OutFile (Join-Path '$out' '$name.hsiinr') 2>&1 | ForEach-Object { if (`$_ -is [Management.Automation.ErrorRecord]) { 'ERROR ' + `$_.FullyQualifiedErrorId } else { 'OK ' + `$_.Path } }"
            $i = [guid]::NewGuid()
            [pscustomobject]@{ Out = Join-Path $TestDrive "$i.out"; Process = Start-ChildPwsh $s (Join-Path $TestDrive "$i.out") (Join-Path $TestDrive "$i.err") -NoWait }
        }
        $procs.Process | ForEach-Object { $_.WaitForExit() }
        $lines = $procs | ForEach-Object { Get-Content $_.Out }
        @($lines | Where-Object { $_ -like 'OK *' }).Count | Should -Be 2
        @($lines | Where-Object { $_ -like 'ERROR HsiInr.OutputExists,*' }).Count | Should -Be 1
        @(Get-ChildItem $out -Force).Name | Sort-Object | Should -Be @('same.hsiinr', 'x.hsiinr')
        (Get-ChildItem $out | Test-HsiArchive -Reference $crop -MinimumPsnr 20).Passed | Should -Be @($true, $true)
    }
}

Describe 'Killing pwsh in the middle of a write' {
    It 'leaves no file under the target name, and the next write removes the temp file it left' {
        $dir = Join-Path $TestDrive 'kill'
        New-Item -ItemType Directory $dir | Out-Null
        $target = Join-Path $dir 'big.mat'
        # A compressed MAT of 512×512×256 samples takes seconds to write (the temp file is created first, then
        # the samples are deflated and written): a wide window to kill the writer in.
        $s = "[HsiInr.Core.Cube.SyntheticCube]::Smooth(512, 512, 256, 3, 'big') | Export-HsiCube -LiteralPath '$target'"
        $p = Start-ChildPwsh $s (Join-Path $TestDrive 'kill.out') (Join-Path $TestDrive 'kill.err') -NoWait
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        $temp = $null
        while (-not $p.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $temp = Get-ChildItem $dir -Force -Filter '.big.mat~hsiinr-*.tmp'
            if ($temp) { break }
            Start-Sleep -Milliseconds 20
        }
        $temp | Should -Not -BeNullOrEmpty -Because 'the child should be writing its temp file'
        $p.HasExited | Should -BeFalse
        $p.Kill()   # SIGKILL: no finally block, no cleanup
        $p.WaitForExit()
        $p.ExitCode | Should -Be 137
        Test-Path -LiteralPath $target | Should -BeFalse
        $left = @(Get-ChildItem $dir -Force)
        $left.Count | Should -Be 1
        $left[0].Name | Should -Match "^\.big\.mat~hsiinr-$($p.Id)-[0-9a-f]{12}\.tmp$"

        # Once it has been idle for longer than AtomicFile.StaleAfter, the next write of big.mat removes it.
        $left[0].LastWriteTimeUtc = [DateTime]::UtcNow.AddMinutes(-11)
        $crop | Export-HsiCube -LiteralPath $target
        @(Get-ChildItem $dir -Force).Name | Should -Be @('big.mat')
        (Import-HsiCube -LiteralPath $target).Shape | Should -Be $crop.Shape
    }
}
