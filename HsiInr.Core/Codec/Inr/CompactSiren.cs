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
/// Once <see cref="SetQuantisation"/> fixes the quantisation steps, every weight passes through the uniform
/// quantiser in the forward pass (straight-through gradient), so training sees exactly the network that is stored.
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
    private Tensor[]? steps;
    private int[] maxLevels = [];

    /// <summary>True once weights are fake-quantised in the forward pass.</summary>
    public bool Quantised => steps is not null;

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

    /// <summary>Weights only (biases left out), as the paper's formula (5) counts.</summary>
    public static long WeightCount(int layers, int width, int rank, int bands) =>
        Shapes(layers, width, rank, bands).Sum(s => (long)s.Out * s.In);

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
            using var w = Quantise(weights[i], 2 * i);
            using var b = Quantise(biases[i], 2 * i + 1);
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

    /// <summary>Fixes one step tensor per parameter (storage order; rows × 1 for matrices, 1 for vectors) and each
    /// parameter's bit depth; from then on the forward pass uses the quantised weights.</summary>
    public void SetQuantisation(IReadOnlyList<Tensor> stepTensors, IReadOnlyList<int> tensorBits)
    {
        if (stepTensors.Count != 2 * weights.Count || tensorBits.Count != stepTensors.Count)
            throw new ArgumentException("One step tensor and one bit depth per parameter are needed.");
        if (steps is not null) foreach (var t in steps) t.Dispose();
        // Owned by the model (disposed here and in Dispose), not by whatever dispose scope the caller has open: the
        // rate controller sets new steps inside a short scope, which would otherwise free them under the next step.
        steps = stepTensors.Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
        maxLevels = tensorBits.Select(WeightQuantizer.MaxLevel).ToArray();
    }

    /// <summary>The fixed steps (storage order); throws before <see cref="SetQuantisation"/>.</summary>
    public IReadOnlyList<Tensor> CurrentSteps() => steps ?? throw new InvalidOperationException("The model is not quantised yet.");

    private Tensor Quantise(Parameter p, int index)
    {
        if (steps is null) return p.alias();
        using var codes = WeightQuantizer.Codes(p.detach(), steps[index], maxLevels[index]);
        using var q = codes * steps[index];
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

    protected override void Dispose(bool disposing)
    {
        if (disposing && steps is not null) foreach (var t in steps) t.Dispose();
        base.Dispose(disposing);
    }

    private static void Uniform(Parameter p, double bound, Generator g)
    {
        using var r = rand(p.shape, ScalarType.Float32, generator: g);
        using var v = r.mul(2 * bound).sub_(bound);
        p.copy_(v);
    }
}
