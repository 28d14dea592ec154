using System.CommandLine;
using Converters.Cli.Training;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters train MODEL... --data SPEC [--epochs N] [--batch B] [--solver S.yaml] [-o DIR] [--json OUT]</c>:
/// trains a model from a seeded random initialisation (every all-zero weight tensor — a Darknet
/// <c>.cfg</c> alone has no weights) and writes it in its own format; see <see cref="TrainingRun"/>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var options = new TrainingCommandOptions(defaultOutput: "trained");
        var command = new Command("train", "Train a model from random initialisation on a classification dataset; writes it in its own format.");
        options.AddTo(command);
        command.SetAction(parse => options.Bind(parse, fromScratch: true).Execute(context));
        return command;
    }
}
