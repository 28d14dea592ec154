namespace Converters.Engine.Training.Solver;

/// <summary>The optimizer a solver file asks for.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with optional momentum (Caffe <c>type: SGD</c>, Darknet's default).</summary>
    Sgd,

    /// <summary>SGD with Nesterov momentum (Caffe <c>type: Nesterov</c>).</summary>
    Nesterov,

    /// <summary>Adam with L2 weight decay (Caffe <c>type: Adam</c>, Darknet <c>adam=1</c>).</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}
