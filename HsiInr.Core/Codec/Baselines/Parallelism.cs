namespace HsiInr.Core.Codec.Baselines;

internal static class Parallelism
{
    /// <summary>Parallel over bands, at most one task per core; the first failure surfaces as itself, not wrapped.</summary>
    public static void For(int count, CancellationToken ct, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, body);
        }
        catch (AggregateException e)
        {
            var first = e.Flatten().InnerExceptions.FirstOrDefault(x => x is HsiException) ?? e.Flatten().InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
