<#
.SYNOPSIS
    Builds the module's external help (MAML) from docs/help/*.md and the cmdlets' own metadata.
.DESCRIPTION
    Imports the published module from -ModuleDir, reads every exported cmdlet with Get-Command (parameter sets,
    types, Mandatory, Position, pipeline input, wildcard support, aliases, [OutputType]) and the default values of
    its parameters (from a fresh instance of the cmdlet class), merges them with the text of
    -SourceDir/<Cmdlet-Name>.md (a platyPS-like layout: SYNOPSIS, SYNTAX (optional), DESCRIPTION, EXAMPLES,
    PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS) and writes -ModuleDir/en-US/HsiInr.dll-Help.xml, the file
    Get-Help looks for when the root module is HsiInr.dll.

    Metadata always comes from the cmdlets, so it cannot go stale; the text must keep up with them. The script
    throws (exit code 1 under pwsh -File), naming every problem at once, when:
      - an exported cmdlet has no markdown file, or a markdown file names no exported cmdlet;
      - the markdown lacks a SYNOPSIS, a DESCRIPTION, or an example with code;
      - a parameter (other than the common parameters, -WhatIf and -Confirm) has no description;
      - the markdown documents a parameter the cmdlet does not have;
      - OUTPUTS does not name every [OutputType] of the cmdlet;
      - a SYNTAX section is present but differs from the cmdlet's actual syntax.
    It runs in a child pwsh (it imports the binary module, which cannot be unloaded afterwards).
.EXAMPLE
    dotnet pwsh -NoProfile -NonInteractive -File build/New-HelpXml.ps1 -ModuleDir out/HsiInr -SourceDir docs/help
#>
param(
    [Parameter(Mandatory)][string]$ModuleDir,
    [Parameter(Mandatory)][string]$SourceDir
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModuleDir = (Resolve-Path -LiteralPath $ModuleDir).ProviderPath
$SourceDir = (Resolve-Path -LiteralPath $SourceDir).ProviderPath
$manifest = Join-Path $ModuleDir 'HsiInr.psd1'
if (-not (Test-Path -LiteralPath $manifest)) { throw "New-HelpXml: no module manifest at $manifest." }
$module = Import-Module $manifest -Force -PassThru
$rootModule = (Import-PowerShellDataFile $manifest).RootModule
$helpFileName = [IO.Path]::GetFileName($rootModule) + '-Help.xml'

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$skipped = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
foreach ($p in [System.Management.Automation.PSCmdlet]::CommonParameters) { $null = $skipped.Add($p) }
foreach ($p in [System.Management.Automation.PSCmdlet]::OptionalCommonParameters) { $null = $skipped.Add($p) }
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region Markdown

# Splits markdown text into paragraphs: runs of non-blank lines (joined with spaces), list items (each its own
# paragraph) and fenced code blocks (kept verbatim).
function ConvertTo-Paragraph([string[]]$Lines) {
    $paras = [Collections.Generic.List[string]]::new()
    $buf = [Collections.Generic.List[string]]::new()
    $fence = $null
    $flush = { if ($buf.Count) { $paras.Add(($buf -join ' ').Trim()); $buf.Clear() } }
    foreach ($line in $Lines) {
        if ($null -ne $fence) {
            if ($line -match '^\s*```\s*$') { $paras.Add(($fence -join "`n")); $fence = $null }
            else { $fence.Add($line) }
            continue
        }
        if ($line -match '^\s*```') { & $flush; $fence = [Collections.Generic.List[string]]::new(); continue }
        if ($line -match '^\s*$') { & $flush; continue }
        if ($line -match '^\s*([-*+]|\d+\.)\s+') { & $flush }
        $buf.Add($line.Trim())
    }
    & $flush
    if ($null -ne $fence) { $paras.Add(($fence -join "`n")) }
    return $paras.ToArray() | Where-Object { $_ -ne '' }
}

# Splits lines at headings of one level (outside code fences) into [ordered] heading text -> lines.
function Split-Section([string[]]$Lines, [int]$Level) {
    $marker = '#' * $Level
    $result = [ordered]@{}
    $lead = [Collections.Generic.List[string]]::new()
    $current = $lead
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match "^$marker\s+(.+?)\s*#*\s*$" -and $line -notmatch "^$marker#") {
            $current = [Collections.Generic.List[string]]::new()
            $key = $Matches[1].Trim()
            if ($result.Contains($key)) { $key = "$key`0$($result.Count)" }   # duplicate heading: keep both
            $result[$key] = $current
            continue
        }
        $current.Add($line)
    }
    return @{ Lead = $lead.ToArray(); Sections = $result }
}

