namespace Converters.Engine.Training;

/// <summary>What a <see cref="TrainableParameter"/> is for, from the input role it is bound to.</summary>
public enum ParameterKind
{
    /// <summary>A weight: conv filters, FC matrix, BN or Scale scale, PRelu slope, shortcut weights.</summary>
    Weight,

    /// <summary>A bias: conv, FC, BN or Scale bias.</summary>
    Bias,
}
