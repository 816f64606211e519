using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using HsiInr.Core.Metrics;

namespace HsiInr.Core.Codec;

/// <summary>The outcome of an archive check, one value per way it can end (scripts filter on it).</summary>
public enum ArchiveCheckStatus
{
    /// <summary>The archive is intact and met every requirement of the check.</summary>
    Passed,
    /// <summary>The archive cannot be read back: missing, not an archive, truncated, corrupt, or its payload does not decode.</summary>
    Invalid,
    /// <summary>The archive is intact but the reference cube has another shape, so no PSNR could be measured.</summary>
    ReferenceMismatch,
    /// <summary>The archive decodes, but its PSNR against the reference is below the minimum.</summary>
    BelowMinimumPsnr,
}

/// <summary>What to check beyond the header and CRC.</summary>
public sealed record ArchiveCheckOptions
{
    /// <summary>The original cube: when given, the archive is decoded and its PSNR against this cube measured.</summary>
    public HsiCube? Reference { get; init; }
    /// <summary>The lowest acceptable PSNR (dB) against <see cref="Reference"/>; needs a reference.</summary>
    public double? MinimumPsnr { get; init; }
    /// <summary>Decode the payload even without a reference (proves the network or codestream decodes, not only that the bytes are intact).</summary>
    public bool Decode { get; init; }
    public DeviceKind Device { get; init; } = DeviceKind.Cpu;
}

/// <summary>
/// The result of checking one archive file. A damaged archive is a result (Valid = false with the reason and
/// the stable ErrorId), not an exception, so a script can check hundreds of files and filter on Passed.
/// </summary>
public sealed class ArchiveCheck
{
    public string Path { get; private set; } = "";
    /// <summary>The cube name stored in the archive ("" when the header could not be read).</summary>
    public string Name { get; private set; } = "";
    public string Shape { get; private set; } = "";
    public CodecId? Codec { get; private set; }
    public int? FormatVersion { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>The PSNR the encoder measured and stored in the header.</summary>
    public double? EncodePsnr { get; private set; }
    /// <summary>True when the file is a complete archive whose CRC matches (and whose payload decodes, when decoded).</summary>
    public bool Valid { get; private set; }
    /// <summary>True when the payload was decoded during the check.</summary>
    public bool Decoded { get; private set; }
    /// <summary>PSNR (dB) of the decoded archive against the reference; null without a reference.</summary>
    public double? Psnr { get; private set; }
    public double? MinimumPsnr { get; private set; }
    /// <summary>The reference cube's name, when one was given.</summary>
    public string? Reference { get; private set; }
    public ArchiveCheckStatus Status { get; private set; }
    public bool Passed => Status == ArchiveCheckStatus.Passed;
    /// <summary>The stable error id (HsiInr.&lt;Kind&gt;) of the failure that made the archive invalid or the reference unusable.</summary>
    public string? ErrorId { get; private set; }
    /// <summary>Why the check did not pass, in words; null when it passed.</summary>
    public string? Reason { get; private set; }
    public double Seconds { get; private set; }

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} {Status}{(Reason is null ? "" : ": " + Reason)}";

    /// <summary>
    /// Checks <paramref name="path"/>: header and CRC always; decodes when a reference is given or
    /// <see cref="ArchiveCheckOptions.Decode"/> is set, and compares with the reference. Never throws for a bad
    /// file; only cancellation and invalid options throw.
    /// </summary>
    public static ArchiveCheck Run(string path, ArchiveCheckOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ArchiveCheckOptions();
        if (options.MinimumPsnr is not null && options.Reference is null)
            throw new HsiException(HsiErrorKind.InvalidArgument, "A minimum PSNR needs a reference cube to measure against.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = new ArchiveCheck
        {
            Path = System.IO.Path.GetFullPath(path),
            MinimumPsnr = options.MinimumPsnr,
            Reference = options.Reference?.Name,
        };
        try
        {
            r.Check(options, cancellationToken);
        }
        finally
        {
            r.Seconds = clock.Elapsed.TotalSeconds;
        }
        return r;
    }

    private void Check(ArchiveCheckOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        HsiArchive info;
        try { info = HsiArchive.Open(Path); }
        catch (Exception e) when (IsFileFailure(e))
        {
            Bytes = File.Exists(Path) ? new FileInfo(Path).Length : 0;
            Fail(ArchiveCheckStatus.Invalid, ErrorIdOf(e), e.Message);
            return;
        }
        (Name, Shape, Codec, FormatVersion, Bytes, EncodePsnr, Valid) = (info.Name, info.Shape, info.Codec, info.FormatVersion, info.Bytes, info.Psnr, true);

        var reference = options.Reference;
        if (reference is not null && (reference.Height != info.Height || reference.Width != info.Width || reference.Bands != info.Bands))
        {
            Fail(ArchiveCheckStatus.ReferenceMismatch, "HsiInr." + HsiErrorKind.ShapeMismatch,
                $"The archive holds a {info.Shape} cube but the reference '{reference.Name}' is {reference.Shape}.");
            return;
        }
        if (reference is null && !options.Decode) return;

        cancellationToken.ThrowIfCancellationRequested();
        HsiCube decoded;
        try { decoded = ArchiveDecoder.DecodeFile(Path, options.Device); }
        catch (Exception e) when (IsFileFailure(e) && e is not HsiException { Kind: HsiErrorKind.DeviceUnavailable })
        {
            // The header and CRC were fine, so the payload itself does not decode: the archive cannot be read back.
            Valid = false;
            Fail(ArchiveCheckStatus.Invalid, ErrorIdOf(e), e.Message);
            return;
        }
        Decoded = true;
        if (reference is null) return;

        double psnr = QualityMetrics.Compare(reference, decoded).Psnr;
        Psnr = psnr;
        // NaN never passes: a decoded cube that is not finite is not a faithful copy.
        if (options.MinimumPsnr is { } min && !(psnr >= min))
            Fail(ArchiveCheckStatus.BelowMinimumPsnr, null,
                $"PSNR {psnr:0.00} dB against '{reference.Name}' is below the minimum of {min:0.00} dB.");
    }

    private void Fail(ArchiveCheckStatus status, string? errorId, string reason) => (Status, ErrorId, Reason) = (status, errorId, reason);

    /// <summary>The stable id a failure maps to; the same ids the cmdlets' ErrorRecords carry.</summary>
    public static string ErrorIdOf(Exception e) => e switch
    {
        HsiException h => h.ErrorId,
        UnauthorizedAccessException => "HsiInr.AccessDenied",
        IOException => "HsiInr.IOError",
        _ => "HsiInr.UnexpectedError",
    };

    private static bool IsFileFailure(Exception e) => e is HsiException or IOException or UnauthorizedAccessException;
}
