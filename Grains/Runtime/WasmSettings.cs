namespace Ainur.Grains.Runtime;

/// <summary>The hosted runtime's limits, built by the silo host from the <c>Ainur:Wasm</c> section (docs/ari.md).</summary>
public sealed class WasmSettings
{
    /// <summary>Fuel an execution gets when its task names none.</summary>
    public long DefaultFuel { get; set; } = 100_000_000;

    /// <summary>The most fuel any execution gets, whatever its task asks for.</summary>
    public long MaxFuel { get; set; } = 1_000_000_000;

    /// <summary>The most a module's linear memory may grow to, in bytes.</summary>
    public long MemoryBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Wall-clock time one execution may run (epoch interruption; checked every <see cref="EpochTick"/>).</summary>
    public TimeSpan WallClock { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the engine's epoch advances: the granularity of <see cref="WallClock"/>.</summary>
    public TimeSpan EpochTick { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The largest output, in bytes.</summary>
    public int OutputBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest input a module is given, in bytes.</summary>
    public int InputBytes { get; set; } = 1024 * 1024;

    /// <summary>The most log lines one execution may write.</summary>
    public int LogLines { get; set; } = 1000;

    /// <summary>The most log bytes one execution may write (all lines together).</summary>
    public int LogBytes { get; set; } = 64 * 1024;

    /// <summary>The largest module accepted for upload, in bytes.</summary>
    public int ModuleBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How many compiled modules each silo keeps.</summary>
    public int CachedModules { get; set; } = 256;

    /// <summary>How many executions one silo runs at once; more wait their turn.</summary>
    public int Concurrency { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>
    /// How many executions of one client's tasks one silo runs at once (unset: half of <see cref="Concurrency"/>, at
    /// least 1): a failed attempt costs its client nothing, so without it one client's looping modules could hold every
    /// slot for the whole wall clock (docs/decisions.md).
    /// </summary>
    public int? ClientConcurrency { get; set; }

    /// <summary>The bound in effect per client (<see cref="ClientConcurrency"/>).</summary>
    public int PerClient => ClientConcurrency ?? Math.Max(1, Concurrency / 2);

    /// <summary>
    /// The secret an operator presents (<c>authorization: Bearer …</c>) to call the ARI's ExecuteTask over gRPC; unset,
    /// nobody may. From configuration or a Kubernetes secret, never from the repository.
    /// </summary>
    public string? OperatorToken { get; set; }

    /// <summary>The memory limit in 64 KiB pages.</summary>
    public long MemoryPages => MemoryBytes / 65536;

    /// <summary>The problems with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (DefaultFuel < 1 || MaxFuel < DefaultFuel)
        {
            errors.Add("Ainur:Wasm: DefaultFuel must be at least 1 and MaxFuel at least DefaultFuel.");
        }

        if (MemoryBytes < 65536 || WallClock <= TimeSpan.Zero || EpochTick <= TimeSpan.Zero || EpochTick > WallClock)
        {
            errors.Add("Ainur:Wasm: MemoryBytes must be at least 65536, WallClock and EpochTick positive, EpochTick at most WallClock.");
        }

        if (OutputBytes < 1 || InputBytes < 1 || LogLines < 0 || LogBytes < 0 || ModuleBytes < 8 || CachedModules < 1 || Concurrency < 1 || PerClient < 1)
        {
            errors.Add("Ainur:Wasm: OutputBytes, InputBytes, ModuleBytes, CachedModules, Concurrency and ClientConcurrency must be positive; LogLines and LogBytes not negative.");
        }

        return errors;
    }
}
