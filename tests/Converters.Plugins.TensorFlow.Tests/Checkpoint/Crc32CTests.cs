using System.Text;
using Converters.Plugins.TensorFlow.Checkpoint;

namespace Converters.Plugins.TensorFlow.Tests.Checkpoint;

public sealed class Crc32CTests
{
    public static TheoryData<string, uint> PublishedVectors => new()
    {
        // The CRC catalogue's check value for CRC-32/ISCSI ("123456789").
        { "ascii:123456789", 0xE3069283 },
        // RFC 3720 appendix B.4.
        { "zeros:32", 0x8A9136AA },
        { "ones:32", 0x62A8AB43 },
        { "ascending:32", 0x46DD794E },
        { "descending:32", 0x113FDB5C },
    };

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    public void Compute_PublishedVector_MatchesBothPaths(string input, uint expected)
    {
        // Given: a published CRC-32C test vector
        byte[] data = Make(input);

        // When: computed with the dispatching path and the table path
        uint crc = Crc32C.Compute(data);
        uint scalar = Crc32C.AppendScalar(0, data);

        // Then: both give the published value
        crc.ShouldBe(expected);
        scalar.ShouldBe(expected);
    }

    [Fact]
    public void Append_SplitAtEveryLength_EqualsBitwiseReference()
    {
        // Given: pseudo-random bytes of every length from 0 to 100
        var random = new Random(11);
        for (int length = 0; length <= 100; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            int split = length / 3;

            // When: computed in one go, in two appended parts, and with the table path
            uint whole = Crc32C.Compute(data);
            uint parts = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            uint scalar = Crc32C.AppendScalar(Crc32C.AppendScalar(0, data.AsSpan(0, split)), data.AsSpan(split));

            // Then: all equal the bit-at-a-time reference
            uint reference = HandBuiltTable.Crc32C(data);
            whole.ShouldBe(reference, $"length {length}");
            parts.ShouldBe(reference, $"length {length}");
            scalar.ShouldBe(reference, $"length {length}");
        }
    }

    [Fact]
    public void Mask_ThenUnmask_RoundTripsAndChangesTheValue()
    {
        // Given: a few CRCs
        foreach (uint crc in new uint[] { 0, 1, 0xE3069283, 0xFFFFFFFF, 0x80000000 })
        {
            // When: masked
            uint masked = Crc32C.Mask(crc);

            // Then: the mask is LevelDB's formula, differs from the CRC, and unmasks back
            masked.ShouldBe(HandBuiltTable.Mask(crc));
            masked.ShouldNotBe(crc);
            Crc32C.Unmask(masked).ShouldBe(crc);
        }
    }

    private static byte[] Make(string input)
    {
        string[] parts = input.Split(':');
        return parts[0] switch
        {
            "ascii" => Encoding.ASCII.GetBytes(parts[1]),
            "zeros" => new byte[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)],
            "ones" => Enumerable.Repeat((byte)0xFF, 32).ToArray(),
            "ascending" => Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            _ => Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(),
        };
    }
}
