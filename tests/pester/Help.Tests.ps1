# Get-Help must show real, complete help for every exported cmdlet: the text comes from docs/help/*.md through
# build/New-HelpXml.ps1 into en-US/HsiInr.dll-Help.xml. Without that file PowerShell falls back to a synopsis that is
# only the syntax, no description, no examples and no parameter descriptions, which these tests reject.

BeforeDiscovery {
    Import-Module $env:HSIINR_MODULE -Force
    $commands = @(Get-Command -Module HsiInr -CommandType Cmdlet, Function | ForEach-Object {
            $cmd = $_
            @{
                Name       = $cmd.Name
                Parameters = @($cmd.Parameters.Keys | Where-Object {
                        $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and
                        $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
                    } | ForEach-Object { @{ Command = $cmd.Name; Parameter = $_ } })
            }
        })
}

BeforeAll {
    Import-Module $env:HSIINR_MODULE -Force
}

Describe 'Get-Help <Name>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $Name -Full
    }

    It 'has a written synopsis, not the generated syntax' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match "^$([regex]::Escape($Name))(\s|$)"
        $synopsis.Length | Should -BeGreaterThan 20
    }

    It 'has a description' {
        $text = (@($help.description) | ForEach-Object Text) -join ' '
        $text.Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($e in $examples) {
            "$($e.code)".Trim() | Should -Not -BeNullOrEmpty -Because "example '$($e.title)' must show code"
        }
        @($examples | Where-Object { "$($_.code)" -match [regex]::Escape($Name) }).Count |
            Should -BeGreaterThan 0 -Because 'an example should use the cmdlet'
    }

    It 'describes parameter -<Parameter>' -ForEach $Parameters {
        $p = Get-Help $Command -Parameter $Parameter
        $p | Should -Not -BeNullOrEmpty
        $text = (@($p.description) | ForEach-Object Text) -join ' '
        $text.Trim() | Should -Not -BeNullOrEmpty -Because "-$Parameter of $Command needs a description"
    }
}
