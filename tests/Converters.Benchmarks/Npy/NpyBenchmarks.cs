using BenchmarkDotNet.Attributes;
using Converters.Ir;
using Converters.Ir.Npy;

namespace Converters.Benchmarks.Npy;

/// <summary>Reading and writing a large float32 <c>.npy</c> file with <see cref="NpyReader"/> and <see cref="NpyWriter"/>.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class NpyBenchmarks
{
    private string _folder = string.Empty;
    private string _input = string.Empty;
    private string _output = string.Empty;
    private TensorData? _tensor;

    /// <summary>The shape of the float32 volume.</summary>
    [Params(NpyBenchmarkData.Activation, NpyBenchmarkData.Yolov3Weights)]
    public string Shape { get; set; } = NpyBenchmarkData.Activation;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("converters-bench-npy-").FullName;
        _input = Path.Combine(_folder, "input.npy");
        _output = Path.Combine(_folder, "output.npy");
        _tensor = NpyBenchmarkData.Create(Shape);
        NpyWriter.Write(_input, _tensor);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tensor = null;
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary><see cref="NpyReader.Read(string)"/> of the file (in the page cache after warm-up).</summary>
    [Benchmark]
    public TensorData Read() => NpyReader.Read(_input);

    /// <summary><see cref="NpyWriter.Write(string, TensorData)"/>: temporary file, then rename over the previous output.</summary>
    [Benchmark]
    public void Write() => NpyWriter.Write(_output, _tensor!);
}
