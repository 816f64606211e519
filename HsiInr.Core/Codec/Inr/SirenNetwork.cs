using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// SIREN (Sitzmann et al. 2020) as the paper uses it: (x, y) → <c>layers</c> sine layers of width <c>width</c>
/// (the first maps 2 → width) → a linear layer with one output per band. Sine layers compute sin(ω0·(Wx + b)).
/// </summary>
public sealed class SirenNetwork : Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> hidden = new();
    private readonly Linear output;
    private readonly double omega0;

    public int Layers { get; }
    public int Width { get; }
    public int Outputs { get; }

    public SirenNetwork(int layers, int width, int outputs, double omega0 = 30.0) : base(nameof(SirenNetwork))
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), "A SIREN needs at least one hidden layer.");
        if (width < 1 || outputs < 1) throw new ArgumentOutOfRangeException(nameof(width));
        Layers = layers;
        Width = width;
        Outputs = outputs;
        this.omega0 = omega0;
        for (int i = 0; i < layers; i++) hidden.Add(nn.Linear(i == 0 ? 2 : width, width));
        output = nn.Linear(width, outputs);
        RegisterComponents();
    }

    public override Tensor forward(Tensor coords)
    {
        Tensor x = coords;
        foreach (var layer in hidden)
        {
            using var pre = layer.forward(x);
            using var scaled = pre * omega0;
            var next = scaled.sin();
            if (!ReferenceEquals(x, coords)) x.Dispose();
            x = next;
        }
        var y = output.forward(x);
        if (!ReferenceEquals(x, coords)) x.Dispose();
        return y;
    }

    /// <summary>Weights and biases in storage order: for each layer (hidden ..., output) its weight then its bias.</summary>
    public IReadOnlyList<Parameter> OrderedParameters()
    {
        var list = new List<Parameter>();
        foreach (var l in hidden) { list.Add(l.weight!); list.Add(l.bias!); }
        list.Add(output.weight!);
        list.Add(output.bias!);
        return list;
    }

    /// <summary>
    /// SIREN initialisation from a seeded generator: first layer U(±1/fan_in), later layers (output included)
    /// U(±√(6/fan_in)/ω0); biases U(±1/√fan_in) as in PyTorch's Linear, which the reference code keeps.
    /// </summary>
    public void InitializeSiren(Generator generator)
    {
        using var _ = no_grad();
        var layers = hidden.Concat(new[] { output }).ToList();
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            long fanIn = l.weight!.shape[1];
            double bound = i == 0 ? 1.0 / fanIn : Math.Sqrt(6.0 / fanIn) / omega0;
            Fill(l.weight!, bound, generator);
            Fill(l.bias!, 1.0 / Math.Sqrt(fanIn), generator);
        }
    }

    private static void Fill(Parameter p, double bound, Generator generator)
    {
        using var r = rand(p.shape, ScalarType.Float32, generator: generator);
        using var v = r.mul(2 * bound).sub_(bound);
        p.copy_(v);
    }

    /// <summary>Total trainable values: the paper's formula (5) plus the biases it leaves out.</summary>
    public static long ParameterCount(int layers, int width, int outputs) =>
        PaperParameterCount(layers, width, outputs) + (long)layers * width + outputs;

    /// <summary>The paper's formula (5): 2·w + w²·(n−1) + c·w (weights only, biases ignored).</summary>
    public static long PaperParameterCount(int layers, int width, int outputs) =>
        2L * width + (long)width * width * (layers - 1) + (long)outputs * width;
}
