namespace Converters.Samples.TextNet.Ops;

/// <summary>Which parameter tensors an op takes after its data input, and so what the reader generates when they are not given.</summary>
internal enum ParameterStyle
{
    /// <summary>No parameters: every input is a value or tensor named in the file.</summary>
    None,

    /// <summary>Conv: weights <c>[filters, C/group, kh, kw]</c> and an optional bias <c>[filters]</c>.</summary>
    Conv,

    /// <summary>BatchNormalization: scale, bias, mean and variance, each <c>[C]</c>.</summary>
    BatchNorm,

    /// <summary>Gemm: weights <c>[units, K]</c> (or <c>[K, units]</c> with <c>trans_b=0</c>) and an optional bias <c>[units]</c>.</summary>
    Gemm,
}
