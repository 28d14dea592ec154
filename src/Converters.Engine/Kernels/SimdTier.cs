using System.Runtime.Intrinsics;

namespace Converters.Engine.Kernels;

/// <summary>The widest vector width the engine's own kernels use in this process.</summary>
public enum SimdTier
{
    /// <summary>No hardware vectors (e.g. <c>DOTNET_EnableHWIntrinsic=0</c>).</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE/NEON).</summary>
    Vector128 = 128,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 256,

    /// <summary>512-bit vectors (AVX-512; off with <c>DOTNET_EnableAVX512=0</c> on .NET 10).</summary>
    Vector512 = 512,
}

/// <summary>Picks the tier once per process, widest first.</summary>
public static class SimdTiers
{
    /// <summary>The tier the GEMM and convolution kernels run at.</summary>
    public static SimdTier Current { get; } =
        Vector512.IsHardwareAccelerated && Vector512<float>.IsSupported ? SimdTier.Vector512
        : Vector256.IsHardwareAccelerated && Vector256<float>.IsSupported ? SimdTier.Vector256
        : Vector128.IsHardwareAccelerated && Vector128<float>.IsSupported ? SimdTier.Vector128
        : SimdTier.Scalar;
}
