using Converters.Ir.Diagnostics;
using Converters.Ir.Npy;
using Converters.Testing.Mutation;
using Xunit.Abstractions;

namespace Converters.Ir.Tests.Npy;

public sealed class NpyMutationTests(ITestOutputHelper output)
{
    public static TheoryData<DataType, string, bool> Inputs() => new()
    {
        { DataType.Float32, "2x3x4", false },
        { DataType.Int16, "2x3", true },
        { DataType.Bool, "3x3", false },
        { DataType.Float64, "", false },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Read_SeededBinaryMutants_OnlyNpyFormatExceptionEscapes(DataType dataType, string shape, bool fortranOrder)
    {
        // Given a valid .npy file (optionally a hand-made Fortran-order one) and the offsets of its sections
        TensorData tensor = NpyPattern.Create(dataType, NpyPattern.ParseShape(shape));
        using var buffer = new MemoryStream();
        NpyWriter.Write(buffer, tensor);
        byte[] valid = buffer.ToArray();
        if (fortranOrder)
        {
            string dims = string.Join(", ", tensor.Shape.Dimensions);
            valid = NpyBytes.Build($"{{'descr': '<i2', 'fortran_order': True, 'shape': ({dims}), }}", [.. valid.AsSpan(NpyBytes.DataStart(valid))]);
        }

        var options = new MutationOptions { Seed = 20240601, Count = 400, Boundaries = [6, 8, 10, NpyBytes.DataStart(valid)] };

        // When the harness reads 400 seeded mutants of it
        MutationReport report = ReaderMutationHarness.Run("tensor.npy", valid, ReadOrFailOnForeignException, options);
        output.WriteLine(report.ToString());

        // Then every mutant was either read or rejected with an NpyFormatException (any other
        // exception, a hang or a runaway allocation fails the harness)
        report.Mutants.ShouldBe(400);
        report.Rejected.ShouldBeGreaterThan(0);
    }

    private static void ReadOrFailOnForeignException(string path)
    {
        try
        {
            NpyReader.Read(path);
        }
        catch (InputFormatException e) when (e is not NpyFormatException)
        {
            throw new InvalidOperationException($"The reader threw {e.GetType().Name}, not NpyFormatException.", e);
        }
    }
}
