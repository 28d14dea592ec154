using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Converters.Cli.Loading;
using Converters.Cli.Output;
using Converters.Engine;
using Converters.Engine.Diagnostics;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Statistics;
using Spectre.Console;

namespace Converters.Cli.Commands;

/// <summary>
/// <c>converters bench FILES... [--size WxH] [--batch N] [--warmup N] [--repeat N] [--threads T] [--json OUT]</c>:
/// times the float engine's forward pass on a seeded random input: warm-up runs, then timed runs;
/// prints the median and the spread, the model's GFLOP/s (2 × multiply-accumulates of its
/// convolutions and fully connected layers over the median) and that rate against the SGEMM peak
/// measured on this machine in the same run.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "The model's files; the format is detected.",
            Arity = ArgumentArity.OneOrMore,
        };
        var size = new Option<string?>("--size")
        {
            Description = "Input width x height (default: the model's own), e.g. 416x416.",
            HelpName = "WxH",
        };
        var batch = new Option<int?>("--batch")
        {
            Description = "Images per forward pass (default: the model's batch).",
            HelpName = "N",
        };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Untimed forward passes first.",
            DefaultValueFactory = _ => 2,
            HelpName = "N",
        };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Timed forward passes.",
            DefaultValueFactory = _ => 10,
            HelpName = "N",
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads for convolution and GEMM (default: all cores).",
            HelpName = "T",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write the results, every sample included, as JSON to this file.",
            HelpName = "OUT",
        };
        var command = new Command("bench", "Time the float engine's forward pass: median and spread, GFLOP/s, and the machine's measured SGEMM peak.")
        {
            files,
            size,
            batch,
            warmup,
            repeat,
            threads,
            json,
        };
        command.SetAction(parse => Run(
            context,
            parse.GetRequiredValue(files),
            parse.GetValue(size),
            parse.GetValue(batch),
            parse.GetValue(warmup),
            parse.GetValue(repeat),
            parse.GetValue(threads),
            parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string? sizeText, int? batch, int warmup, int repeat, int? threads, string? jsonPath)
    {
        CommonOptions.RequirePositive(batch, "--batch");
        CommonOptions.RequirePositive(threads, "--threads");
        CommonOptions.RequirePositive(repeat, "--repeat");
        if (warmup < 0)
        {
            throw new InputFormatException($"must be 0 or more, got {warmup}") { FieldPath = "--warmup" };
        }

        (int Width, int Height)? size = sizeText is null ? null : InputGeometry.ParseSize(sizeText, "--size");
        LoadedModel loaded = ModelLoader.Load(context.Plugins, paths);
        Model model = InputGeometry.Resize(loaded.Model, size?.Width, size?.Height, batch, sizeText is null ? "--batch" : "--size");
        int threadCount = threads ?? Environment.ProcessorCount;

        long macs = ModelStatistics.Compute(model.Graph).TotalMacs;
        var session = new InferenceSession(model, new InferenceSessionOptions { MaxThreads = threadCount });
        Dictionary<string, TensorData> inputs = RandomInputs(model.Graph);

        for (int i = 0; i < warmup; i++)
        {
            session.Run(inputs);
        }

        double[] samples = new double[repeat];
        for (int i = 0; i < repeat; i++)
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(inputs);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        double peak = GemmPeak.Measure(threadCount);
        var stats = SampleStatistics.Of(samples);
        double gflops = macs * 2.0 / (stats.Median / 1e3) / 1e9;

        string shapes = string.Join(", ", model.Graph.Inputs.Select(i => i.Shape.ToString()));
        context.Output.WriteLine($"{Path.GetFileName(paths[0])}: input {shapes}, {Numbers.Short(macs * 2)}FLOP per forward, {threadCount} thread(s), {warmup} warm-up + {repeat} timed runs");
        var table = new Table().Border(TableBorder.Simple);
        foreach (string column in new[] { "median ms", "min ms", "max ms", "spread", "GFLOP/s", "SGEMM peak GFLOP/s", "of peak" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        table.AddRow(
            F(stats.Median),
            F(stats.Min),
            F(stats.Max),
            "±" + (stats.MedianAbsoluteDeviation / stats.Median * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
            F(gflops, "0.0"),
            F(peak, "0.0"),
            (gflops / peak * 100).ToString("0", CultureInfo.InvariantCulture) + "%");
        context.Output.Write(table);
        context.Output.WriteLine("spread: median absolute deviation over the median; peak: this engine's 1024³ SGEMM on the same threads, best of 5.");

        if (jsonPath is not null)
        {
            JsonReport.Write(jsonPath, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("model", paths[0]);
                writer.WriteStartArray("input");
                foreach (int d in model.Graph.Inputs[0].Shape.Dimensions)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteNumber("threads", threadCount);
                writer.WriteNumber("warmup", warmup);
                writer.WriteNumber("flops", macs * 2);
                writer.WriteNumber("median_ms", stats.Median);
                writer.WriteNumber("min_ms", stats.Min);
                writer.WriteNumber("max_ms", stats.Max);
                writer.WriteNumber("mad_ms", stats.MedianAbsoluteDeviation);
                writer.WriteNumber("gflops", gflops);
                writer.WriteNumber("sgemm_peak_gflops", peak);
                writer.WriteStartArray("samples_ms");
                foreach (double s in samples)
                {
                    writer.WriteNumberValue(s);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            context.Output.WriteLine($"wrote {jsonPath}");
        }

        return ExitCodes.Success;
    }

    private static Dictionary<string, TensorData> RandomInputs(Graph graph)
    {
        var random = new Random(1);
        var inputs = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (ValueInfo info in graph.Inputs)
        {
            if (info.DataType != DataType.Float32)
            {
                throw new InputFormatException($"bench feeds float32 inputs; input '{info.Name}' is {info.DataType}") { FieldPath = "inputs" };
            }

            var tensor = TensorData.Zeros(DataType.Float32, info.Shape);
            Span<float> values = tensor.AsSpan<float>();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = random.NextSingle();
            }

            inputs[info.Name] = tensor;
        }

        return inputs;
    }

    private static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);
}
