using Converters.Abstractions;

namespace Converters.Hosting;

/// <summary>A loaded format with its name read once at load time and the plugin that provides it.</summary>
/// <param name="Name">The format's <see cref="IModelFormat.Name"/>.</param>
/// <param name="Format">The format.</param>
/// <param name="Plugin">The plugin it came from.</param>
internal sealed record RegisteredFormat(string Name, IModelFormat Format, LoadedPlugin Plugin);
