using HsiInr.Core.Codec.Container;
using HsiInr.Core.Codec.Tiling;
using static TorchSharp.torch;

namespace HsiInr.Core.Codec.Inr;

/// <summary>Evaluates a fitted network on an archive's pixel grid and undoes the [0, 1] normalisation.</summary>
internal static class GridEvaluator
{
    /// <summary>Copies flat stored weights into a network's parameters, in storage order.</summary>
    public static void LoadWeights(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, float[] weights)
    {
        using var _ = no_grad();
        int offset = 0;
        foreach (var p in parameters)
        {
            int n = (int)p.numel();
            using var t = tensor(weights.AsSpan(offset, n).ToArray(), p.shape);
            p.copy_(t);
            offset += n;
        }
    }

    /// <returns>Samples in original units, BIP order (before rounding to the original type).</returns>
    /// <param name="region">Only these pixels (row-major within the window); null for the whole grid.</param>
    public static float[] Evaluate(Func<Tensor, Tensor> forward, ArchiveHeader header, Device device, int chunkPixels, PixelRegion? region = null)
    {
        var window = region ?? PixelRegion.Whole(header.Height, header.Width);
        long pixels = window.PixelCount;
        var data = new float[pixels * header.Bands];
        using var scope = NewDisposeScope();
        var coords = CubeTensors.Grid(header.Height, header.Width, device, window);
        double scale = header.NormMax - header.NormMin;
        using (inference_mode())
        {
            for (long s0 = 0; s0 < pixels; s0 += chunkPixels)
            {
                using var inner = NewDisposeScope();
                long len = Math.Min(chunkPixels, pixels - s0);
                var y = forward(coords.narrow(0, s0, len)).mul(scale).add(header.NormMin).cpu().contiguous();
                y.data<float>().CopyTo(data.AsSpan(checked((int)(s0 * header.Bands))));
            }
        }
        return data;
    }
}
