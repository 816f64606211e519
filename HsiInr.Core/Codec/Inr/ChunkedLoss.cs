using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// Full-grid MSE, computed chunk by chunk. With <c>backward</c> each chunk's share of the loss is back-propagated
/// at once, so gradients accumulate to exactly the full-batch gradient while only one chunk's activations live at a
/// time (full-batch steps on large grids spend most of their time page-faulting fresh allocations).
/// </summary>
internal static class ChunkedLoss
{
    public static double Mse(Func<Tensor, Tensor> forward, Tensor coords, Tensor target, long chunk, bool backward, CancellationToken ct = default)
    {
        long pixels = coords.shape[0];
        double denom = (double)pixels * target.shape[1];
        double sse = 0;
        using var grad = backward ? null : no_grad();
        for (long s0 = 0; s0 < pixels; s0 += chunk)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long len = Math.Min(chunk, pixels - s0);
            var err = (forward(coords.narrow(0, s0, len)) - target.narrow(0, s0, len)).square().sum();
            sse += err.item<float>();
            if (backward) (err / denom).backward();
        }
        return sse / denom;
    }
}
