using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Converters.Plugins.TensorFlow.Checkpoint;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>
/// Our table reader and writer against LevelDB itself (Debian's python3-plyvel, libleveldb 1.23):
/// TF's <c>.index</c> files are LevelDB tables, and a LevelDB database keeps its data in the same
/// tables (<c>NNNNNN.ldb</c>), with "internal keys" (the user key + 8 bytes of sequence and type).
/// </summary>
public sealed class LevelDbConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const string WriteScript = """
        import plyvel, sys, os, glob
        folder, compression = sys.argv[1], sys.argv[2]
        db = plyvel.DB(folder, create_if_missing=True, compression=None if compression == 'none' else compression,
                       block_size=1024, block_restart_interval=16)
        with open(sys.argv[3]) as f:
            for line in f:
                k, v = line.split()
                db.put(bytes.fromhex(k), bytes.fromhex(v))
        db.compact_range()
        db.close()
        print('\n'.join(sorted(os.path.basename(p) for p in glob.glob(os.path.join(folder, '*.ldb')))))
        """;

    private const string RepairAndReadScript = """
        import plyvel, sys
        folder = sys.argv[1]
        plyvel.repair_db(folder)
        db = plyvel.DB(folder)
        for k, v in db:
            print(k.hex(), v.hex())
        for k in sys.argv[2:]:
            print('get', k, db.get(bytes.fromhex(k)).hex())
        db.close()
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static List<(byte[] Key, byte[] Value)> Pairs(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (
            Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"tensor/{i:D5}")),
            Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(string.Create(CultureInfo.InvariantCulture, $"value-{i}-"), 1 + (i % 7))))))];

    [Theory]
    [InlineData("none")]
    [InlineData("snappy")]
    public void ReadAll_TableWrittenByLevelDb_ReadsEveryEntry(string compression)
    {
        if (!Oracle.Python.Require(output, "plyvel"))
        {
            return;
        }

        // Given: LevelDB (block size 1 KiB, restart interval 16) compacts 1000 entries into a table
        List<(byte[] Key, byte[] Value)> pairs = Pairs(1000);
        string input = _folder.WriteText("pairs.txt", string.Join('\n', pairs.Select(p => $"{Convert.ToHexStringLower(p.Key)} {Convert.ToHexStringLower(p.Value)}")));
        string db = _folder.Combine("db");
        string[] tables = Oracle.Python.Run(WriteScript, db, compression, input).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        tables.Length.ShouldBe(1, "one compacted table");
        string tablePath = Path.Combine(db, tables[0]);
        byte[] table = File.ReadAllBytes(tablePath);

        // When: our reader reads it
        List<TableEntry> entries = TableReader.ReadAll(table, tablePath);

        // Then: the user keys (internal key minus its 8-byte tag, whose type byte is 1 = value) and values
        entries.Count.ShouldBe(pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            byte[] key = entries[i].Key;
            key[..^8].ShouldBe(pairs[i].Key);
            (BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(key.Length - 8)) & 0xFF).ShouldBe(1UL);
            entries[i].Value.ShouldBe(pairs[i].Value);
        }

        entries.Select(e => e.BlockOffset).Distinct().Count().ShouldBeGreaterThan(10);
        long raw = pairs.Sum(p => (long)p.Value.Length);
        if (compression == "snappy")
        {
            ((long)table.Length).ShouldBeLessThan(raw / 2, "LevelDB compressed the blocks, so the Snappy path was read");
        }
        else
        {
            ((long)table.Length).ShouldBeGreaterThan(raw);
        }
    }

    [Fact]
    public void Finish_TableWrittenByUs_LevelDbRepairsOpensAndReadsIt()
    {
        if (!Oracle.Python.Require(output, "plyvel"))
        {
            return;
        }

        // Given: our writer's table (1 KiB blocks) of 1000 internal keys (user key + fixed64 (sequence << 8 | 1)),
        // alone in a folder as LevelDB's table file 000005.ldb
        List<(byte[] Key, byte[] Value)> pairs = Pairs(1000);
        string db = _folder.Combine("db");
        Directory.CreateDirectory(db);
        using (var stream = File.Create(Path.Combine(db, "000005.ldb")))
        {
            var writer = new TableWriter(stream, blockSize: 1024);
            for (int i = 0; i < pairs.Count; i++)
            {
                byte[] tag = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(tag, ((ulong)(i + 1) << 8) | 1);
                writer.Add([.. pairs[i].Key, .. tag], pairs[i].Value);
            }

            writer.Finish();
        }

        // When: LevelDB's RepairDB adopts the table (it scans and checks every entry), then the database is iterated
        // and three keys are looked up through the index block
        int[] probes = [0, 517, 999];
        string[] lines = Oracle.Python.Run(RepairAndReadScript, [db, .. probes.Select(i => Convert.ToHexStringLower(pairs[i].Key))])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Then: every entry, in order, and the lookups find their values
        lines.Length.ShouldBe(pairs.Count + probes.Length);
        for (int i = 0; i < pairs.Count; i++)
        {
            lines[i].ShouldBe($"{Convert.ToHexStringLower(pairs[i].Key)} {Convert.ToHexStringLower(pairs[i].Value)}");
        }

        for (int p = 0; p < probes.Length; p++)
        {
            lines[pairs.Count + p].ShouldBe($"get {Convert.ToHexStringLower(pairs[probes[p]].Key)} {Convert.ToHexStringLower(pairs[probes[p]].Value)}");
        }
    }
}
