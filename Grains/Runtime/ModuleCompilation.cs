using Ainur.Protocol.Modules;
using Wasmtime;

namespace Ainur.Grains.Runtime;

/// <summary>A module compiled by the silo's engine, or why it was refused (it does not compile, or breaks the ABI).</summary>
public sealed record ModuleCompilation(Module? Module, AbiViolation? Refusal)
{
    /// <summary>A refusal with a stable code.</summary>
    public static ModuleCompilation Refused(string code, string detail) => new(null, new AbiViolation(code, detail));
}
