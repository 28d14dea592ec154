using System.CommandLine;
using Converters.Abstractions;
using Converters.Cli.Loading;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Verification;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters convert FILES... --to FORMAT -o DIR</c>: reads with the detected format and writes
/// with the named one. Each loaded format's own options are offered as <c>--NAME</c>.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "The model's files; the format is detected.",
            Arity = ArgumentArity.OneOrMore,
        };
        var to = new Option<string>("--to")
        {
            Description = "The format to write: " + FormatNames(context) + ".",
            Required = true,
            HelpName = "FORMAT",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The folder to write into (created if needed).",
            Required = true,
            HelpName = "DIR",
        };
        var name = new Option<string?>("--name")
        {
            Description = "The base name of the written files (default: the first input's name).",
            HelpName = "BASE",
        };
        var command = new Command("convert", "Convert a model to another format (or rewrite it in its own).")
        {
            files,
            to,
            output,
            name,
        };

        var formatOptions = new List<(Option Option, FormatOption Declared, IModelFormat Format)>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (IModelFormat format in context.Plugins.Formats)
        {
            foreach (FormatOption declared in format.Options)
            {
                if (!taken.Add(declared.Name))
                {
                    continue;
                }

                Option option = declared.IsFlag
                    ? new Option<bool>("--" + declared.Name) { Description = $"[{format.Name}] {declared.Description}" }
                    : new Option<string?>("--" + declared.Name) { Description = $"[{format.Name}] {declared.Description}" };
                command.Add(option);
                formatOptions.Add((option, declared, format));
            }
        }

        command.SetAction(parse =>
        {
            var set = new List<(FormatOption Declared, IModelFormat Format, string? Value)>();
            foreach ((Option option, FormatOption declared, IModelFormat format) in formatOptions)
            {
                if (parse.GetResult(option) is { Implicit: false })
                {
                    string? value = declared.IsFlag ? (parse.GetValue((Option<bool>)option) ? "true" : "false") : parse.GetValue((Option<string?>)option);
                    set.Add((declared, format, value));
                }
            }

            return Run(context, parse.GetRequiredValue(files), parse.GetRequiredValue(to), parse.GetRequiredValue(output), parse.GetValue(name), set);
        });
        return command;
    }

    private static int Run(
        CliContext context,
        string[] paths,
        string targetName,
        string outputDirectory,
        string? baseName,
        List<(FormatOption Declared, IModelFormat Format, string? Value)> set)
    {
        IModelFormat target = context.Plugins.FindFormat(targetName)
            ?? throw new UnknownModelFormatException($"--to {targetName}: no loaded plugin writes that format; available: {FormatNames(context)}");
        if (!target.CanWrite)
        {
            throw new UnknownModelFormatException($"--to {targetName}: the {target.Name} plugin reads but does not write");
        }

        // Options belong to one format: reading takes the source format's, writing the target's.
        (ModelFile[] files, IModelFormat source) = ModelLoader.Detect(context.Plugins, paths);
        foreach ((FormatOption declared, IModelFormat format, _) in set)
        {
            if (!ReferenceEquals(format, target) && !ReferenceEquals(format, source))
            {
                throw new ModelFormatException($"--{declared.Name} is an option of the {format.Name} format, which is neither the source ({source.Name}) nor the target ({target.Name})");
            }
        }

        LoadedModel loaded = ModelLoader.Read(files, source, OptionsFor(source, set));
        string name = string.IsNullOrWhiteSpace(baseName) ? loaded.Files[0].BaseName : baseName;
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new OutputException($"--name {name}: not a valid file name");
        }

        Model model = loaded.Model;
        IReadOnlyList<string> written;
        try
        {
            written = target.Write(model, outputDirectory, name, OptionsFor(target, set));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{outputDirectory}: cannot write the {target.Name} files: {ex.Message}", ex);
        }

        IReadOnlyList<VerificationIssue> issues = GraphVerifier.Verify(model.Graph);
        if (issues.Count > 0)
        {
            // A writer must not damage the model it was given; this is a plugin bug.
            throw new InvalidOperationException($"the {target.Name} writer left the model invalid: {issues[0].Message}");
        }

        context.Output.WriteLine($"read {string.Join(" ", paths)} as {loaded.Format.Name}: {model.Graph.Nodes.Count} nodes");
        foreach (string file in written)
        {
            long size = new FileInfo(file).Length;
            context.Output.WriteLine($"wrote {file} ({size.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes)");
        }

        return ExitCodes.Success;
    }

    private static FormatOptions OptionsFor(IModelFormat format, List<(FormatOption Declared, IModelFormat Format, string? Value)> set) =>
        new(set.Where(s => ReferenceEquals(s.Format, format)).Select(s => new KeyValuePair<string, string?>(s.Declared.Name, s.Value)));

    private static string FormatNames(CliContext context)
    {
        string[] names = [.. context.Plugins.Formats.Where(f => f.CanWrite).Select(f => f.Name)];
        return names.Length == 0 ? "(no writable formats loaded)" : string.Join(", ", names);
    }
}
