using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Runtime;

/// <summary>
/// The hosted WebAssembly runtime of one silo (a stateless worker, key 0, so it always runs on the caller's silo): runs a
/// stored module on an input within the limits (docs/ari.md) and reports its health.
/// </summary>
[Alias("ainur.IExecutorGrain")]
public interface IExecutorGrain : IGrainWithIntegerKey
{
    /// <summary>Runs the module; every failure is a report with a code, never an exception for what a module does.</summary>
    [Alias("Execute")]
    Task<ExecutionReport> ExecuteAsync(ExecutionRequest request);

    /// <summary>This silo's runtime: engine, cache, executions in flight, limits.</summary>
    [Alias("GetHealth")]
    Task<RuntimeHealth> GetHealthAsync();
}

/// <summary>
/// One execution: the module's hash, the input (UTF-8 JSON text), the fuel asked for (null: the default; capped by the
/// node's maximum), the task whose log stream receives the log lines (null: none are published), and the task's client
/// (its DID; null outside any task), whose executions at once each silo bounds.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ExecutionRequest")]
public sealed record ExecutionRequest(
    [property: Id(0)] Hash32 Module,
    [property: Id(1)] string Input,
    [property: Id(2)] long? Fuel,
    [property: Id(3)] Hash32? LogTask,
    [property: Id(4)] string? Client = null);

/// <summary>
/// What an execution gave: the output and its hash, or a failure code (docs/ari.md) and detail; the fuel used, the log
/// lines, the silo that ran it (its address), and how long it took.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ExecutionReport")]
public sealed record ExecutionReport(
    [property: Id(0)] string? Output,
    [property: Id(1)] Hash32? OutputHash,
    [property: Id(2)] string? FailureCode,
    [property: Id(3)] string? FailureDetail,
    [property: Id(4)] long FuelUsed,
    [property: Id(5)] ImmutableArray<string> Log,
    [property: Id(6)] string Silo,
    [property: Id(7)] TimeSpan Elapsed)
{
    /// <summary>Whether the execution produced an output.</summary>
    public bool Succeeded => FailureCode is null;
}

/// <summary>A silo's runtime as GetHealth reports it.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RuntimeHealth")]
public sealed record RuntimeHealth(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Engine,
    [property: Id(2)] int CachedModules,
    [property: Id(3)] long InFlight,
    [property: Id(4)] long Executions,
    [property: Id(5)] RuntimeLimits Limits);

/// <summary>The limits every execution runs under (docs/ari.md).</summary>
[GenerateSerializer, Immutable, Alias("ainur.RuntimeLimits")]
public sealed record RuntimeLimits(
    [property: Id(0)] long DefaultFuel,
    [property: Id(1)] long MaxFuel,
    [property: Id(2)] long MemoryBytes,
    [property: Id(3)] TimeSpan WallClock,
    [property: Id(4)] int OutputBytes,
    [property: Id(5)] int InputBytes,
    [property: Id(6)] int LogLines,
    [property: Id(7)] int LogBytes,
    [property: Id(8)] int ModuleBytes);
