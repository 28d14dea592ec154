using System.CommandLine;

namespace Converters.Cli.Training;

/// <summary>The options <c>train</c> and <c>finetune</c> share.</summary>
internal sealed class TrainingCommandOptions
{
    private readonly Argument<string[]> _files = new("files")
    {
        Description = "The model's files (e.g. mnist-cnn.cfg, or x.cfg x.weights); the format is detected.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _data = new("--data", "-d")
    {
        Description = "Training data: KIND:LOCATION[?key=value&...] (docs/datasets.md). Without split=..., its seeded 80/20 split gives train and test.",
        Required = true,
        HelpName = "SPEC",
    };

    private readonly Option<string?> _test = new("--test")
    {
        Description = "Test data (default: the test split of --data).",
        HelpName = "SPEC",
    };

    private readonly Option<int?> _epochs = new("--epochs")
    {
        Description = "Epochs (default: the solver's, else 1).",
        HelpName = "N",
    };

    private readonly Option<int?> _batch = new("--batch")
    {
        Description = "Images per optimizer step (default: the solver's or the cfg's batch, else 64).",
        HelpName = "B",
    };

    private readonly Option<string?> _solver = new("--solver")
    {
        Description = "A YAML solver file with Caffe (base_lr, lr_policy, momentum, weight_decay, max_iter) or Darknet (learning_rate, policy, steps, scales, burn_in, decay) fields. Default: a Darknet cfg's own [net] keys.",
        HelpName = "S.yaml",
    };

    private readonly Option<int?> _threads = new("--threads")
    {
        Description = "Threads (default: all cores). Results are deterministic for a given seed and thread count.",
        HelpName = "T",
    };

    private readonly Option<ulong> _seed = new("--seed")
    {
        Description = "Seed of the initialisation, shuffles and dropout.",
        DefaultValueFactory = _ => 1,
        HelpName = "S",
    };

    private readonly Option<float> _bnMomentum = new("--bn-momentum")
    {
        Description = "Weight of each batch in the BN running statistics (PyTorch's momentum). Darknet uses 0.01, which lags far behind a short run.",
        DefaultValueFactory = _ => 0.1f,
        HelpName = "M",
    };

    private readonly Option<string> _output;

    private readonly Option<string?> _workspace = new("--workspace")
    {
        Description = "Folder for the per-epoch checkpoints (checkpoints/epoch-N); default: the output folder.",
        HelpName = "DIR",
    };

    private readonly Option<string?> _name = new("--name")
    {
        Description = "Base name of the written files (default: the first model file's).",
        HelpName = "BASE",
    };

    private readonly Option<string?> _json = new("--json")
    {
        Description = "Also write one record per epoch (epoch, seconds, loss, metric) as JSON to this file.",
        HelpName = "OUT",
    };

    public TrainingCommandOptions(string defaultOutput)
    {
        _output = new Option<string>("--output", "-o")
        {
            Description = $"Folder the trained model is written to (default: ./{defaultOutput}).",
            DefaultValueFactory = _ => defaultOutput,
            HelpName = "DIR",
        };
    }

    public void AddTo(Command command)
    {
        command.Add(_files);
        foreach (Option option in new Option[] { _data, _test, _epochs, _batch, _solver, _threads, _seed, _bnMomentum, _output, _workspace, _name, _json })
        {
            command.Add(option);
        }
    }

    public TrainingRun Bind(ParseResult parse, bool fromScratch) => new()
    {
        ModelPaths = parse.GetRequiredValue(_files),
        Data = parse.GetRequiredValue(_data),
        Test = parse.GetValue(_test),
        Epochs = parse.GetValue(_epochs),
        Batch = parse.GetValue(_batch),
        SolverPath = parse.GetValue(_solver),
        Threads = parse.GetValue(_threads),
        Seed = parse.GetValue(_seed),
        BatchNormMomentum = parse.GetValue(_bnMomentum),
        OutputDirectory = parse.GetRequiredValue(_output),
        Workspace = parse.GetValue(_workspace),
        Name = parse.GetValue(_name),
        JsonPath = parse.GetValue(_json),
        FromScratch = fromScratch,
    };
}
