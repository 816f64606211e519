using System.Diagnostics;
using HsiInr.Core;

namespace HsiInr.Fuzz;

/// <summary>One mutated input: its files (extension → bytes), how it was made, and how the reader is called.</summary>
public sealed class FuzzCase
{
    public required string Target { get; init; }
    public required int Index { get; init; }
    public required string Seed { get; init; }
    /// <summary>How the seed was changed, e.g. "resealed:int32+truncate".</summary>
    public required string Mutation { get; init; }
    /// <summary>Files to write, by extension (".hsiinr", ".mat", or ".hdr" and ".img").</summary>
    public required Dictionary<string, byte[]> Files { get; init; }
    /// <summary>The extension of the file the reader is given.</summary>
    public required string Open { get; init; }
    /// <summary>MAT only: the variable asked for (null: the reader chooses).</summary>
    public string? Variable { get; init; }

    /// <summary>Writes the files as <paramref name="stem"/> + extension and returns the path to open.</summary>
    public string WriteTo(string stem)
    {
        foreach (var (ext, bytes) in Files) File.WriteAllBytes(stem + ext, bytes);
        return stem + Open;
    }
}

public enum Outcome { Ok, Rejected, Finding, Crash, Hang }

/// <summary>What one case did. Rejected: an <see cref="HsiException"/> (its ErrorId); anything else thrown is a finding.</summary>
public sealed record CaseResult(string Target, int Index, string Seed, string Mutation, Outcome Outcome, double Ms,
    string? ErrorId = null, string? ExceptionType = null, string? Message = null, string? Stack = null, string? Inner = null);

public static class Oracle
{
    /// <summary>A case slower than this is a hang (the supervisor kills the worker); documented in README and fuzz.md.
    /// 30 s: a re-sealed header may declare a grid far larger than its seed's, and decoding it through a network is
    /// real work (up to 12.6 s on one busy core; findings-fixed.md), where a real loop never ends.</summary>
    public const double DefaultHangSeconds = 30;
    /// <summary>The test suite's subset is held to this: its cases are the run's first few, none of them that large.</summary>
    public const double SubsetCaseSeconds = 10;

    /// <summary>Runs a case and classifies its outcome. Success and HsiException are the accepted outcomes; every
    /// other exception (OperationCanceledException included: nothing here cancels) is a finding.</summary>
    public static CaseResult Execute(FuzzTarget target, FuzzCase c, string workDir)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            target.Run(c, workDir);
            return new CaseResult(c.Target, c.Index, c.Seed, c.Mutation, Outcome.Ok, sw.Elapsed.TotalMilliseconds);
        }
        catch (HsiException e)
        {
            return new CaseResult(c.Target, c.Index, c.Seed, c.Mutation, Outcome.Rejected, sw.Elapsed.TotalMilliseconds, e.ErrorId,
                Message: Truncate(e.Message, 300), Inner: e.InnerException?.GetType().FullName);
        }
        catch (Exception e)
        {
            return new CaseResult(c.Target, c.Index, c.Seed, c.Mutation, Outcome.Finding, sw.Elapsed.TotalMilliseconds,
                null, e.GetType().FullName, Truncate(e.Message, 500), Truncate(e.ToString(), 4000));
        }
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";
}
