using System.CommandLine;
using Converters.Abstractions;
using Converters.Hosting;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary><c>converters plugins</c>: the loaded plugins and the ones that were rejected.</summary>
internal static class PluginsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("plugins", "List the loaded format plugins (name, version, formats, extensions, path) and any that failed to load.");
        command.SetAction(_ => Run(context));
        return command;
    }

    private static int Run(CliContext context)
    {
        PluginCatalog catalog = context.Plugins;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("plugin");
        table.AddColumn("version");
        table.AddColumn("formats");
        table.AddColumn("extensions");
        table.AddColumn("read/write");
        table.AddColumn("path");
        foreach (LoadedPlugin plugin in catalog.Plugins)
        {
            foreach (IModelFormat format in plugin.Formats)
            {
                string access = (format.CanRead ? "read" : string.Empty) + (format.CanRead && format.CanWrite ? "/" : string.Empty) + (format.CanWrite ? "write" : string.Empty);
                table.AddRow(
                    new Text(plugin.Name),
                    new Text(plugin.Version.ToString()),
                    new Text($"{format.Name}: {format.DisplayName}"),
                    new Text(string.Join(" ", format.Extensions)),
                    new Text(access),
                    new Text(plugin.AssemblyPath));
            }
        }

        context.Output.Write(table);
        context.Output.WriteLine($"{catalog.Plugins.Count} plugin(s), {catalog.Formats.Count} format(s)");
        foreach (PluginLoadException problem in catalog.Errors)
        {
            context.Error.WriteLine($"rejected: {problem.Message}");
        }

        return ExitCodes.Success;
    }
}
