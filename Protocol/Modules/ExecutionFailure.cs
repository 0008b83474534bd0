namespace Ainur.Protocol.Modules;

/// <summary>
/// Why a hosted execution failed; the codes are stable and appear in the task's failure reason
/// (<c>wasm:&lt;code&gt;: detail</c>), the ARI and the logs.
/// </summary>
public static class ExecutionFailure
{
    /// <summary>The execution used all its fuel (the task's limit, capped by the node's).</summary>
    public const string FuelExhausted = "fuel-exhausted";

    /// <summary>The execution ran past the wall-clock limit (epoch interruption).</summary>
    public const string Timeout = "timeout";

    /// <summary>The module's memory reached the limit (a <c>memory.grow</c> past it returned -1) and the run then failed.</summary>
    public const string MemoryLimit = "memory-limit";

    /// <summary>The module trapped (unreachable, out-of-bounds access, division by zero, stack overflow, …).</summary>
    public const string Trap = "trap";

    /// <summary>The output is larger than the limit.</summary>
    public const string OutputTooLarge = "output-too-large";

    /// <summary>The module wrote more log lines or bytes than the limit.</summary>
    public const string LogLimit = "log-limit";

    /// <summary>The module set no output, or an output that is not UTF-8 JSON.</summary>
    public const string MalformedOutput = "malformed-output";

    /// <summary>The module broke the ABI at run time (an address outside its memory, output set twice).</summary>
    public const string AbiViolation = "abi-violation";

    /// <summary><c>ari_run</c> returned a non-zero status: the module reports its own failure.</summary>
    public const string ModuleError = "module-error";

    /// <summary>The module is not stored, does not compile, or was marked non-deterministic.</summary>
    public const string ModuleUnavailable = "module-unavailable";

    /// <summary>The task's input is larger than the limit.</summary>
    public const string InputTooLarge = "input-too-large";
}
