using System.Collections.Immutable;

namespace Ainur.Protocol.Modules;

/// <summary>What an import or export is.</summary>
public enum ExternKind
{
    /// <summary>A function.</summary>
    Function = 0,

    /// <summary>A linear memory.</summary>
    Memory = 1,

    /// <summary>A table.</summary>
    Table = 2,

    /// <summary>A global.</summary>
    Global = 3,

    /// <summary>Anything else (tags, and kinds newer than this code).</summary>
    Other = 4,
}

/// <summary>A WebAssembly value type, as far as the ABI cares.</summary>
public enum WasmValue
{
    /// <summary>32-bit integer.</summary>
    I32 = 0,

    /// <summary>64-bit integer.</summary>
    I64 = 1,

    /// <summary>Any other type (floats, vectors, references).</summary>
    Other = 2,
}

/// <summary>
/// One import or export of a module: <paramref name="Module"/> is the import's module name (empty for an export);
/// <paramref name="Parameters"/> and <paramref name="Results"/> are set for functions only. For a memory,
/// <paramref name="MinimumPages"/> is its declared initial size in 64 KiB pages and <paramref name="Is64Bit"/> or
/// <paramref name="IsShared"/> say whether it is a memory64 or shared memory.
/// </summary>
public sealed record ModuleItem(
    string Module,
    string Name,
    ExternKind Kind,
    ImmutableArray<WasmValue> Parameters,
    ImmutableArray<WasmValue> Results,
    long MinimumPages = 0,
    bool Is64Bit = false,
    bool IsShared = false);

/// <summary>
/// What a compiled module declares, read by the runtime from the module (the runtime lives outside Protocol): the
/// input of <see cref="AriAbi.Check"/>.
/// </summary>
public sealed record ModuleShape(ImmutableArray<ModuleItem> Imports, ImmutableArray<ModuleItem> Exports);
