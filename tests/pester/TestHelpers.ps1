# Shared by the Pester suites (dot-sourced in BeforeAll).

# The FullyQualifiedErrorId of the first error a command writes or throws (Pester runs tests with Stop).
function Get-ErrorId([scriptblock]$Command) {
    $ErrorActionPreference = 'Continue'
    $errors = @()
    try { & $Command 2>&1 | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $errors += $_ } } }
    catch { $errors += $_ }
    @($errors)[0].FullyQualifiedErrorId
}

# The bundled sample cube's path (samples/ at the repository root).
function Get-SamplePath {
    (Get-ChildItem (Join-Path $PSScriptRoot '../../samples') -Filter '*.mat' | Select-Object -First 1).FullName
}

# How to start a child pwsh like this one: the executable and the arguments that come before pwsh's own.
# Under 'dotnet pwsh' (a local .NET tool) the process is dotnet and pwsh.dll is its first argument.
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { return $exe, @((Join-Path $PSHOME 'pwsh.dll')) }
    return $exe, @()
}

# Runs a script block's text in a child pwsh that has imported the module under test; returns its exit code.
# Output and errors go to the files named (the caller reads them); -Wait:$false returns the Process instead.
function Start-ChildPwsh([string]$Script, [string]$OutFile, [string]$ErrFile, [switch]$NoWait) {
    $exe, $prefix = Get-PwshCommand
    $full = "`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'; Import-Module '$($env:HSIINR_MODULE -replace "'", "''")'`n$Script"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
    $p = Start-Process -FilePath $exe -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) `
        -RedirectStandardOutput $OutFile -RedirectStandardError $ErrFile -PassThru
    if ($NoWait) { return $p }
    $p.WaitForExit()
    return $p.ExitCode
}
