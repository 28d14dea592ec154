using System.CommandLine;
using Converters.Cli.Training;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters finetune FILES... --data SPEC [--teacher FILES...] [--epochs N] [--solver S.yaml] [--sparsity L]</c>:
/// continues training a model with weights (after pruning, or for sparse training before it), with
/// knowledge distillation from a teacher when given, a checkpoint per epoch in the workspace, and the
/// finetuned model written in its own format; see <see cref="TrainingRun"/>.
/// </summary>
internal static class FinetuneCommand
{
    public static Command Create(CliContext context)
    {
        var options = new TrainingCommandOptions(defaultOutput: "finetuned");
        var teacher = new Option<string[]>("--teacher")
        {
            Description = "The teacher model's files for knowledge distillation (usually the model before pruning).",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
            HelpName = "FILES",
        };
        var sparsity = new Option<float>("--sparsity")
        {
            Description = "λ of the L1 penalty on BN scales (network slimming's sparse training), e.g. 1e-4; 0 for none.",
            HelpName = "L",
        };
        var command = new Command("finetune", "Finetune a model with weights (optionally distilled from a teacher, or with L1 sparsity on BN scales); checkpoints every epoch.")
        {
            teacher,
            sparsity,
        };
        options.AddTo(command);
        command.SetAction(parse => (options.Bind(parse, fromScratch: false) with
        {
            TeacherPaths = parse.GetValue(teacher) ?? [],
            Sparsity = parse.GetValue(sparsity),
        }).Execute(context));
        return command;
    }
}
