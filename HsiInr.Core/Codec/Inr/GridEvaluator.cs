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

    /// <summary>Bytes the activations of one chunk may take: a dispose scope keeps every layer's output of the chunk
    /// alive until the chunk is done, so 65 536 pixels through ten 125-wide layers held about 1 GB.</summary>
    public const long ChunkActivationBytes = 64L << 20;

    /// <summary>The chunk, in pixels, that keeps a network's activations within <see cref="ChunkActivationBytes"/>
    /// (at most <paramref name="requested"/>, at least 1024).</summary>
    public static int ChunkFor(int layers, int width, int outputs, int requested)
    {
        // Per pixel and layer a linear output and its sine; then the head/basis outputs.
        long perPixel = 4L * (2L * layers * width + 2L * outputs);
        return (int)Math.Clamp(ChunkActivationBytes / perPixel, 1024, Math.Max(1024, requested));
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
