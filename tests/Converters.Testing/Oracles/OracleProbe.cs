namespace Converters.Testing.Oracles;

/// <summary>Whether an oracle can be used here, and if not, why and how to install it.</summary>
/// <param name="Name">The oracle, e.g. <c>/usr/bin/python3 + numpy</c>.</param>
/// <param name="IsAvailable">Whether it runs.</param>
/// <param name="Problem">Why it does not, with the package that provides it; <see langword="null"/> when it does.</param>
public sealed record OracleProbe(string Name, bool IsAvailable, string? Problem);
