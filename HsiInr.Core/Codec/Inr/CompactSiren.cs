using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HsiInr.Core.Codec.Inr;

/// <summary>
/// The compact INR: a SIREN trunk (n_h sine layers of width w_h) whose output layer is factorised as
/// head (w_h → k) followed by a spectral basis (k → bands, with the mean spectrum as its bias). The paper's output
/// layer spends w_h·C weights on spectra; spectra of real scenes live near a k-dimensional subspace, so the basis
/// costs k·C and the saved budget goes to the spatial trunk. The basis is initialised from PCA and trained jointly.
/// With <see cref="QuantBits"/> &gt; 0 every weight passes through a per-row uniform quantiser in the forward pass
/// (straight-through gradient), so training sees exactly the network that will be stored.
/// </summary>
public sealed class CompactSiren : Module<Tensor, Tensor>
{
    private readonly ParameterList weights = new();
    private readonly ParameterList biases = new();
    private readonly double omega0;

    public int Layers { get; }
    public int Width { get; }
    public int Rank { get; }
    public int Bands { get; }
    /// <summary>0 trains in float; 2–16 fake-quantises weights to that many bits per value.</summary>
    public int QuantBits { get; set; }

    public CompactSiren(int layers, int width, int rank, int bands, double omega0 = 30.0) : base(nameof(CompactSiren))
    {
        if (layers < 1 || width < 1 || rank < 1 || bands < 1) throw new ArgumentOutOfRangeException(nameof(layers));
        Layers = layers; Width = width; Rank = rank; Bands = bands;
        this.omega0 = omega0;
        foreach (var (o, i) in Shapes(layers, width, rank, bands))
        {
            weights.Add(new Parameter(zeros(o, i)));
            biases.Add(new Parameter(zeros(o)));
        }
        RegisterComponents();
    }

    /// <summary>(out, in) of each linear map: sine layers, head, basis.</summary>
    public static IEnumerable<(int Out, int In)> Shapes(int layers, int width, int rank, int bands)
    {
        for (int l = 0; l < layers; l++) yield return (width, l == 0 ? 2 : width);
        yield return (rank, width);
        yield return (bands, rank);
    }

    public static long ParameterCount(int layers, int width, int rank, int bands) =>
        Shapes(layers, width, rank, bands).Sum(s => (long)s.Out * s.In + s.Out);

    /// <summary>Weights then bias of each map, in storage order.</summary>
    public IReadOnlyList<Parameter> OrderedParameters()
    {
        var list = new List<Parameter>();
        for (int i = 0; i < weights.Count; i++) { list.Add(weights[i]); list.Add(biases[i]); }
        return list;
    }

    public override Tensor forward(Tensor coords)
    {
        Tensor x = coords;
        int n = weights.Count;
        for (int i = 0; i < n; i++)
        {
            using var w = Quantised(weights[i]);
            using var b = Quantised(biases[i]);
            var y = functional.linear(x, w, b);
            if (i < Layers)
            {
                using var scaled = y.mul(omega0);
                y.Dispose();
                y = scaled.sin();
            }
            if (!ReferenceEquals(x, coords)) x.Dispose();
            x = y;
        }
        return x;
    }

    private Tensor Quantised(Parameter p)
    {
        if (QuantBits <= 0) return p.alias();
        using var q = WeightQuantizer.FakeQuantise(p.detach(), QuantBits);
        // Straight-through estimator: the forward pass sees q, the gradient flows to p unchanged.
        using var delta = q - p.detach();
        return p + delta;
    }

    /// <summary>
    /// SIREN initialisation for the trunk and head from a seeded generator; the basis and mean come from PCA of the
    /// target (columns scaled by the score standard deviations, so the trunk's targets have unit variance).
    /// </summary>
    public void Initialize(Generator generator, Tensor basis, Tensor mean)
    {
        using var _ = no_grad();
        for (int i = 0; i <= Layers; i++)
        {
            long fanIn = weights[i].shape[1];
            double bound = i == 0 ? 1.0 / fanIn : Math.Sqrt(6.0 / fanIn) / omega0;
            Uniform(weights[i], bound, generator);
            Uniform(biases[i], 1.0 / Math.Sqrt(fanIn), generator);
        }
        weights[Layers + 1].copy_(basis);
        biases[Layers + 1].copy_(mean);
    }

    private static void Uniform(Parameter p, double bound, Generator g)
    {
        using var r = rand(p.shape, ScalarType.Float32, generator: g);
        using var v = r.mul(2 * bound).sub_(bound);
        p.copy_(v);
    }
}
