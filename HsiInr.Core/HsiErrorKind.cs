namespace HsiInr.Core;

/// <summary>
/// Why an operation on a file failed. The PowerShell layer turns each kind into a stable ErrorId
/// (<c>HsiInr.&lt;Kind&gt;</c>), which scripts and Pester tests match on, so names here are API: never rename one.
/// </summary>
public enum HsiErrorKind
{
    FileNotFound,
    PathIsDirectory,
    EmptyFile,
    TruncatedFile,
    UnknownFormat,
    BadMagic,
    UnsupportedClass,
    UnsupportedDataType,
    MalformedHeader,
    SizeLimitExceeded,
    VariableNotFound,
    AmbiguousVariable,
    ShapeMismatch,
    CorruptArchive,
    UnsupportedVersion,
    ChecksumMismatch,
    OutputExists,
    InvalidArgument,
    DeviceUnavailable,
    ExternalToolMissing,
}

/// <summary>An error about a specific file (or input) with a kind that maps to a stable ErrorId.</summary>
public class HsiException : Exception
{
    public HsiErrorKind Kind { get; }
    public string? Path { get; }

    public HsiException(HsiErrorKind kind, string message, string? path = null, Exception? inner = null)
        : base(path is null ? message : $"{message} (file: {path})", inner)
    {
        Kind = kind;
        Path = path;
    }

    public string ErrorId => "HsiInr." + Kind;
}
