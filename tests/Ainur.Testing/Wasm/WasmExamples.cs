using System.Collections.Concurrent;
using Ainur.Protocol.Hashing;
using Ainur.Testing.Processes;

namespace Ainur.Testing.Wasm;

/// <summary>
/// The example modules under <c>examples/agents/wasm</c> (hostile ones under <c>hostile/</c>), compiled from their WAT
/// sources by Wasmtime's text support: the repository keeps only the sources.
/// </summary>
public static class WasmExamples
{
    public const string Echo = "echo";
    public const string WordCount = "word-count";
    public const string JsonUpper = "json-upper";

    /// <summary>Every hostile example, each with the failure code it must end in when run.</summary>
    public static readonly IReadOnlyDictionary<string, string> HostileRuns = new Dictionary<string, string>
    {
        ["hostile/infinite-loop"] = "fuel-exhausted",
        ["hostile/memory-bomb"] = "memory-limit",
        ["hostile/trap"] = "trap",
        ["hostile/huge-output"] = "output-too-large",
        ["hostile/log-flood"] = "log-limit",
        ["hostile/bad-pointer"] = "abi-violation",
    };

    private static readonly ConcurrentDictionary<string, byte[]> Compiled = new();

    /// <summary>The binary of example <paramref name="name"/> (e.g. <c>echo</c> or <c>hostile/trap</c>).</summary>
    public static byte[] Bytes(string name) => Compiled.GetOrAdd(name, n =>
        Wasmtime.Module.ConvertText(File.ReadAllText(Path.Combine(BuiltNode.RepositoryRoot, "examples", "agents", "wasm", n + ".wat"))).ToArray());

    /// <summary>
    /// The echo module with one extra export of a random name: bytes (and a hash) of its own with echo's behaviour, so
    /// that a test uploading or marking it touches no other test's module.
    /// </summary>
    public static byte[] FreshEcho() => Wasmtime.Module.ConvertText(
        File.ReadAllText(Path.Combine(BuiltNode.RepositoryRoot, "examples", "agents", "wasm", Echo + ".wat")).Replace(
            "(memory (export \"memory\") 1)", $"(memory (export \"memory\") 1) (global (export \"g{Guid.NewGuid():N}\") i32 (i32.const 0))", StringComparison.Ordinal)).ToArray();

    /// <summary>The module hash of example <paramref name="name"/>, as the module store keys it.</summary>
    public static Hash32 Hash(string name) => Blake2b.Content(Bytes(name));
}
