using Converters.Abstractions;

namespace Converters.Hosting;

/// <summary>The format that recognised a set of files, how sure it was, and the plugin it came from.</summary>
/// <param name="Format">The format.</param>
/// <param name="Confidence">How sure the format was; never <see cref="DetectionConfidence.None"/>.</param>
/// <param name="Plugin">The plugin that provides <paramref name="Format"/>.</param>
public sealed record FormatMatch(IModelFormat Format, DetectionConfidence Confidence, LoadedPlugin Plugin);
