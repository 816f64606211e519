<#
.SYNOPSIS
    The one entry point for building, testing, demonstrating and benchmarking HsiInr.
.DESCRIPTION
    Build  publishes the module into out/HsiInr (manifest, assemblies, libtorch native files, format and help files)
           and checks that every copy of libLibTorchSharp.so the build made carries the GLIBCXX weak-version fix.
    Test   builds, runs the xunit suite (HsiInr.Core) and the Pester suite (the built module, in a fresh pwsh) and
           prints one final line "N passed, N failed" summed over both; exits non-zero on any failure.
    Demo   builds, then imports the bundled sample cube and compresses, expands and measures it.
    Bench  builds, then runs the benchmarks under bench/ (see bench/README.md); results go to bench/results/.
    Fuzz   builds, then runs the mutation fuzzer tests/HsiInr.Fuzz on the archive decoder and the MAT v5, MAT v7.3
           and ENVI readers (one core, each case in a child process); results go to bench/results/fuzz.{json,md}
           and failing inputs to out/fuzz-findings/. Exits non-zero on any finding, crash or hang.
    Clean  removes out/ and every bin/ and obj/ folder.
.PARAMETER Backend
    Cpu (default) uses libtorch-cpu-linux-x64. Cuda switches to libtorch-cuda-12.8-linux-x64, which must be served by
    your NuGet source; the build stops with a clear message when it is not.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Fuzz', 'Clean')]
    [string]$Task = 'Build',
    [ValidateSet('Cpu', 'Cuda')]
    [string]$Backend = 'Cpu',
    [ValidateSet('Release', 'Debug')]
    [string]$Configuration = 'Release',
    # Command-line arguments for the benchmark console bench/HsiInr.Bench (see bench/README.md): a string array inside
    # PowerShell (-BenchArgs '--suite','paper'), or one string split at spaces, which also works through
    # "dotnet pwsh ./build.ps1 -Task Bench -BenchArgs '--suite paper --rates 0.1'" from another shell.
    [string[]]$BenchArgs = @(),
    # Arguments for the fuzzer tests/HsiInr.Fuzz, passed like -BenchArgs: e.g. '--archives 10000 --files 1000'
    # (the defaults), '--seed 7', '--targets envi'. Its usage text: dotnet tests/HsiInr.Fuzz/bin/Release/net10.0/linux-x64/HsiInr.Fuzz.dll --help
    [string[]]$FuzzArgs = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/HsiInr'

