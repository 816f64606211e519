@{
    RootModule           = 'HsiInr.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3b9f5a0e-6c2d-4e8a-9d7b-1f4c2a6e8b10'
    Author               = 'HsiInr contributors'
    CompanyName          = 'HsiInr'
    Copyright            = '(c) HsiInr contributors. MIT License.'
    Description          = 'Hyperspectral image cube compression with implicit neural representations (SIREN), with readers for MAT v5, MAT v7.3 and ENVI files.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.6'
    FormatsToProcess     = @('HsiInr.Format.ps1xml')
    CmdletsToExport      = @(
        'Import-HsiCube'
        'Export-HsiCube'
        'Compress-HsiCube'
        'Expand-HsiCube'
        'Measure-HsiPsnr'
        'Get-HsiArchiveInfo'
        'Test-HsiArchive'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Hyperspectral', 'Compression', 'INR', 'SIREN', 'RemoteSensing', 'Linux')
            ProjectUri = 'https://example.invalid/hsiinr'
        }
    }
}
