namespace Converters.Engine.Training.Losses;

/// <summary>
/// The value of a <see cref="YoloLoss"/> and the statistics Darknet prints for a [yolo] layer
/// ("Avg IOU, Class, Obj, No Obj, .5R, .75R, count"). Averages over assigned truths are NaN when
/// <see cref="Count"/> is 0, as in Darknet.
/// </summary>
/// <param name="Cost">Σ delta², Darknet's <c>*l.cost</c>.</param>
/// <param name="AverageIou">Mean IoU of the assigned predictions with their truths.</param>
/// <param name="AverageClass">Mean predicted probability of the true class at assigned predictions.</param>
/// <param name="AverageObjectness">Mean objectness at assigned predictions.</param>
/// <param name="AverageNoObjectness">Mean objectness over all predictions.</param>
/// <param name="Recall50">Fraction of assigned truths whose prediction has IoU &gt; 0.5.</param>
/// <param name="Recall75">Fraction with IoU &gt; 0.75.</param>
/// <param name="Count">Truths assigned to an anchor of this head.</param>
public readonly record struct YoloLossStatistics(
    float Cost,
    float AverageIou,
    float AverageClass,
    float AverageObjectness,
    float AverageNoObjectness,
    float Recall50,
    float Recall75,
    int Count);