function Invoke-Native([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

# True when the GLIBCXX_3.4.32 version requirement of an ELF64 file is marked WEAK (flag 2 in its Vernaux entry).
function Test-GlibcxxWeak([string]$Path) {
    $b = [IO.File]::ReadAllBytes($Path)
    $u16 = { param($o) [BitConverter]::ToUInt16($b, $o) }
    $u32 = { param($o) [BitConverter]::ToUInt32($b, $o) }
    $shoff = [int][BitConverter]::ToUInt64($b, 0x28); $size = & $u16 0x3A; $count = & $u16 0x3C
    for ($i = 0; $i -lt $count; $i++) {
        $s = $shoff + $i * $size
        if ((& $u32 ($s + 4)) -ne 0x6ffffffe) { continue }
        $strtab = [int][BitConverter]::ToUInt64($b, $shoff + (& $u32 ($s + 0x28)) * $size + 0x18)
        $n = [int][BitConverter]::ToUInt64($b, $s + 0x18)
        for ($k = 0; $k -lt (& $u32 ($s + 0x2C)); $k++) {
            $aux = $n + (& $u32 ($n + 8))
            for ($a = 0; $a -lt (& $u16 ($n + 2)); $a++) {
                $p = $strtab + (& $u32 ($aux + 8)); $e = $p; while ($b[$e] -ne 0) { $e++ }
                if ([Text.Encoding]::ASCII.GetString($b, $p, $e - $p) -eq 'GLIBCXX_3.4.32') { return ((& $u16 ($aux + 4)) -band 2) -ne 0 }
                $aux += & $u32 ($aux + 12)
            }
            $n += & $u32 ($n + 12)
        }
    }
    return $true   # no such requirement: nothing to fix
}

# OpenJPEG's command-line tools serve the JPEG2000 baselines (and their tests). Installed from Debian's packages
# when missing and this user may (root, or sudo without a password); otherwise a warning says how.
function Install-Prerequisites {
    if (Get-Command opj_compress -ErrorAction Ignore) { return }
    $runner = if ((id -u) -eq '0') { 'apt-get' } elseif (Get-Command sudo -ErrorAction Ignore) { 'sudo' } else { $null }
    if ($null -eq $runner -or -not (Get-Command apt-get -ErrorAction Ignore)) {
        Write-Warning 'opj_compress (OpenJPEG) is missing: the JPEG2000 codecs and their tests need it. Install it with: sudo apt-get install libopenjp2-tools'
        return
    }
    $prefix = if ($runner -eq 'sudo') { @('-n', 'apt-get') } else { @() }
    Write-Host '==> installing libopenjp2-tools (OpenJPEG) for the JPEG2000 codecs'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & $runner @prefix update -qq | Out-Null
    & $runner @prefix install -y -qq libopenjp2-tools | Out-Null
    if (-not (Get-Command opj_compress -ErrorAction Ignore)) { Write-Warning 'Installing libopenjp2-tools failed; the JPEG2000 codecs will not work.' }
}

function Invoke-Build {
    $props = @("-p:HsiInrBackend=$Backend")
    Write-Host "==> restore ($Backend backend)"
    & dotnet restore (Join-Path $root 'HsiInr.slnx') @props
    if ($LASTEXITCODE -ne 0) {
        if ($Backend -eq 'Cuda') {
            throw "The CUDA backend needs the NuGet package 'libtorch-cuda-12.8-linux-x64' 2.10.0, which your NuGet source did not serve. Add a source that has it (nuget.org does) or build with -Backend Cpu."
        }
        throw 'dotnet restore failed.'
    }
    Invoke-Native 'restore of build tools' { dotnet restore (Join-Path $root 'build/BuildTools.csproj') --verbosity quiet }

    Write-Host '==> build'
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $root 'HsiInr.slnx') -c $Configuration --no-restore @props -nologo -clp:NoSummary }

    Write-Host "==> publish module to $moduleDir"
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $root 'HsiInr.PowerShell/HsiInr.PowerShell.csproj') -c $Configuration --no-restore --no-build @props -o $moduleDir -nologo
    }

    Write-Host '==> help (docs/help/*.md -> en-US/HsiInr.dll-Help.xml)'
    $code = Invoke-ChildPwsh @('-File', (Join-Path $root 'build/New-HelpXml.ps1'), '-ModuleDir', $moduleDir, '-SourceDir', (Join-Path $root 'docs/help'))
    if ($code -ne 0) { throw "Generating the cmdlet help failed (exit code $code)." }

    foreach ($required in 'HsiInr.psd1', 'HsiInr.dll', 'HsiInr.Core.dll', 'HsiInr.Format.ps1xml', 'TorchSharp.dll', 'libtorch_cpu.so', 'libLibTorchSharp.so', 'en-US/HsiInr.dll-Help.xml') {
        if (-not (Test-Path (Join-Path $moduleDir $required))) { throw "The module folder lacks $required." }
    }
    # Every copy of libLibTorchSharp.so the build made must be patched, or TorchSharp fails to load on Debian 12.
    $copies = @(Get-ChildItem $root -Recurse -Filter 'libLibTorchSharp.so' -File |
            Where-Object { $_.FullName -match '[\\/](out|bin)[\\/]' })
    $unpatched = @($copies | Where-Object { -not (Test-GlibcxxWeak $_.FullName) })
    if ($unpatched) { throw "Unpatched libLibTorchSharp.so (GLIBCXX_3.4.32 not weak): $($unpatched.FullName -join ', ')" }
    Write-Host "==> module ready: $moduleDir ($($copies.Count) libLibTorchSharp.so copies checked, all patched)"
}

# Child pwsh processes get hugetlb-backed malloc: large training steps then stop page-faulting (see docs/performance.md).
function Invoke-ChildPwsh([string[]]$Arguments) {
    $env:GLIBC_TUNABLES = 'glibc.malloc.hugetlb=1'
    try { & dotnet pwsh -NoProfile -NonInteractive @Arguments | Out-Host } finally { Remove-Item Env:GLIBC_TUNABLES -ErrorAction Ignore }
    return $LASTEXITCODE
}

