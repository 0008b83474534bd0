using System.Collections.Immutable;

namespace Ainur.Protocol.Modules;

/// <summary>
/// The module side of the Ainur Runtime Interface, version 1 (docs/ari.md): a module exports its linear memory as
/// <see cref="MemoryExport"/>, <see cref="AllocExport"/> <c>(len i32) -> i32</c> and <see cref="RunExport"/>
/// <c>(ptr i32, len i32) -> i32</c>, and may import only <see cref="ImportModule"/>.<see cref="OutputImport"/> and
/// <see cref="ImportModule"/>.<see cref="LogImport"/>, both <c>(ptr i32, len i32) -> ()</c>. Anything else it imports
/// (WASI, clocks, randomness, its memory or tables from outside) is refused: what it computes must depend on its input alone.
/// </summary>
public static class AriAbi
{
    /// <summary>The ABI's version, as the runtime reports it.</summary>
    public const int Version = 1;

    /// <summary>The only module name a module may import from.</summary>
    public const string ImportModule = "ari";

    /// <summary>Import: the module's output, UTF-8 JSON; may be called at most once.</summary>
    public const string OutputImport = "output";

    /// <summary>Import: one UTF-8 log line.</summary>
    public const string LogImport = "log";

    /// <summary>Export: the module's linear memory (32-bit, not shared).</summary>
    public const string MemoryExport = "memory";

    /// <summary>Export: reserves a buffer of the given length in the module's memory for the input; returns its address.</summary>
    public const string AllocExport = "ari_alloc";

    /// <summary>Export: runs the task on the input at (ptr, len); returns 0 on success, anything else is the module's own failure.</summary>
    public const string RunExport = "ari_run";

    private static readonly ImmutableArray<WasmValue> PointerAndLength = [WasmValue.I32, WasmValue.I32];

    /// <summary>
    /// The first way <paramref name="shape"/> breaks the ABI, or null when it satisfies it. <paramref name="maxMemoryPages"/>
    /// is the memory limit in 64 KiB pages: a module whose memory starts larger could never run.
    /// </summary>
    public static AbiViolation? Check(ModuleShape shape, long maxMemoryPages)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var import in shape.Imports)
        {
            if (import.Module != ImportModule || import.Name is not (OutputImport or LogImport) || import.Kind != ExternKind.Function)
            {
                return new("forbidden-import", $"the module imports {import.Kind.ToString().ToLowerInvariant()} \"{import.Module}\".\"{import.Name}\"; only \"{ImportModule}\".\"{OutputImport}\" and \"{ImportModule}\".\"{LogImport}\" are provided (no WASI, clocks, randomness or I/O)");
            }

            if (!import.Parameters.SequenceEqual(PointerAndLength) || !import.Results.IsEmpty)
            {
                return new("wrong-signature", $"the import \"{import.Module}\".\"{import.Name}\" must have the type (i32, i32) -> ()");
            }
        }

        if (Export(shape, MemoryExport, ExternKind.Memory) is not { } memory)
        {
            return Missing(MemoryExport, "memory");
        }

        if (memory.Is64Bit || memory.IsShared)
        {
            return new("unsupported-memory", "the exported memory must be a 32-bit memory that is not shared");
        }

        if (memory.MinimumPages > maxMemoryPages)
        {
            return new("memory-too-large", $"the memory starts at {memory.MinimumPages} pages; the limit is {maxMemoryPages}");
        }

        if (shape.Imports.Concat(shape.Exports).Any(i => i.Kind == ExternKind.Memory && !ReferenceEquals(i, memory)))
        {
            return new("unsupported-memory", "a module has exactly one memory, the exported one");
        }

        return CheckFunction(shape, AllocExport, [WasmValue.I32]) ?? CheckFunction(shape, RunExport, PointerAndLength);
    }

    private static AbiViolation? CheckFunction(ModuleShape shape, string name, ImmutableArray<WasmValue> parameters)
    {
        if (Export(shape, name, ExternKind.Function) is not { } function)
        {
            return Missing(name, "function");
        }

        return function.Parameters.SequenceEqual(parameters) && function.Results.SequenceEqual([WasmValue.I32])
            ? null
            : new("wrong-signature", $"the export \"{name}\" must have the type ({string.Join(", ", parameters.Select(p => p.ToString().ToLowerInvariant()))}) -> i32");
    }

    private static ModuleItem? Export(ModuleShape shape, string name, ExternKind kind) =>
        shape.Exports.FirstOrDefault(e => e.Name == name && e.Kind == kind);

    private static AbiViolation Missing(string name, string kind) => new("missing-export", $"the module must export a {kind} named \"{name}\"");
}
