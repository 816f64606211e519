using TorchSharp;

namespace HsiInr.Core.Codec;

public enum DeviceKind { Auto, Cpu, Cuda }

/// <summary>
/// Resolves the user's device choice once; the resulting <see cref="torch.Device"/> is passed down through the
/// codec, so no code below this point asks torch which device to use.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The build option that produces a CUDA-capable module.</summary>
    public const string CudaBuildHint = "build the module with 'build.ps1 -Backend Cuda' (needs the NuGet package libtorch-cuda-12.8-linux-x64 and an NVIDIA driver)";

    public static torch.Device Resolve(DeviceKind kind)
    {
        switch (kind)
        {
            case DeviceKind.Cpu:
                return torch.CPU;
            case DeviceKind.Cuda:
                if (!torch.cuda.is_available())
                    throw new HsiException(HsiErrorKind.DeviceUnavailable,
                        $"CUDA was requested, but this build of HsiInr has no CUDA support or no GPU is visible. Use -Device Cpu, or {CudaBuildHint}.");
                return torch.CUDA;
            default:
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
    }
}
