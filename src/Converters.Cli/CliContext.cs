using Converters.Hosting;
using Spectre.Console;

namespace Converters.Cli;

/// <summary>What every command handler shares: the consoles and the loaded plugins.</summary>
/// <param name="Output">Results (tables, summaries).</param>
/// <param name="Error">Diagnostics and warnings.</param>
/// <param name="Plugins">The plugins found for this invocation.</param>
internal sealed record CliContext(IAnsiConsole Output, IAnsiConsole Error, PluginCatalog Plugins);