function Read-HelpMarkdown([string]$Path) {
    $lines = (Get-Content -LiteralPath $Path -Encoding utf8) -replace "`r$", ''
    if ($lines.Count -and $lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        if ($end -gt 0) { $lines = $lines[($end + 1)..($lines.Count - 1)] }
    }
    $top = Split-Section $lines 1
    $doc = [ordered]@{ Title = $null; Sections = @{} }
    if ($top.Sections.Count) {
        $doc.Title = @($top.Sections.Keys)[0]
        $body = Split-Section ([string[]]@($top.Sections[0])) 2
        foreach ($k in $body.Sections.Keys) { $doc.Sections[$k.ToUpperInvariant()] = [string[]]@($body.Sections[$k]) }
    }
    $s = $doc.Sections
    $get = { param($name) if ($s.ContainsKey($name)) { $s[$name] } else { [string[]]@() } }

    $doc.Synopsis = @(ConvertTo-Paragraph (& $get 'SYNOPSIS'))
    $doc.Description = @(ConvertTo-Paragraph (& $get 'DESCRIPTION'))
    $doc.Notes = @(ConvertTo-Paragraph (& $get 'NOTES'))
    $doc.HasSyntax = $s.ContainsKey('SYNTAX')
    $doc.Syntax = @(ConvertTo-Paragraph (& $get 'SYNTAX') | ForEach-Object { $_ -split "`n" } |
            Where-Object { $_ -match '\S' } | ForEach-Object { ($_ -replace '\s+', ' ').Trim() })

    $doc.Examples = [Collections.Generic.List[object]]::new()
    $ex = Split-Section ([string[]](& $get 'EXAMPLES')) 3
    foreach ($title in $ex.Sections.Keys) {
        $code = $null; $before = [Collections.Generic.List[string]]::new(); $after = [Collections.Generic.List[string]]::new()
        $fence = $null
        foreach ($line in $ex.Sections[$title]) {
            if ($null -ne $fence) {
                if ($line -match '^\s*```\s*$') { if ($null -eq $code) { $code = ($fence -join "`n").TrimEnd() } else { $after.Add('```'); $after.AddRange($fence); $after.Add('```') }; $fence = $null }
                else { $fence.Add($line) }
                continue
            }
            if ($line -match '^\s*```') { $fence = [Collections.Generic.List[string]]::new(); continue }
            if ($null -eq $code) { $before.Add($line) } else { $after.Add($line) }
        }
        $doc.Examples.Add([pscustomobject]@{
                Title   = ($title -split "`0")[0]
                Code    = $code
                Remarks = @(ConvertTo-Paragraph $before) + @(ConvertTo-Paragraph $after)
            })
    }

    $doc.Parameters = [ordered]@{}
    $doc.ParameterIssues = [Collections.Generic.List[string]]::new()
    $ps = Split-Section (& $get 'PARAMETERS') 3
    foreach ($h in $ps.Sections.Keys) {
        $name = ($h -split "`0")[0]
        if ($name -eq 'CommonParameters') { continue }
        if ($name -notmatch '^-(\w+)$') { $doc.ParameterIssues.Add("PARAMETERS heading '### $name' is not of the form '### -Name'"); continue }
        if ($doc.Parameters.Contains($Matches[1])) { $doc.ParameterIssues.Add("parameter -$($Matches[1]) is documented twice"); continue }
        # Paragraphs other than fenced blocks (a platyPS yaml block, say) are the description.
        $doc.Parameters[$Matches[1]] = @(Remove-Fenced ([string[]]@($ps.Sections[$h])))
    }

    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        $items = [Collections.Generic.List[object]]::new()
        $io = Split-Section (& $get $kind) 3
        $lead = @(ConvertTo-Paragraph $io.Lead)
        if ($lead.Count) {
            # Plain text without ### headings: a first line that is a bare type name (or None) names the type.
            $first, $rest = $lead
            if ($first -match '^[\w.\[\]`,]+$') { $items.Add([pscustomobject]@{ Type = $first; Text = @($rest | Where-Object { $_ }) }) }
            else { $items.Add([pscustomobject]@{ Type = 'None'; Text = $lead }) }
        }
        foreach ($t in $io.Sections.Keys) { $items.Add([pscustomobject]@{ Type = ($t -split "`0")[0]; Text = @(ConvertTo-Paragraph ([string[]]@($io.Sections[$t]))) }) }
        $doc[$kind] = $items
    }

    $doc.Links = [Collections.Generic.List[object]]::new()
    foreach ($line in (& $get 'RELATED LINKS')) {
        if ($line -match '^\s*\[([^\]]+)\]\(([^)]*)\)') { $doc.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
        elseif ($line -match '\S') { $doc.Links.Add([pscustomobject]@{ Text = $line.Trim(); Uri = '' }) }
    }
    return $doc
}

