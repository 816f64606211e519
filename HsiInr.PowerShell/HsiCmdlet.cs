using System.Collections.Concurrent;
using System.Management.Automation;
using HsiInr.Core;

namespace HsiInr.PowerShell;

/// <summary>
/// Shared plumbing of the module's cmdlets: a cancellation token that StopProcessing (Ctrl+C) cancels, path
/// resolution for -Path/-LiteralPath, ErrorRecords with stable ids, and running long core work on a worker thread
/// while progress is written from the pipeline thread (the only thread allowed to write).
/// </summary>
public abstract class HsiCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource cancel = new();

    protected CancellationToken Cancellation => cancel.Token;

    protected override void StopProcessing() => cancel.Cancel();

    protected override void EndProcessing() => cancel.Dispose();

    /// <summary>Resolves -Path (wildcards) or -LiteralPath to file-system paths; reports unmatched paths as errors.</summary>
    protected IEnumerable<string> ResolveInputPaths(string[]? paths, bool literal)
    {
        foreach (string p in paths ?? [])
        {
            List<string> resolved = [];
            try
            {
                if (literal)
                {
                    resolved.Add(GetUnresolvedProviderPathFromPSPath(p));
                }
                else
                {
                    var found = GetResolvedProviderPathFromPSPath(p, out ProviderInfo provider);
                    if (provider.Name != "FileSystem")
                        throw new HsiException(HsiErrorKind.InvalidArgument, $"'{p}' is not a file-system path.", p);
                    resolved.AddRange(found);
                    // A wildcard that matches nothing resolves to an empty list rather than throwing.
                    if (resolved.Count == 0)
                        throw new HsiException(HsiErrorKind.FileNotFound, "No file matches the path.", p);
                }
            }
            catch (ItemNotFoundException e)
            {
                WriteError(ErrorFor(new HsiException(HsiErrorKind.FileNotFound, "No file matches the path.", p, e), p));
                continue;
            }
            catch (HsiException e)
            {
                WriteError(ErrorFor(e, p));
                continue;
            }
            foreach (string r in resolved) yield return r;
        }
    }

    /// <summary>An output path in provider form (relative paths against the current location), unresolved.</summary>
    protected string ResolveOutputPath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// True for a failure that belongs to one input (one cube, one file), including an unexpected one from the core or
    /// libtorch: it becomes that input's non-terminating error and a batch goes on. Only Ctrl+C stops the pipeline.
    /// </summary>
    protected static bool IsItemFailure(Exception e) => e is not PipelineStoppedException and not OperationCanceledException;

    /// <summary>An ErrorRecord whose ErrorId is <c>HsiInr.&lt;Kind&gt;</c> for core errors and whose target is the file or object.</summary>
    protected static ErrorRecord ErrorFor(Exception e, object? target)
    {
        if (e is HsiException h)
            return new ErrorRecord(e, h.ErrorId, CategoryOf(h.Kind), h.Path ?? target);
        if (e is OperationCanceledException)
            return new ErrorRecord(e, "HsiInr.Canceled", ErrorCategory.OperationStopped, target);
        if (e is UnauthorizedAccessException)
            return new ErrorRecord(e, "HsiInr.AccessDenied", ErrorCategory.PermissionDenied, target);
        if (e is IOException)
            return new ErrorRecord(e, "HsiInr.IOError", ErrorCategory.WriteError, target);
        return new ErrorRecord(e, "HsiInr.UnexpectedError", ErrorCategory.NotSpecified, target);
    }

    private static ErrorCategory CategoryOf(HsiErrorKind kind) => kind switch
    {
        HsiErrorKind.FileNotFound => ErrorCategory.ObjectNotFound,
        HsiErrorKind.PathIsDirectory or HsiErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        HsiErrorKind.EmptyFile or HsiErrorKind.TruncatedFile or HsiErrorKind.BadMagic or HsiErrorKind.MalformedHeader
            or HsiErrorKind.CorruptArchive or HsiErrorKind.ChecksumMismatch or HsiErrorKind.UnknownFormat => ErrorCategory.InvalidData,
        HsiErrorKind.UnsupportedClass or HsiErrorKind.UnsupportedDataType or HsiErrorKind.UnsupportedVersion => ErrorCategory.NotImplemented,
        HsiErrorKind.SizeLimitExceeded => ErrorCategory.LimitsExceeded,
        HsiErrorKind.VariableNotFound => ErrorCategory.ObjectNotFound,
        HsiErrorKind.AmbiguousVariable => ErrorCategory.InvalidArgument,
        HsiErrorKind.ShapeMismatch => ErrorCategory.InvalidArgument,
        HsiErrorKind.OutputExists => ErrorCategory.ResourceExists,
        HsiErrorKind.DeviceUnavailable or HsiErrorKind.ExternalToolMissing => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// Runs <paramref name="work"/> on a worker thread; progress reports are queued and handed to
    /// <paramref name="onProgress"/> on this (pipeline) thread. Exceptions of the work are rethrown here.
    /// </summary>
    protected T RunWithProgress<TProgress, T>(Func<IProgress<TProgress>, CancellationToken, T> work, Action<TProgress> onProgress)
    {
        using var queue = new BlockingCollection<TProgress>();
        var reporter = new QueueProgress<TProgress>(queue);
        var task = Task.Run(() =>
        {
            try { return work(reporter, Cancellation); }
            finally { queue.CompleteAdding(); }
        });
        foreach (var p in queue.GetConsumingEnumerable()) onProgress(p);
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private sealed class QueueProgress<TP>(BlockingCollection<TP> queue) : IProgress<TP>
    {
        public void Report(TP value)
        {
            try { queue.TryAdd(value); }
            catch (InvalidOperationException) { } // the work finished while this report was on its way
        }
    }
}
