namespace Converters.Ir.Npy;

/// <summary>
/// Facts of the NumPy <c>.npy</c> layout (format versions 1.0, 2.0 and 3.0): a 6-byte magic
/// string, a major and a minor version byte, a little-endian header length (2 bytes in 1.0, 4 in
/// 2.0 and 3.0), a header that is a Python dict literal (latin-1 in 1.0/2.0, UTF-8 in 3.0) padded
/// with spaces and one final <c>'\n'</c> so that the data starts on a 64-byte boundary, then the
/// elements.
/// </summary>
internal static class NpyFormat
{
    /// <summary>The length of the magic string plus the two version bytes.</summary>
    public const int PreambleLength = 8;

    /// <summary>numpy aligns the start of the data to this many bytes.</summary>
    public const int Alignment = 64;

    /// <summary>
    /// numpy leaves room for the growth axis (the first, in C order) to be rewritten in place with
    /// up to this many digits: it appends <c>21 - digits(shape[0])</c> spaces to the dict.
    /// </summary>
    public const int GrowthAxisMaxDigits = 21;

    /// <summary>The largest header length field a 1.0 file can hold.</summary>
    public const int MaxVersion1HeaderLength = ushort.MaxValue;

    /// <summary>
    /// The largest header this reader accepts (numpy itself refuses more than 10,000 characters
    /// unless told to trust the file); it keeps a corrupt 4-byte length from allocating gigabytes.
    /// </summary>
    public const int MaxHeaderLength = 1 << 24;

    /// <summary>
    /// The most data bytes a tensor may hold: <see cref="TensorData"/> exposes its storage as one
    /// int-indexed span, so the limit is the largest array .NET allocates.
    /// </summary>
    public static long MaxDataBytes => Array.MaxLength;

    /// <summary>The magic string <c>\x93NUMPY</c>.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The size of the header length field for a (supported) major version.</summary>
    public static int HeaderLengthFieldSize(int majorVersion) => majorVersion == 1 ? 2 : 4;
}