# The description paragraphs of a parameter section: fenced blocks (such as a platyPS yaml block) are metadata,
# which comes from the cmdlet itself, so they are dropped.
function Remove-Fenced([string[]]$Lines) {
    $keep = [Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence; continue }
        if (-not $inFence) { $keep.Add($line) }
    }
    return ConvertTo-Paragraph $keep.ToArray()
}

#endregion

#region Cmdlet metadata

function Get-TypeDisplayName([type]$Type) {
    $u = [Nullable]::GetUnderlyingType($Type)
    if ($u) { $Type = $u }
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    return $Type.Name
}

function Get-TypeFullName([type]$Type) {
    $u = [Nullable]::GetUnderlyingType($Type)
    if ($u) { $Type = $u }
    return $Type.FullName
}

function Get-EnumValue([type]$Type) {
    $u = [Nullable]::GetUnderlyingType($Type)
    if ($u) { $Type = $u }
    if ($Type.IsArray) { $Type = $Type.GetElementType() }
    if ($Type.IsEnum) { return [Enum]::GetNames($Type) }
    return @()
}

# Default values as a fresh cmdlet instance holds them; type defaults (0, '', empty arrays, $null) mean "not given".
function Get-DefaultValue([System.Management.Automation.CmdletInfo]$Cmd) {
    $defaults = @{}
    try { $instance = [Activator]::CreateInstance($Cmd.ImplementingType) } catch { return $defaults }
    foreach ($p in $Cmd.Parameters.Values) {
        if ($p.SwitchParameter) { $defaults[$p.Name] = 'False'; continue }
        $prop = $Cmd.ImplementingType.GetProperty($p.Name)
        if (-not $prop -or -not $prop.CanRead) { continue }
        $v = $prop.GetValue($instance)
        $t = $prop.PropertyType
        if ($null -eq $v -or ($v -is [string] -and $v -eq '') -or ($v -is [Array] -and $v.Length -eq 0)) { continue }
        if ($t.IsValueType -and -not $t.IsEnum -and $v -eq [Activator]::CreateInstance($t)) { continue }
        $defaults[$p.Name] = if ($v -is [double] -or $v -is [single]) { $v.ToString('R', [cultureinfo]::InvariantCulture) } else { [string]$v }
    }
    return $defaults
}

