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
