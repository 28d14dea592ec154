using System.CommandLine;
using System.Globalization;
using Converters.Abstractions;
using Converters.Cli.Loading;
using Converters.Cli.Pruning;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;
using Converters.Pruning.Transform;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters transform FILES... --plan PLAN.json -o DIR [--to FORMAT]</c>: applies a plan by
/// removing the pruned channels and writes the slim model in its own format (and another).
/// </summary>
internal static class TransformCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Description = "The model's files; the format is detected.", Arity = ArgumentArity.ZeroOrMore };
        var config = new Option<string?>("--config") { Description = "Apply the plan a data-free 'prune --config' left in the workspace; write workspace/final.", HelpName = "C.yaml" };
        var planOption = new Option<string?>("--plan") { Description = "The pruning plan (plan.json written by prune).", HelpName = "PLAN" };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for the slim model.", HelpName = "DIR" };
        var to = new Option<string?>("--to") { Description = "Also write the slim model in this format (darknet, caffe, tensorflow, …).", HelpName = "FORMAT" };
        var name = new Option<string?>("--name") { Description = "Base name of the written files (default: the first model file's).", HelpName = "NAME" };
        var command = new Command("transform", "Apply a pruning plan: remove the pruned channels (folding their constant output into the next layer) and write the slim model.")
        {
            files, config, planOption, output, to, name,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(config) is string yaml)
            {
                return PruningWorkflow.Transform(context, yaml);
            }

            string[] paths = parse.GetValue(files) is { Length: > 0 } p ? p : throw new InputFormatException("name the model's files, or give --config C.yaml") { FieldPath = "transform" };
            string planPath = parse.GetValue(planOption) ?? throw new InputFormatException("give the plan to apply") { FieldPath = "--plan" };
            string folder = parse.GetValue(output) ?? throw new InputFormatException("give the output folder for the slim model") { FieldPath = "--output" };
            LoadedModel loaded = ModelLoader.Load(context.Plugins, paths);
            IModelFormat? extra = parse.GetValue(to) is string formatName
                ? context.Plugins.FindFormat(formatName)
                    ?? throw new InputFormatException($"no plugin writes \"{formatName}\" (known: {string.Join(", ", context.Plugins.Formats.Where(f => f.CanWrite).Select(f => f.Name))})") { FieldPath = "--to" }
                : null;
            if (!loaded.Format.CanWrite)
            {
                throw new InputFormatException($"the {loaded.Format.Name} plugin reads but does not write") { FilePath = paths[0] };
            }

            PruningPlan plan = PruningPlan.Load(planPath);
            IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(loaded.Model);
            try
            {
                plan.Validate(groups, planPath);
            }
            catch (PruningPlanException ex) when (ex.FilePath is null)
            {
                throw new PruningPlanException(ex.Message, ex) { FilePath = planPath, FieldPath = ex.FieldPath };
            }

            Model slim = SlimTransform.Apply(loaded.Model, groups, plan);
            PruningSummary.Create(loaded.Model, slim, null, null, null).Print(context.Output);
            string baseName = parse.GetValue(name) ?? loaded.Files[0].BaseName;
            foreach (IModelFormat format in extra is null || extra == loaded.Format ? new[] { loaded.Format } : new[] { loaded.Format, extra })
            {
                IReadOnlyList<string> written;
                try
                {
                    written = format.Write(slim, folder, baseName, FormatOptions.Empty);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new OutputException($"{folder}: cannot write the {format.Name} files: {ex.Message}", ex);
                }

                foreach (string file in written)
                {
                    context.Output.WriteLine($"wrote {file} ({new FileInfo(file).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