function Invoke-Test {
    Install-Prerequisites
    Invoke-Build
    $results = Join-Path $root 'out/test-results'
    New-Item -ItemType Directory -Force $results | Out-Null
    Remove-Item (Join-Path $results '*') -Recurse -Force -ErrorAction Ignore

    Write-Host '==> xunit (HsiInr.Core)'
    $env:GLIBC_TUNABLES = 'glibc.malloc.hugetlb=1'
    & dotnet test (Join-Path $root 'tests/HsiInr.Core.Tests/HsiInr.Core.Tests.csproj') -c $Configuration --no-build `
        --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=normal' --results-directory $results
    Remove-Item Env:GLIBC_TUNABLES
    $xunit = @{ Passed = 0; Failed = 0; Skipped = 0 }
    $trx = Join-Path $results 'core.trx'
    if (Test-Path $trx) {
        $c = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
        # Skipped tests are in neither passed nor failed: total − executed.
        $xunit = @{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; Skipped = [int]$c.total - [int]$c.executed }
        if ([int]$c.total -eq 0) { $xunit.Failed++ }
    }
    else { $xunit.Failed = 1; Write-Warning 'xunit produced no results file: counted as one failure.' }

    Write-Host '==> Pester (built module, fresh pwsh)'
    $summary = Join-Path $results 'pester.json'
    $null = Invoke-ChildPwsh @('-File', (Join-Path $root 'tests/Invoke-PesterSuite.ps1'), '-ModulePath', (Join-Path $moduleDir 'HsiInr.psd1'), '-SummaryPath', $summary)
    $pester = @{ Passed = 0; Failed = 1; Skipped = 0 }
    if (Test-Path $summary) { $pester = Get-Content $summary -Raw | ConvertFrom-Json -AsHashtable }
    else { Write-Warning 'Pester produced no summary: counted as one failure.' }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    Write-Output "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $code = Invoke-ChildPwsh @('-File', (Join-Path $root 'samples/Invoke-Demo.ps1'), '-ModulePath', (Join-Path $moduleDir 'HsiInr.psd1'))
    if ($code -ne 0) { throw "The demo failed (exit code $code)." }
}

# The solution build includes bench/HsiInr.Bench; its dll runs each point in a child process of its own (which sets
# GLIBC_TUNABLES itself) and writes bench/results/.
function Invoke-Bench {
    Install-Prerequisites
    Invoke-Build
    $dll = Join-Path $root "bench/HsiInr.Bench/bin/$Configuration/net10.0/linux-x64/HsiInr.Bench.dll"
    if (-not (Test-Path $dll)) { throw "The build did not produce $dll." }
    $cliArgs = if ($BenchArgs.Count -eq 1) { -split $BenchArgs[0] } else { $BenchArgs }
    Write-Host "==> bench: dotnet $dll $($cliArgs -join ' ')"
    & dotnet $dll @cliArgs
    if ($LASTEXITCODE -ne 0) { throw "The benchmark failed (exit code $LASTEXITCODE; failed points are recorded with an 'error' field)." }
}

# The fuzzer runs every case in a child process of its own dll, so a native crash or a hang is caught and narrowed
# to one saved input.
function Invoke-Fuzz {
    Install-Prerequisites
    Invoke-Build
    $dll = Join-Path $root "tests/HsiInr.Fuzz/bin/$Configuration/net10.0/linux-x64/HsiInr.Fuzz.dll"
    if (-not (Test-Path $dll)) { throw "The build did not produce $dll." }
    $cliArgs = if ($FuzzArgs.Count -eq 1) { -split $FuzzArgs[0] } else { $FuzzArgs }
    Write-Host "==> fuzz: dotnet $dll run $($cliArgs -join ' ')"
    & dotnet $dll run @cliArgs
    if ($LASTEXITCODE -ne 0) { throw "Fuzzing found failures (exit code $LASTEXITCODE); see bench/results/fuzz.md and out/fuzz-findings/." }
}

function Invoke-Clean {
    Remove-Item (Join-Path $root 'out') -Recurse -Force -ErrorAction Ignore
    Get-ChildItem $root -Recurse -Directory -Include bin, obj | Where-Object { $_.FullName -notmatch '[\\/]\.git[\\/]' } |
        Remove-Item -Recurse -Force
    Write-Host 'clean.'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Fuzz' { Invoke-Fuzz }
    'Clean' { Invoke-Clean }
}
