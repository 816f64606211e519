namespace HsiInr.Core.Tests;

/// <summary>Tests that train networks run one at a time: torch's thread pool is process-global.</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public class TorchCollection;
