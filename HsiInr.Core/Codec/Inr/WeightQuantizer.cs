using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// Symmetric uniform quantisation with one step per row (per output channel) for matrices and one step for
/// vectors: q = round(w / s) with s = max|row| / (2^(bits−1) − 1), rounded up to the <see cref="StepGrid"/>. Per-row steps matter for SIREN: rows differ in
/// scale, and ω0 = 30 amplifies the error of a coarse shared step.
/// </summary>
public static class WeightQuantizer
{
    public static int MaxLevel(int bits) => (1 << (bits - 1)) - 1;

    /// <summary>Steps: one per row of a matrix, one for a vector. Zero rows get step 1 (all their codes are 0).</summary>
    /// <param name="coarsening">Multiplies every step (≥ 1): the rate controller's knob, fewer distinct codes per row.</param>
    public static Tensor Steps(Tensor w, int bits, double coarsening = 1.0)
    {
        using var a = w.dim() == 1 ? w.abs().amax(new long[] { 0 }, keepdim: true) : w.abs().amax(new long[] { 1 }, keepdim: true);
        using var s = (a * (coarsening / MaxLevel(bits))).cpu().contiguous();
        // Steps are stored on the step grid; quantising with the stored value keeps encoder and decoder identical.
        var grid = s.data<float>().ToArray().Select(v => v > 0 ? StepGrid.RoundUp(v) : 1f).ToArray();
        return tensor(grid, s.shape).to(w.device);
    }

    /// <summary>round(w / steps), clamped to ±<paramref name="maxLevel"/>.</summary>
    public static Tensor Codes(Tensor w, Tensor steps, int maxLevel)
    {
        int m = maxLevel;
        var r = (w / steps).round_();
        return r.clamp_(-m, m);
    }
}
