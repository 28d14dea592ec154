using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Converters.Abstractions;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Engine;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Npy;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters run FILES... --input X.npy --output-dir D [--outputs NAME,...] [--repeat N] [--threads T]</c>:
/// runs the model forward with the float engine and writes the graph outputs as <c>D/&lt;k&gt;.npy</c>
/// (k = output index), or each named value as <c>D/&lt;escaped name&gt;.npy</c>, plus <c>D/outputs.json</c>.
/// Names are escaped by percent-encoding every UTF-8 byte outside <c>A-Z a-z 0-9 _ -</c> and a
/// leading '.' (so <c>conv/1</c> becomes <c>conv%2F1.npy</c>). The files appear together or not at all.
/// </summary>
internal static class RunCommand
{
    private static readonly JsonWriterOptions s_json = new() { Indented = true };

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "The model's files; the format is detected.",
            Arity = ArgumentArity.OneOrMore,
        };
        var input = new Option<string[]>("--input", "-i")
        {
            Description = "An input tensor as .npy: PATH for a single-input model, or NAME=PATH (repeat for several inputs).",
            Required = true,
            HelpName = "X.npy",
        };
        var outputDir = new Option<string>("--output-dir", "-o")
        {
            Description = "The folder to write the .npy results and outputs.json into (created if needed).",
            Required = true,
            HelpName = "DIR",
        };
        var outputs = new Option<string?>("--outputs")
        {
            Description = "Comma-separated values to write instead of the graph outputs (any node output, input or initializer).",
            HelpName = "NAME,...",
        };
        var repeat = new Option<int?>("--repeat")
        {
            Description = "Run N more times after the first and print the median forward time.",
            HelpName = "N",
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads for convolution and GEMM (default: all cores).",
            HelpName = "T",
        };
        var command = new Command("run", "Run a model forward (float32) on .npy inputs and write the outputs as .npy.")
        {
            files,
            input,
            outputDir,
            outputs,
            repeat,
            threads,
        };
        command.SetAction(parse => Run(
            context,
            parse.GetRequiredValue(files),
            parse.GetRequiredValue(input),
            parse.GetRequiredValue(outputDir),
            parse.GetValue(outputs),
            parse.GetValue(repeat),
            parse.GetValue(threads)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string[] inputSpecs, string outputDir, string? outputList, int? repeat, int? threads)
    {
        CommonOptions.RequirePositive(repeat, "--repeat");
        CommonOptions.RequirePositive(threads, "--threads");

        LoadedModel loaded = ModelLoader.Load(context.Plugins, paths);
        Graph graph = loaded.Model.Graph;
        var session = new InferenceSession(loaded.Model, new InferenceSessionOptions { MaxThreads = threads ?? Environment.ProcessorCount });
        Dictionary<string, TensorData> inputs = ReadInputs(graph, inputSpecs);

        bool named = outputList is not null;
        string[] wanted = named
            ? [.. outputList!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [.. graph.Outputs];
        if (wanted.Length == 0)
        {
            throw new InputFormatException("--outputs names no value") { FieldPath = "--outputs" };
        }

        IReadOnlyDictionary<string, TensorData> results = session.Run(inputs, wanted);
        if (repeat is int n)
        {
            var samples = new double[n];
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                session.Run(inputs, wanted);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            var stats = SampleStatistics.Of(samples);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forward: median {stats.Median:0.00} ms over {n} runs (min {stats.Min:0.00} ms, max {stats.Max:0.00} ms)"));
        }

        var written = new List<(string Name, string File, TensorShape Shape)>();
        try
        {
            using var set = new AtomicFileSet(outputDir);
            for (int k = 0; k < wanted.Length; k++)
            {
                string file = named ? EscapeFileName(wanted[k]) + ".npy" : k.ToString(CultureInfo.InvariantCulture) + ".npy";
                if (written.Any(w => w.File == file))
                {
                    continue;
                }

                using (Stream stream = set.Create(file))
                {
                    NpyWriter.Write(stream, results[wanted[k]]);
                }

                written.Add((wanted[k], file, results[wanted[k]].Shape));
            }

            using (Stream stream = set.Create("outputs.json"))
            using (var writer = new Utf8JsonWriter(stream, s_json))
            {
                writer.WriteStartArray();
                foreach ((string name, string file, TensorShape shape) in written)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    writer.WriteString("file", file);
                    writer.WriteStartArray("shape");
                    foreach (int d in shape.Dimensions)
                    {
                        writer.WriteNumberValue(d);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            set.Commit();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OutputException($"{outputDir}: cannot write the outputs: {ex.Message}", ex);
        }

        foreach ((string name, string file, TensorShape shape) in written)
        {
            context.Output.WriteLine($"{name} {shape} -> {Path.Combine(outputDir, file)}");
        }

        context.Output.WriteLine($"wrote {written.Count} tensor(s) and {Path.Combine(outputDir, "outputs.json")}");
        return ExitCodes.Success;
    }

    private static Dictionary<string, TensorData> ReadInputs(Graph graph, string[] specs)
    {
        var inputs = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (string spec in specs)
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            string? name = eq > 0 && graph.Inputs.Any(i => i.Name == spec[..eq]) ? spec[..eq] : null;
            string path = name is null ? spec : spec[(eq + 1)..];
            if (name is null)
            {
                if (graph.Inputs.Count != 1)
                {
                    throw new InputFormatException($"the model has {graph.Inputs.Count} inputs ({string.Join(", ", graph.Inputs.Select(i => i.Name))}); name each one with --input NAME=PATH") { FilePath = path, FieldPath = "--input" };
                }

                name = graph.Inputs[0].Name;
            }

            if (inputs.ContainsKey(name))
            {
                throw new InputFormatException($"input '{name}' is given twice") { FilePath = path, FieldPath = "--input" };
            }

            try
            {
                inputs[name] = NpyReader.Read(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputFormatException($"cannot read the input: {ex.Message}", ex) { FilePath = path, FieldPath = "--input" };
            }
        }

        return inputs;
    }

    /// <summary>Percent-encodes every UTF-8 byte outside A-Z a-z 0-9 _ - (and a leading '.').</summary>
    internal static string EscapeFileName(string name)
    {
        var sb = new StringBuilder();
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            bool safe = b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or (byte)'-'
                || (b == (byte)'.' && i > 0);
            if (safe)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