# One parameter across all parameter sets (for the PARAMETERS list), or in one set (for a syntax item).
function Get-ParameterFact([System.Management.Automation.ParameterMetadata]$Meta, $SetParams) {
    $inSets = @($SetParams)
    $byValue = @($inSets | Where-Object ValueFromPipeline).Count -gt 0
    $byName = @($inSets | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    $positions = @($inSets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
    $globbing = @($Meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
    [pscustomobject]@{
        Name     = $Meta.Name
        Type     = $Meta.ParameterType
        Required = @($inSets).Count -gt 0 -and @($inSets | Where-Object { -not $_.IsMandatory }).Count -eq 0
        Position = if ($positions.Count) { [string]$positions[0] } else { 'named' }
        Pipeline = $pipeline
        Globbing = $globbing
        Aliases  = if ($Meta.Aliases.Count) { $Meta.Aliases -join ', ' } else { 'none' }
        IsSwitch = $Meta.SwitchParameter
        Variable = $Meta.ParameterType.IsArray
    }
}

#endregion

#region MAML writer

function Write-Para([System.Xml.XmlWriter]$W, [string[]]$Paragraphs) {
    foreach ($p in $Paragraphs) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
}

function Write-Description([System.Xml.XmlWriter]$W, [string[]]$Paragraphs) {
    $W.WriteStartElement('maml', 'description', $ns.maml)
    Write-Para $W $Paragraphs
    $W.WriteEndElement()
}

function Write-DevType([System.Xml.XmlWriter]$W, [string]$Name) {
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $Name)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter]$W, $Fact, [string[]]$Text, [string]$Default, [bool]$InSyntax) {
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Fact.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', $Fact.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Fact.Pipeline)
    $W.WriteAttributeString('position', $Fact.Position)
    $W.WriteAttributeString('aliases', $Fact.Aliases)
    $W.WriteElementString('maml', 'name', $ns.maml, $Fact.Name)
    Write-Description $W $Text
    $enum = @(Get-EnumValue $Fact.Type)
    if ($InSyntax -and $enum.Count) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $enum) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $Fact.IsSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', (-not $Fact.IsSwitch).ToString().ToLowerInvariant())
        $W.WriteAttributeString('variableLength', $Fact.Variable.ToString().ToLowerInvariant())
        $W.WriteString((Get-TypeDisplayName $Fact.Type))
        $W.WriteEndElement()
    }
    Write-DevType $W (Get-TypeFullName $Fact.Type)
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($Default) { $Default } else { 'None' }))
    $W.WriteEndElement()
}

#endregion

$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
if (-not $commands) { throw "New-HelpXml: the module at $manifest exports no cmdlets." }
$problems = [Collections.Generic.List[string]]::new()
$docs = @{}

$mdFiles = @(Get-ChildItem -LiteralPath $SourceDir -Filter '*.md' -File)
foreach ($f in $mdFiles) {
    if ($commands.Name -notcontains $f.BaseName) { $problems.Add("$($f.Name): no exported cmdlet is named '$($f.BaseName)'.") }
}

