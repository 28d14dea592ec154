namespace Converters.Ir.Schemas;

/// <summary>What an op input is for; decides how statistics count an initializer bound to it.</summary>
public enum InputRole
{
    /// <summary>An activation (or, bound to an initializer, a trainable constant).</summary>
    Data,

    /// <summary>A trainable weight (conv filters, FC matrix, BN scale).</summary>
    Weight,

    /// <summary>A trainable bias.</summary>
    Bias,

    /// <summary>A stored but not trained statistic (BN running mean and variance).</summary>
    Statistic,
}
