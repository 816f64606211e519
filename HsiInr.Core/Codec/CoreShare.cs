using System.Diagnostics;
using TorchSharp;

namespace HsiInr.Core.Codec;

/// <summary>
/// How many torch threads one fit uses. Two fits that each take every core slow each other 3 to 13 times
/// (oversubscribed OpenMP threads spin against each other), so by default the cores are divided among the fits
/// running on this machine — in this process (parallel runspaces) and in others (parallel pwsh jobs) alike.
/// Each running fit holds an exclusively locked file in a shared folder; counting the locked files counts the fits,
/// and a file left by a killed process is unlocked, so it is not counted (and is removed).
/// </summary>
/// <remarks>
/// The share is re-read every couple of seconds, so a fit that started alone gives up cores when a second one
/// starts. Thread count changes the order of floating-point sums, so bit-identical archives for a seed need a fixed
/// count: <c>-ThreadCount</c> (or the HSIINR_THREADS environment variable) pins it.
/// </remarks>
public sealed class CoreShare : IDisposable
{
    /// <summary>Environment variable that pins the thread count of every fit in a process (e.g. one per batch job).</summary>
    public const string ThreadsVariable = "HSIINR_THREADS";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    // A file younger than this may be one whose owner has created but not yet locked it.
    private static readonly TimeSpan StaleAge = TimeSpan.FromSeconds(10);

    private readonly FileStream? lease;
    private readonly int? pinned;
    private readonly Stopwatch sinceRefresh = Stopwatch.StartNew();

    /// <summary>Threads this fit uses now.</summary>
    public int Threads { get; private set; }

    private CoreShare(int? pinned)
    {
        this.pinned = pinned;
        if (pinned is null) lease = TryTakeLease();
        Apply(pinned ?? FairShare(ActiveFits()));
    }

    /// <summary>
    /// Joins the fits on this machine and sets this thread's torch thread count: <paramref name="threads"/> when
    /// given, else HSIINR_THREADS when set, else the cores divided by the number of running fits. Call from the
    /// thread that trains (torch's OpenMP setting is per thread); dispose when the fit ends.
    /// </summary>
    public static CoreShare Join(int? threads = null) => new(threads ?? FromEnvironment());

    /// <summary>Re-divides the cores if the number of running fits changed (cheap: checks at most every 2 s).</summary>
    public void Refresh()
    {
        if (pinned is not null || sinceRefresh.Elapsed < RefreshInterval) return;
        sinceRefresh.Restart();
        Apply(FairShare(ActiveFits()));
    }

    public void Dispose()
    {
        if (lease is null) return;
        string path = lease.Name;
        lease.Dispose();
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Cores ÷ running fits, at least one.</summary>
    public static int FairShare(int fits) => Math.Max(1, Environment.ProcessorCount / Math.Max(1, fits));

    /// <summary>The number of fits holding a lease now (this one included), at least one.</summary>
    public static int ActiveFits() => Math.Max(1, CountLeases());

    /// <summary>Leases held now by running fits (stale ones, whose owner died, are removed and not counted).</summary>
    public static int CountLeases()
    {
        int count = 0;
        try
        {
            foreach (var f in Directory.EnumerateFiles(LeaseFolder, "*.lease"))
            {
                try
                {
                    // Opening it exclusively succeeds only if its owner is gone.
                    using (new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                    if (DateTime.UtcNow - File.GetCreationTimeUtc(f) > StaleAge) File.Delete(f);
                    else count++;
                }
                catch (IOException) { count++; }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return count;
    }

    private static string LeaseFolder => Path.Combine(Path.GetTempPath(), "hsiinr-fits");

    private static FileStream? TryTakeLease()
    {
        try
        {
            Directory.CreateDirectory(LeaseFolder);
            string path = Path.Combine(LeaseFolder, $"{Environment.ProcessId}-{Guid.NewGuid():N}.lease");
            return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no shared temp folder: this fit simply isn't counted by others
        }
    }

    private static int? FromEnvironment()
    {
        string? v = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(v)) return null;
        if (int.TryParse(v, out int n) && n >= 1) return n;
        throw new HsiException(HsiErrorKind.InvalidArgument,
            $"The environment variable {ThreadsVariable} is '{v}'; it must be a whole number of threads, 1 or more (or unset to share the cores automatically).");
    }

    private void Apply(int n)
    {
        Threads = n;
        if (torch.get_num_threads() != n) torch.set_num_threads(n);
    }
}
