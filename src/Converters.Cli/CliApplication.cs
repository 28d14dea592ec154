using System.CommandLine;
using Converters.Cli.Commands;
using Converters.Hosting;
using Converters.Ir.Diagnostics;
using Spectre.Console;

namespace Converters.Cli;

/// <summary>
/// Builds the <c>converters</c> command tree, runs one invocation and maps its outcome to an exit
/// code: 0 ok, 2 bad input (one compiler-style line on the error console), 1 internal error
/// (stack trace only with <c>--verbose</c>). Output goes through the injected consoles so tests read it.
/// </summary>
public sealed class CliApplication
{
    private readonly IAnsiConsole _output;
    private readonly IAnsiConsole _error;
    private readonly TextWriter _outputWriter;
    private readonly TextWriter _errorWriter;
    private readonly PluginSearchOptions _pluginSearch;

    /// <summary>Creates the application over the given consoles.</summary>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where diagnostics go.</param>
    /// <param name="outputWriter">The writer behind <paramref name="output"/>, for help text.</param>
    /// <param name="errorWriter">The writer behind <paramref name="error"/>.</param>
    /// <param name="pluginSearch">Where to look for plugins besides <c>--plugins</c>; default: bundled and <c>CONVERTERS_PLUGINS</c>.</param>
    public CliApplication(IAnsiConsole output, IAnsiConsole error, TextWriter outputWriter, TextWriter errorWriter, PluginSearchOptions? pluginSearch = null)
    {
        _output = output;
        _error = error;
        _outputWriter = outputWriter;
        _errorWriter = errorWriter;
        _pluginSearch = pluginSearch ?? new PluginSearchOptions();
    }

    /// <summary>Runs <paramref name="args"/> and returns the exit code.</summary>
    public int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool verbose = args.Contains("--verbose");
        try
        {
            using PluginCatalog catalog = PluginCatalog.Load(_pluginSearch with
            {
                Directories = [.. _pluginSearch.Directories, .. CommonOptions.PreScanPluginDirectories(args)],
            });
            bool listingPlugins = args.Length > 0 && args[0] == "plugins";
            if (!listingPlugins)
            {
                foreach (PluginLoadException problem in catalog.Errors)
                {
                    _error.WriteLine($"warning: {problem.Message}");
                }
            }

            var context = new CliContext(_output, _error, catalog);
            RootCommand root = BuildRoot(context);
            ParseResult parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (System.CommandLine.Parsing.ParseError parseError in parse.Errors)
                {
                    _error.WriteLine($"converters: {parseError.Message}");
                }

                _error.WriteLine("Run 'converters --help' for usage.");
                return ExitCodes.BadInput;
            }

            return parse.Invoke(new InvocationConfiguration
            {
                Output = _outputWriter,
                Error = _errorWriter,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (InputFormatException ex)
        {
            return Fail(ex.ToDiagnostic(), ex, verbose, ExitCodes.BadInput);
        }
        catch (IrValidationException ex)
        {
            return Fail(ex.Message, ex, verbose, ExitCodes.BadInput);
        }
        catch (OutputException ex)
        {
            return Fail(ex.Message, ex, verbose, ExitCodes.BadInput);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            int code = Fail($"internal error: {ex.GetType().Name}: {ex.Message}", ex, verbose, ExitCodes.InternalError);
            if (!verbose)
            {
                _error.WriteLine("(run with --verbose for the stack trace)");
            }

            return code;
        }
    }

    /// <summary>The command tree; formats' own options are offered on <c>convert</c>.</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("Converters: import Caffe, Darknet and TensorFlow models into one IR, inspect, convert, prune and deploy them.");
        root.Add(CommonOptions.Plugins);
        root.Add(CommonOptions.Verbose);
        root.Add(PluginsCommand.Create(context));
        root.Add(InspectCommand.Create(context));
        root.Add(ConvertCommand.Create(context));
        root.Add(RunCommand.Create(context));
        root.Add(BenchCommand.Create(context));
        root.Add(EvalCommand.Create(context));
        root.Add(TrainCommand.Create(context));
        root.Add(FinetuneCommand.Create(context));
        root.Add(AnaCommand.Create(context));
        root.Add(PruneCommand.Create(context));
        root.Add(TransformCommand.Create(context));
        return root;
    }

    private int Fail(string message, Exception ex, bool verbose, int code)
    {
        _error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        if (verbose)
        {
            _error.WriteLine(ex.ToString());
        }

        return code;
    }
}