foreach ($cmd in $commands) {
    $file = Join-Path $SourceDir "$($cmd.Name).md"
    if (-not (Test-Path -LiteralPath $file)) { $problems.Add("$($cmd.Name): no help markdown file ($([IO.Path]::GetFileName($file)) in $SourceDir)."); continue }
    $doc = Read-HelpMarkdown $file
    $where = "$($cmd.Name) ($([IO.Path]::GetFileName($file)))"
    if ($doc.Title -ne $cmd.Name) { $problems.Add("${where}: the '# ' title is '$($doc.Title)', not '$($cmd.Name)'.") }
    if (-not $doc.Synopsis.Count) { $problems.Add("${where}: SYNOPSIS is missing or empty.") }
    if (-not $doc.Description.Count) { $problems.Add("${where}: DESCRIPTION is missing or empty.") }
    if (-not @($doc.Examples | Where-Object { $_.Code -match '\S' }).Count) { $problems.Add("${where}: EXAMPLES has no '### Example' with a code block.") }
    foreach ($e in $doc.Examples) { if ($e.Code -notmatch '\S') { $problems.Add("${where}: example '$($e.Title)' has no code block.") } }
    foreach ($i in $doc.ParameterIssues) { $problems.Add("${where}: $i.") }

    $actual = @($cmd.Parameters.Keys | Where-Object { -not $skipped.Contains($_) -or $_ -in $shouldProcessText.Keys })
    foreach ($name in $actual) {
        if (-not $doc.Parameters.Contains($name) -and $name -notin $shouldProcessText.Keys) {
            $problems.Add("${where}: parameter -$name has no '### -$name' description under PARAMETERS.")
        }
        elseif ($doc.Parameters.Contains($name) -and -not @($doc.Parameters[$name]).Count) {
            $problems.Add("${where}: the description of parameter -$name is empty.")
        }
    }
    foreach ($name in $doc.Parameters.Keys) {
        if ($actual -notcontains $name) {
            $why = if ($skipped.Contains($name) -and $name -notin $shouldProcessText.Keys) { 'is a common parameter (PowerShell documents those)' } else { 'the cmdlet does not have' }
            $problems.Add("${where}: PARAMETERS documents -$name, which $why.")
        }
        elseif ($name -cne ($actual | Where-Object { $_ -eq $name })) {
            $problems.Add("${where}: PARAMETERS spells -$name differently from the cmdlet (-$($actual | Where-Object { $_ -eq $name })).")
        }
    }
    $outputNames = @($doc.OUTPUTS | ForEach-Object Type)
    foreach ($t in $cmd.OutputType) {
        if ($outputNames -notcontains $t.Name) { $problems.Add("${where}: OUTPUTS does not name the cmdlet's output type $($t.Name) (as '### $($t.Name)').") }
    }
    if ($doc.HasSyntax) {
        $expected = @($cmd.ParameterSets | ForEach-Object { ("$($cmd.Name) $_" -replace '\s+', ' ').Trim() })
        $stale = @($doc.Syntax | Where-Object { $_ -like "$($cmd.Name)*" -and $_ -notin $expected }) + @($expected | Where-Object { $_ -notin $doc.Syntax })
        if ($stale.Count) { $problems.Add("${where}: SYNTAX differs from the cmdlet; expected exactly:`n    $($expected -join "`n    ")`n  (or remove the SYNTAX section: syntax is generated from the cmdlet).") }
    }
    $docs[$cmd.Name] = $doc
}

if ($problems.Count) {
    # The list goes to stderr line by line (an exception message would be re-wrapped by the error view).
    foreach ($p in $problems) { [Console]::Error.WriteLine("New-HelpXml: $p") }
    throw "New-HelpXml: $($problems.Count) problem(s) in the help markdown in $SourceDir (listed above); no help file was written."
}

$outDir = Join-Path $ModuleDir 'en-US'
$null = New-Item -ItemType Directory -Force -Path $outDir
$target = Join-Path $outDir $helpFileName
$temp = "$target.$PID.tmp"
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$w = [System.Xml.XmlWriter]::Create($temp, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', $ns.msh)
    $w.WriteAttributeString('schema', 'maml')
    foreach ($cmd in $commands) {
        $doc = $docs[$cmd.Name]
        $defaults = Get-DefaultValue $cmd
        $textOf = { param($name) if ($doc.Parameters.Contains($name)) { [string[]]$doc.Parameters[$name] } else { [string[]]@($shouldProcessText[$name]) } }

        $w.WriteStartElement('command', 'command', $ns.command)
        $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
        $w.WriteAttributeString('xmlns', 'command', $null, $ns.command)
        $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
        $w.WriteAttributeString('xmlns', 'MSHelp', $null, $ns.MSHelp)

        $w.WriteStartElement('command', 'details', $ns.command)
        $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
        $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
        $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
        Write-Description $w $doc.Synopsis
        $w.WriteEndElement()

        Write-Description $w $doc.Description

        $w.WriteStartElement('command', 'syntax', $ns.command)
        $sets = @($cmd.ParameterSets | Sort-Object { -not $_.IsDefault })
        foreach ($set in $sets) {
            $w.WriteStartElement('command', 'syntaxItem', $ns.command)
            $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
            $inSet = @($set.Parameters | Where-Object { -not $skipped.Contains($_.Name) -or $_.Name -in $shouldProcessText.Keys })
            $ordered = @($inSet | Where-Object { $_.Position -ge 0 } | Sort-Object Position) +
                @($inSet | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
                @($inSet | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
            foreach ($sp in $ordered) {
                $fact = Get-ParameterFact $cmd.Parameters[$sp.Name] @($sp)
                Write-Parameter $w $fact (& $textOf $sp.Name) $defaults[$sp.Name] $true
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $ns.command)
        $names = @($doc.Parameters.Keys) + @($cmd.Parameters.Keys | Where-Object { $_ -in $shouldProcessText.Keys -and -not $doc.Parameters.Contains($_) })
        foreach ($name in $names) {
            $inSets = @($cmd.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $name })
            $fact = Get-ParameterFact $cmd.Parameters[$name] $inSets
            Write-Parameter $w $fact (& $textOf $name) $defaults[$name] $false
        }
        $w.WriteEndElement()

        foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
            $w.WriteStartElement('command', $kind[1], $ns.command)
            foreach ($item in $doc[$kind[0]]) {
                $w.WriteStartElement('command', $kind[2], $ns.command)
                Write-DevType $w $item.Type
                Write-Description $w $item.Text
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }

        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml)
        Write-Para $w $doc.Notes
        $w.WriteEndElement()
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'examples', $ns.command)
        foreach ($e in $doc.Examples) {
            $w.WriteStartElement('command', 'example', $ns.command)
            $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($e.Title) --------------------------")
            $w.WriteElementString('dev', 'code', $ns.dev, $e.Code)
            $w.WriteStartElement('dev', 'remarks', $ns.dev)
            Write-Para $w $e.Remarks
            $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'relatedLinks', $ns.command)
        foreach ($l in $doc.Links) {
            $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
            $w.WriteElementString('maml', 'linkText', $ns.maml, $l.Text)
            $w.WriteElementString('maml', 'uri', $ns.maml, $l.Uri)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteEndElement()   # command:command
    }
    $w.WriteEndElement()       # helpItems
    $w.WriteEndDocument()
}
finally { $w.Dispose() }

# Well-formed and complete before it replaces the previous file.
$check = [xml](Get-Content -LiteralPath $temp -Raw)
$nsm = [System.Xml.XmlNamespaceManager]::new($check.NameTable)
foreach ($k in $ns.Keys) { $nsm.AddNamespace($k, $ns[$k]) }
$written = @($check.SelectNodes('/msh:helpItems/command:command/command:details/command:name', $nsm) | ForEach-Object InnerText)
if (Compare-Object $written @($commands.Name)) { Remove-Item -LiteralPath $temp; throw "New-HelpXml: the MAML written lists $($written -join ', '), not $($commands.Name -join ', ')." }
Move-Item -LiteralPath $temp -Destination $target -Force

# Get-Help must now find the text (this process imported the module from $ModuleDir, so it reads the new file).
foreach ($cmd in $commands) {
    $h = Get-Help $cmd.Name -Full
    $want = $docs[$cmd.Name].Synopsis -join ' '
    if (($h.Synopsis -replace '\s+', ' ').Trim() -ne ($want -replace '\s+', ' ').Trim()) {
        throw "New-HelpXml: Get-Help $($cmd.Name) does not show the generated help (synopsis '$($h.Synopsis)'); is $target where PowerShell looks?"
    }
}
# Nothing on stdout on success: build.ps1 takes a child pwsh's output as its exit code.
