using Xunit;
using Xunit.Abstractions;

namespace Converters.Testing.Oracles;

/// <summary>
/// The independent implementations conformance tests compare against (see ARCHITECTURE.md,
/// "Independent oracles"), and the one rule for a missing oracle: on a developer machine the test
/// is skipped with a message; when the environment variable <c>CI</c> is <c>true</c> it fails.
/// </summary>
/// <remarks>
/// xunit 2.9 has no dynamic skip, so a conformance test starts with
/// <code>
/// if (!Oracle.Python.Require(_output, "numpy"))
/// {
///     return;
/// }
/// </code>
/// which returns <see langword="false"/> after writing <c>SKIPPED: …</c> to the test output (the
/// test then passes without checking anything), or fails the test in CI.
/// </remarks>
public static class Oracle
{
    /// <summary>Debian's <c>/usr/bin/python3</c>, where python3-numpy, -opencv and -torch are installed.</summary>
    public static PythonOracle Python { get; } = new(PythonOracle.DebianPath);

    /// <summary>Whether this is a CI run (<c>CI=true</c>), where a missing oracle is a failure.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns <see langword="true"/> when <paramref name="probe"/> found the oracle. Otherwise
    /// fails the test when <see cref="IsCi"/>, else writes why it is skipped to
    /// <paramref name="output"/> and returns <see langword="false"/>.
    /// </summary>
    public static bool SkipOrFail(ITestOutputHelper output, OracleProbe probe)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(probe);
        if (probe.IsAvailable)
        {
            return true;
        }

        if (IsCi)
        {
            Assert.Fail($"Oracle {probe.Name} is missing and CI=true, so this conformance test fails instead of skipping: {probe.Problem}");
        }

        output.WriteLine($"SKIPPED: oracle {probe.Name} is missing: {probe.Problem} (with CI=true this test fails).");
        return false;
    }
}
