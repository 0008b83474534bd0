using System.Collections.Concurrent;
using System.Collections.Immutable;
using Ainur.Grains.Threading;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Modules;
using Wasmtime;

namespace Ainur.Grains.Runtime;

/// <summary>
/// The silo's one Wasmtime engine (fuel, epoch interruption, NaN canonicalization; no WASI, threads, relaxed SIMD or
/// other sources of non-determinism), the host functions of the ABI, and the compiled modules cached by hash.
/// Thread-safe: executions run in parallel, each in a store of its own (<see cref="WasmExecution"/>).
/// </summary>
public sealed class WasmEngine : IDisposable
{
    private readonly ConcurrentDictionary<Hash32, Module> _cache = new();
    private readonly Timer _epochTicker;
    private long _inFlight;
    private long _executions;

    /// <summary>Creates the engine and starts its epoch ticker.</summary>
    public WasmEngine(WasmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        using var config = new Config()
            .WithFuelConsumption(true)
            .WithEpochInterruption(true)
            .WithCraneliftNaNCanonicalization(true)
            .WithWasmThreads(false)
            .WithRelaxedSIMD(false, true)
            .WithMemory64(false)
            .WithMultiMemory(false)
            .WithGc(false)
            .WithFunctionReferences(false)
            .WithComponentModel(false)
            .WithOptimizationLevel(OptimizationLevel.Speed);
        Engine = new Engine(config);
        Linker = new Linker(Engine);
        WasmExecution.DefineImports(Linker);
        _epochTicker = new Timer(_ => Engine.IncrementEpoch(), null, settings.EpochTick, settings.EpochTick);
        Slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        Threads = new DedicatedThreads(settings.Concurrency, "ainur-wasm");
        ClientSlots = new ClientSlots(settings.PerClient);
    }

    /// <summary>The engine as the ARI names it.</summary>
    public const string Description = "wasmtime 50.0.1 (cranelift; fuel, epoch interruption, NaN canonicalization; no WASI, threads or relaxed SIMD)";

    /// <summary>The limits every execution runs under.</summary>
    public WasmSettings Settings { get; }

    internal Engine Engine { get; }

    internal Linker Linker { get; }

    /// <summary>Bounds the executions running at once on this silo.</summary>
    internal SemaphoreSlim Slots { get; }

    /// <summary>Where executions run, one per slot: a 5-s run must not hold a thread of the pool the silo's grains share.</summary>
    internal DedicatedThreads Threads { get; }

    /// <summary>Bounds each client's executions running at once on this silo; taken before <see cref="Slots"/>.</summary>
    internal ClientSlots ClientSlots { get; }

    /// <summary>Compiled modules held now.</summary>
    public int CachedModules => _cache.Count;

    /// <summary>Executions running now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Executions since the silo started.</summary>
    public long Executions => Interlocked.Read(ref _executions);

    /// <summary>
    /// Compiles <paramref name="bytes"/> and checks the ABI; never throws for what a caller can send. The module is not
    /// cached (see <see cref="Cache"/>).
    /// </summary>
    public ModuleCompilation Compile(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > Settings.ModuleBytes)
        {
            return ModuleCompilation.Refused("module-too-large", $"the module is {bytes.Length} bytes; the limit is {Settings.ModuleBytes}");
        }

        Module module;
        try
        {
            module = Module.FromBytes(Engine, "module", bytes);
        }
        catch (WasmtimeException exception)
        {
            return ModuleCompilation.Refused("invalid-module", FirstLine(exception.Message));
        }

        if (AriAbi.Check(Shape(module), Settings.MemoryPages) is { } violation)
        {
            module.Dispose();
            return new ModuleCompilation(null, violation);
        }

        return new ModuleCompilation(module, null);
    }

    /// <summary>The cached module of <paramref name="hash"/>, or null.</summary>
    public Module? Cached(Hash32 hash) => _cache.GetValueOrDefault(hash);

    /// <summary>Keeps <paramref name="module"/> under <paramref name="hash"/>; returns the module now cached (an equal one may have won a race).</summary>
    public Module Cache(Hash32 hash, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        // Any one goes when full; an evicted module is left to its finalizer, since an execution may still hold it.
        if (_cache.Count >= Settings.CachedModules && !_cache.ContainsKey(hash))
        {
            foreach (var evicted in _cache.Keys.Take(_cache.Count - Settings.CachedModules + 1))
            {
                _cache.TryRemove(evicted, out _);
            }
        }

        var cached = _cache.GetOrAdd(hash, module);
        if (!ReferenceEquals(cached, module))
        {
            module.Dispose();
        }

        return cached;
    }

    /// <summary>Drops the cached module of <paramref name="hash"/> (left to its finalizer: an execution may still hold it).</summary>
    public void Forget(Hash32 hash) => _cache.TryRemove(hash, out _);

    /// <summary>Runs <paramref name="module"/> on <paramref name="input"/> within the limits; see <see cref="WasmExecution"/>.</summary>
    public ExecutionOutcome Execute(Module module, ReadOnlySpan<byte> input, long fuel, System.Threading.Channels.ChannelWriter<string>? liveLog = null)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            return WasmExecution.Run(this, module, input, Math.Clamp(fuel, 1, Settings.MaxFuel), liveLog);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _executions);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Running executions end first, while the epoch ticker still bounds their time.
        Threads.Dispose();
        _epochTicker.Dispose();
        foreach (var module in _cache.Values)
        {
            module.Dispose();
        }

        _cache.Clear();
        Linker.Dispose();
        Engine.Dispose();
        Slots.Dispose();
    }

    private static ModuleShape Shape(Module module) => new(
        [.. module.Imports.Select(i => Item(i.ModuleName, i.Name, i))],
        [.. module.Exports.Select(e => Item("", e.Name, e))]);

    private static ModuleItem Item(string moduleName, string name, object item) => item switch
    {
        FunctionImport f => new(moduleName, name, ExternKind.Function, Values(f.Parameters), Values(f.Results)),
        FunctionExport f => new(moduleName, name, ExternKind.Function, Values(f.Parameters), Values(f.Results)),
        MemoryImport m => new(moduleName, name, ExternKind.Memory, [], [], m.Minimum, m.Is64Bit),
        MemoryExport m => new(moduleName, name, ExternKind.Memory, [], [], m.Minimum, m.Is64Bit),
        TableImport or TableExport => new(moduleName, name, ExternKind.Table, [], []),
        GlobalImport or GlobalExport => new(moduleName, name, ExternKind.Global, [], []),
        _ => new(moduleName, name, ExternKind.Other, [], []),
    };

    private static ImmutableArray<WasmValue> Values(IReadOnlyList<ValueKind> kinds) =>
        [.. kinds.Select(k => k switch { ValueKind.Int32 => WasmValue.I32, ValueKind.Int64 => WasmValue.I64, _ => WasmValue.Other })];

    internal static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..300];
    }
}
