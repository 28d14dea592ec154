using Converters.Abstractions;
using Converters.Ir;

namespace Converters.Cli.Loading;

/// <summary>A model read from the user's files, with the format that read it.</summary>
/// <param name="Model">The verified model, shapes inferred.</param>
/// <param name="Format">The format that read it.</param>
/// <param name="Files">The files it was read from.</param>
internal sealed record LoadedModel(Model Model, IModelFormat Format, IReadOnlyList<ModelFile> Files);
