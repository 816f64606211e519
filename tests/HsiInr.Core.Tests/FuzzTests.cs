using HsiInr.Fuzz;
using Xunit.Abstractions;

namespace HsiInr.Core.Tests;

/// <summary>
/// The CI subset of the fuzzing harness (tests/HsiInr.Fuzz): a fixed run seed and a few hundred cases per target,
/// run in this process. The same cases, by index, run in the long campaign (<c>build.ps1 -Task Fuzz</c>), which
/// adds child processes to catch native crashes and hangs.
/// </summary>
[Collection("Torch")]
public class FuzzTests(ITestOutputHelper output)
{
    private const long RunSeed = 20261126;
    private static string Seeds => Path.Combine(TestData.RepoRoot, "tests", "HsiInr.Fuzz", "seeds");

    [Theory]
    [InlineData("archive", 400)]
    [InlineData("mat5", 300)]
    [InlineData("mat73", 300)]
    [InlineData("envi", 300)]
    public void Mutated_inputs_decode_or_fail_with_an_HsiException(string target, int cases)
    {
        var t = FuzzTarget.Create(target, Seeds);
        using var tmp = new TempDir();
        var results = Enumerable.Range(0, cases).Select(i => Oracle.Execute(t, t.Case(RunSeed, i), tmp.Path)).ToList();
        var s = TargetSummary.Of(target, t.SeedCount, results);
        output.WriteLine($"{target}: {s.Ok} ok, {s.Rejected} rejected ({string.Join(", ", s.RejectedBy.Select(k => $"{k.Key} {k.Value}"))}), slowest {s.MaxCaseMs:0} ms: {s.SlowestCase}");

        var findings = results.Where(r => r.Outcome is not (Outcome.Ok or Outcome.Rejected)).ToList();
        Assert.True(findings.Count == 0, string.Join("\n\n", findings.Select(f => $"case {f.Index} ({f.Seed}, {f.Mutation}): {f.Stack}")));
        Assert.True(s.MaxCaseMs < Oracle.SubsetCaseSeconds * 1000, $"case {s.SlowestCase} took {s.MaxCaseMs:0} ms");
        // The mutations must get past the first checks: some inputs still read, and the rejections are varied.
        Assert.True(s.Ok >= cases / 20, $"only {s.Ok} of {cases} mutated inputs were read");
        Assert.True(s.RejectedBy.Count >= 3, "rejections: " + string.Join(", ", s.RejectedBy.Keys));
        if (target == "archive")
        {
            // Raw mutations stop at the CRC; resealed ones reach the header and payload checks behind it.
            Assert.Contains("HsiInr.ChecksumMismatch", s.RejectedBy.Keys);
            Assert.Contains("HsiInr.CorruptArchive", s.RejectedBy.Keys);
        }
    }

    [Fact]
    public void Cases_are_reproducible_from_their_index()
    {
        foreach (var name in FuzzTarget.All)
        {
            var t = FuzzTarget.Create(name, Seeds);
            for (int i = 0; i < 20; i++)
            {
                FuzzCase a = t.Case(RunSeed, i), b = t.Case(RunSeed, i);
                Assert.Equal(a.Mutation, b.Mutation);
                Assert.Equal(a.Files.Keys, b.Files.Keys);
                foreach (var k in a.Files.Keys) Assert.Equal(a.Files[k], b.Files[k]);
            }
        }
    }
}
