namespace Ainur.Protocol.Modules;

/// <summary>
/// Why a module does not satisfy the ABI: <paramref name="Code"/> is stable (<c>forbidden-import</c>,
/// <c>missing-export</c>, <c>wrong-signature</c>, <c>memory-too-large</c>, <c>unsupported-memory</c>), <paramref name="Detail"/>
/// names the import or export, for people.
/// </summary>
public sealed record AbiViolation(string Code, string Detail);
