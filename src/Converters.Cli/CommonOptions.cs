using System.CommandLine;

namespace Converters.Cli;

/// <summary>Options every command accepts.</summary>
internal static class CommonOptions
{
    /// <summary><c>--plugins DIR</c>: more plugin folders (repeatable).</summary>
    public static Option<string[]> Plugins { get; } = new("--plugins")
    {
        Description = "A folder of plugins (or one plugin folder) to load besides the bundled ones; repeatable. CONVERTERS_PLUGINS adds more.",
        Recursive = true,
        HelpName = "DIR",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary><c>--verbose</c>: stack traces on errors.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show stack traces with errors.",
        Recursive = true,
    };

    /// <summary>
    /// The values of <c>--plugins</c> found before parsing: plugins must be loaded before the
    /// command tree is built, because formats add their own options to it.
    /// </summary>
    public static IReadOnlyList<string> PreScanPluginDirectories(IReadOnlyList<string> args)
    {
        var directories = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                break;
            }

            if (arg == "--plugins" && i + 1 < args.Count)
            {
                directories.Add(args[++i]);
            }
            else if (arg.StartsWith("--plugins=", StringComparison.Ordinal) || arg.StartsWith("--plugins:", StringComparison.Ordinal))
            {
                directories.Add(arg["--plugins=".Length..]);
            }
        }

        return directories;
    }

    /// <summary>Checks an optional count option: absent, or at least 1.</summary>
    /// <exception cref="Converters.Ir.Diagnostics.InputFormatException">It is given and below 1.</exception>
    public static void RequirePositive(int? value, string option)
    {
        if (value is < 1)
        {
            throw new Converters.Ir.Diagnostics.InputFormatException($"must be a positive integer, got {value}") { FieldPath = option };
        }
    }
}
