using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Ir.Tests.Npy;

/// <summary>
/// Conformance with numpy (Debian's python3-numpy through /usr/bin/python3): files numpy writes
/// read back with the same values, and files we write are byte-identical to numpy.save's and load
/// in numpy with the same values. Skipped with a message when the oracle is missing, failed in CI.
/// </summary>
public sealed class NpyConformanceTests(ITestOutputHelper output)
{
    private const string NumpyWritesScript = NpyPattern.Python + """
        import sys
        out, dtype, shapes = sys.argv[1], sys.argv[2], sys.argv[3:]
        for k, text in enumerate(shapes):
            a = pattern(dtype, parse_shape(text))
            big = a.astype(a.dtype.newbyteorder('>'))
            np.save(f'{out}/c_{k}.npy', a)
            np.save(f'{out}/be_{k}.npy', big)
            np.save(f'{out}/f_{k}.npy', np.array(a, order='F'))
            np.save(f'{out}/fbe_{k}.npy', np.array(big, order='F'))
            for version in ((2, 0), (3, 0)):
                with open(f'{out}/v{version[0]}_{k}.npy', 'wb') as f:
                    np.lib.format.write_array(f, a, version=version)
        """;

    private const string NumpyReadsScript = NpyPattern.Python + """
        import sys
        out, dtype, shapes = sys.argv[1], sys.argv[2], sys.argv[3:]
        for k, text in enumerate(shapes):
            expected = pattern(dtype, parse_shape(text))
            np.save(f'{out}/numpy_{k}.npy', expected)
            got = np.load(f'{out}/ours_{k}.npy')
            print(k, got.dtype == expected.dtype, got.shape == expected.shape, np.array_equal(got, expected))
        """;

    private const string NumpyHeaderScript = """
        import io, sys
        import numpy as np
        out, specs = sys.argv[1], sys.argv[2:]
        for k, spec in enumerate(specs):
            descr, dims = spec.split(':')
            shape = (1,) * int(dims[4:]) if dims.startswith('ones') else tuple(int(x) for x in dims.split('x') if x)
            d = {'descr': descr, 'fortran_order': False, 'shape': shape}
            buffer = io.BytesIO()
            # numpy.save cannot make arrays of rank over 32 or of these sizes; this is the function
            # numpy.save calls to write the header, choosing the format version as it does.
            np.lib.format._write_array_header(buffer, d, None)
            with open(f'{out}/header_{k}.bin', 'wb') as f:
                f.write(buffer.getvalue())
        """;

