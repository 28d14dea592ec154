using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Converters.Ir.Npy;

/// <summary>
/// On Linux, asks the kernel to back a large, not yet touched destination buffer with transparent
/// huge pages (<c>madvise(MADV_HUGEPAGE)</c>), as numpy does for its large arrays. Reading a
/// 248 MB tensor in a fresh process otherwise pays about 60,000 4 KiB page faults (measured:
/// about 160 ms with the hint off, 55 ms with it on; docs/PERFORMANCE.md). Best effort: any
/// failure, another operating system, or THP set to <c>never</c> leaves the buffer as it is.
/// </summary>
internal static class NpyHugePages
{
    /// <summary>Buffers smaller than this are not worth a system call.</summary>
    public const int MinimumBytes = 4 << 20;

    private const int HugePageSize = 2 << 20;
    private const int MadvHugePage = 14;

    private static bool s_unavailable;

    /// <summary>Advises huge pages for the 2 MiB-aligned part of <paramref name="buffer"/>.</summary>
    public static void Advise(Span<byte> buffer)
    {
        if (s_unavailable || buffer.Length < MinimumBytes || !OperatingSystem.IsLinux())
        {
            return;
        }

        // The address is used only to find the first 2 MiB boundary; a buffer this large lives on
        // the large object heap and does not move, and madvise rejects a misaligned range anyway.
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(buffer));
        int skip = (int)((HugePageSize - (address & (HugePageSize - 1))) & (HugePageSize - 1));
        long length = (buffer.Length - (long)skip) / HugePageSize * HugePageSize;
        if (length <= 0)
        {
            return;
        }

        try
        {
            _ = Madvise(ref buffer[skip], (nuint)length, MadvHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Madvise(ref byte address, nuint length, int advice);
}
