using System.Buffers.Binary;
using System.Globalization;

namespace Converters.Plugins.Darknet.Weights;

/// <summary>
/// The <c>.weights</c> header: int32 major, minor, revision, then <c>seen</c> as a uint64 when
/// <c>major*10+minor &gt;= 2</c> (pjreddie also requires major and minor below 1000), else an int32.
/// </summary>
internal sealed record WeightsHeader(int Major, int Minor, int Revision, ulong Seen, int SeenBytes)
{
    /// <summary>pjreddie's writer: 0.2.0, 64-bit seen.</summary>
    public static WeightsHeader Default { get; } = new(0, 2, 0, 0, 8);

    public int ByteCount => 12 + SeenBytes;

    /// <summary>Connected weights stored as [inputs][outputs] (<c>major&gt;1000 || minor&gt;1000</c>).</summary>
    public bool Transposed => Major > 1000 || Minor > 1000;

    public string Version => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Revision}");

    /// <summary>The width of <c>seen</c> the reading fork expects for a version.</summary>
    public static int SeenBytesFor(int major, int minor, DarknetFork fork)
    {
        bool wide = ((long)major * 10) + minor >= 2;
        if (fork == DarknetFork.PjReddie)
        {
            wide = wide && major < 1000 && minor < 1000;
        }

        return wide ? 8 : 4;
    }

    public static WeightsHeader Parse(ReadOnlySpan<byte> bytes, DarknetFork fork)
    {
        int major = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int minor = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        int revision = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int seenBytes = SeenBytesFor(major, minor, fork);
        ulong seen = seenBytes == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        return new WeightsHeader(major, minor, revision, seen, seenBytes);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, Major);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Minor);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], Revision);
        if (SeenBytes == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[12..], Seen);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)Seen);
        }
    }
}