    public static TheoryData<DataType> Types() => [.. NpyPattern.AllTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void Read_FilesWrittenByNumpy_SameValues(DataType dataType)
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given files numpy writes for the pattern in every shape: C order, big-endian, Fortran
        // order (also big-endian), and explicit format versions 2.0 and 3.0
        using var folder = new TempDirectory();
        Oracle.Python.Run(NumpyWritesScript, [folder.Path, DataTypeInfo.Name(dataType), .. NpyPattern.Shapes]);

        for (int k = 0; k < NpyPattern.Shapes.Length; k++)
        {
            TensorData expected = NpyPattern.Create(dataType, NpyPattern.ParseShape(NpyPattern.Shapes[k]));
            foreach (string kind in new[] { "c", "be", "f", "fbe", "v2", "v3" })
            {
                // When each is read
                string path = folder.Combine($"{kind}_{k}.npy");
                TensorData read = NpyReader.Read(path);

                // Then it holds the pattern
                read.ContentEquals(expected).ShouldBeTrue($"{kind} file for shape '{NpyPattern.Shapes[k]}' ({read}) differs from {expected}");
            }

            // and the Fortran files were really written in Fortran order where that is distinct
            bool distinct = expected.Shape.Rank > 1 && expected.ElementCount > 0;
            string fortranHeader = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(folder.Combine($"f_{k}.npy")).AsSpan(0, 64));
            fortranHeader.Contains("'fortran_order': True", StringComparison.Ordinal).ShouldBe(distinct, fortranHeader);
            File.ReadAllBytes(folder.Combine($"v2_{k}.npy"))[6].ShouldBe((byte)2);
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Write_SameArrayAsNumpySave_ByteIdenticalAndNumpyLoadsIt(DataType dataType)
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given our files for the pattern in every shape
        using var folder = new TempDirectory();
        for (int k = 0; k < NpyPattern.Shapes.Length; k++)
        {
            NpyWriter.Write(folder.Combine($"ours_{k}.npy"), NpyPattern.Create(dataType, NpyPattern.ParseShape(NpyPattern.Shapes[k])));
        }

        // When numpy loads them and saves the same pattern itself
        string[] lines = Oracle.Python.Run(NumpyReadsScript, [folder.Path, DataTypeInfo.Name(dataType), .. NpyPattern.Shapes])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Then numpy sees the same dtype, shape and values, and the files are byte-identical
        lines.Length.ShouldBe(NpyPattern.Shapes.Length);
        for (int k = 0; k < NpyPattern.Shapes.Length; k++)
        {
            lines[k].ShouldBe($"{k} True True True", $"numpy.load of our file for shape '{NpyPattern.Shapes[k]}'");
            byte[] ours = File.ReadAllBytes(folder.Combine($"ours_{k}.npy"));
            byte[] numpy = File.ReadAllBytes(folder.Combine($"numpy_{k}.npy"));
            ours.ShouldBe(numpy, $"our file for shape '{NpyPattern.Shapes[k]}' differs from numpy.save's");
        }
    }

    [Fact]
    public void Write_HeadersForManyShapes_ByteIdenticalToNumpy()
    {
        if (!Oracle.Python.Require(output, "numpy"))
        {
            return;
        }

        // Given shapes whose header lengths take every value modulo 64 (ranks 1 to 70), first
        // dimensions of every digit count, every type, and the ranks around the switch to 2.0
        int switchRank = Enumerable.Range(20_000, 5_000).First(r => NpyWriter.BuildHeader(DataType.Float32, Ones(r))[6] == 2);
        output.WriteLine($"Version 2.0 from rank {switchRank}.");
        var cases = new List<(DataType Type, TensorShape Shape, string Spec)>();
        foreach (int rank in Enumerable.Range(1, 70).Concat([switchRank - 1, switchRank, switchRank + 1]))
        {
            cases.Add((DataType.Float32, Ones(rank), $"<f4:ones{rank}"));
        }

        foreach (string dims in new[] { "", "0", "7x3", "12x0", "123x4", "4096x2", "65536x1x1", "2147483647", "1000000000x3x5" })
        {
            foreach (DataType type in NpyPattern.AllTypes)
            {
                cases.Add((type, NpyPattern.ParseShape(dims), $"{Descr(type)}:{dims}"));
            }
        }

        // When numpy writes the header for each
        using var folder = new TempDirectory();
        Oracle.Python.Run(NumpyHeaderScript, [folder.Path, .. cases.Select(c => c.Spec)]);

        // Then ours are byte-identical, including the version numpy picks
        for (int k = 0; k < cases.Count; k++)
        {
            byte[] ours = NpyWriter.BuildHeader(cases[k].Type, cases[k].Shape);
            byte[] numpy = File.ReadAllBytes(folder.Combine($"header_{k}.bin"));
            ours.ShouldBe(numpy, $"header for {cases[k].Spec[..Math.Min(40, cases[k].Spec.Length)]}");
        }

        static TensorShape Ones(int rank) => new(Enumerable.Repeat(1, rank));

        static string Descr(DataType type) => type switch
        {
            DataType.Float16 => "<f2",
            DataType.Float32 => "<f4",
            DataType.Float64 => "<f8",
            DataType.Int8 => "|i1",
            DataType.UInt8 => "|u1",
            DataType.Int16 => "<i2",
            DataType.Int32 => "<i4",
            DataType.Int64 => "<i8",
            _ => "|b1",
        };
    }
}
