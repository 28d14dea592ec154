using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Converters.Plugins.Darknet.Weights;

/// <summary>
/// Best-effort Linux hint for writing weights: block preallocation of the output file (ext4 otherwise
/// allocates blocks as the pages are written back). Elsewhere, or when the kernel refuses, it does nothing.
/// </summary>
internal static class KernelHints
{
    private const int FallocKeepSize = 1;

    /// <summary>Reserves the file's blocks up front (<c>fallocate(FALLOC_FL_KEEP_SIZE)</c>), as FileStream's PreallocationSize does.</summary>
    public static void Preallocate(SafeFileHandle handle, long bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes <= 0)
        {
            return;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = Fallocate((int)handle.DangerousGetHandle(), FallocKeepSize, 0, bytes);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: no preallocation.
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", EntryPoint = "fallocate")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);
}
