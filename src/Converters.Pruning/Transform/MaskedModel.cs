using Converters.Ir;

namespace Converters.Pruning.Transform;

/// <summary>
/// A plan applied as masks: the model with the same shapes, pruned channels switched off, and one
/// 0/1 mask per changed parameter (usable as the training engine's <c>TrainableParameter.Mask</c>
/// so that finetuning keeps them off).
/// </summary>
/// <param name="Model">The masked model.</param>
/// <param name="Masks">Initializer name → mask of the same length (1 = kept, 0 = pruned).</param>
public sealed record MaskedModel(Model Model, IReadOnlyDictionary<string, float[]> Masks);
