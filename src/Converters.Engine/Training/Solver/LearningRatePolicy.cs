namespace Converters.Engine.Training.Solver;

/// <summary>The shape of the learning-rate schedule a solver file asks for.</summary>
public enum LearningRatePolicy
{
    /// <summary>Constant (Caffe <c>fixed</c>, Darknet <c>constant</c>).</summary>
    Fixed,

    /// <summary>Multiply by gamma (Darknet: <c>scale</c>) every step size (Caffe <c>step</c>, Darknet <c>step</c>).</summary>
    Step,

    /// <summary>Multiply at listed iterations (Caffe <c>multistep</c>, Darknet <c>steps</c>).</summary>
    MultiStep,

    /// <summary>Multiply by gamma every iteration (<c>exp</c>).</summary>
    Exponential,

    /// <summary>Caffe <c>inv</c>.</summary>
    Inverse,

    /// <summary><c>poly</c> down to 0 at the maximum iteration.</summary>
    Polynomial,

    /// <summary>Caffe <c>sigmoid</c>: <c>base / (1 + exp(−gamma·(iter − stepsize)))</c>.</summary>
    Sigmoid,

    /// <summary>Darknet <c>policy=sigmoid</c>: <c>base / (1 + exp(gamma·(iter − step)))</c> (the opposite sign of Caffe's).</summary>
    DarknetSigmoid,

    /// <summary>Cosine annealing (ours).</summary>
    Cosine,
}
