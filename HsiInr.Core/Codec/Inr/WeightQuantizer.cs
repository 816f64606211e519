using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// Symmetric uniform quantisation with one step per row (per output channel) for matrices and one step for
/// vectors: q = round(w / s) with s = max|row| / (2^(bits−1) − 1). Per-row steps matter for SIREN: rows differ in
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
        using var s = a * (coarsening / MaxLevel(bits));
        // Steps are stored as float16; quantising with the stored value keeps encoder and decoder identical.
        using var h = s.to(ScalarType.Float16).to(ScalarType.Float32);
        return where(h > 0, h, ones_like(h));
    }

    /// <summary>round(w / steps), clamped to ±<paramref name="maxLevel"/>.</summary>
    public static Tensor Codes(Tensor w, Tensor steps, int maxLevel)
    {
        int m = maxLevel;
        var r = (w / steps).round_();
        return r.clamp_(-m, m);
    }
}
