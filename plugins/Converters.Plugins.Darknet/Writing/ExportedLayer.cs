using Converters.Ir;
using Converters.Plugins.Darknet.Weights;

namespace Converters.Plugins.Darknet.Writing;

/// <summary>One section to write and the arrays it contributes to the .weights file, in order.</summary>
internal sealed record ExportedLayer(SectionBuilder Section, IReadOnlyList<(WeightSlot Slot, TensorData Tensor)> Arrays);
