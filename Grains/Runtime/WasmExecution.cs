using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Unicode;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Modules;
using Wasmtime;

namespace Ainur.Grains.Runtime;

/// <summary>
/// One execution under the ABI (docs/ari.md): a new store with the limits, instantiate, <c>ari_alloc(len)</c>, copy
/// the input in, <c>ari_run(ptr, len)</c>, then the output set through <c>ari.output</c> must be UTF-8 JSON. Every way
/// it can end badly ends in an outcome with a precise code; nothing a module does throws out of here.
/// </summary>
internal static class WasmExecution
{
    /// <summary>Defines the ABI's imports on the engine's linker; they reach the execution through the store's data.</summary>
    public static void DefineImports(Linker linker)
    {
        linker.DefineFunction(AriAbi.ImportModule, AriAbi.OutputImport, (Caller caller, int pointer, int length) =>
            Guard(caller, pointer, length, (state, bytes) => state.SetOutput(bytes)));
        linker.DefineFunction(AriAbi.ImportModule, AriAbi.LogImport, (Caller caller, int pointer, int length) =>
            Guard(caller, pointer, length, (state, bytes) => state.AddLog(bytes)));
    }

    public static ExecutionOutcome Run(WasmEngine engine, Module module, ReadOnlySpan<byte> input, long fuel, System.Threading.Channels.ChannelWriter<string>? liveLog)
    {
        var clock = Stopwatch.StartNew();
        var settings = engine.Settings;
        var state = new ExecutionState(settings, liveLog);
        using var store = new Store(engine.Engine, state);
        store.Fuel = (ulong)fuel;
        store.SetEpochDeadline((ulong)Math.Ceiling(settings.WallClock / settings.EpochTick));
        store.SetLimits(memorySize: settings.MemoryBytes, tableElements: 100_000, instances: 1, tables: 4, memories: 1);
        Memory? memory = null;
        try
        {
            if (input.Length > settings.InputBytes)
            {
                return Failed(state, ExecutionFailure.InputTooLarge, $"the input is {input.Length} bytes; the limit is {settings.InputBytes}", 0, clock);
            }

            var instance = engine.Linker.Instantiate(store, module);
            memory = instance.GetMemory(AriAbi.MemoryExport)!;
            var alloc = instance.GetFunction<int, int>(AriAbi.AllocExport)!;
            var run = instance.GetFunction<int, int, int>(AriAbi.RunExport)!;
            var pointer = alloc(input.Length);
            if (!InBounds(memory, pointer, input.Length))
            {
                return Failed(state, ExecutionFailure.AbiViolation, $"ari_alloc returned {pointer}, outside the memory for {input.Length} bytes", Used(store, fuel), clock);
            }

            input.CopyTo(memory.GetSpan(pointer, input.Length));
            var status = run(pointer, input.Length);
            if (state.Failure is { } seen)
            {
                return Failed(state, seen.Code, seen.Detail, Used(store, fuel), clock);
            }

            if (status != 0)
            {
                return Failed(state, ExecutionFailure.ModuleError, $"ari_run returned {status}", Used(store, fuel), clock);
            }

            return Succeeded(state, Used(store, fuel), clock);
        }
        catch (TrapException trap)
        {
            var (code, detail) = state.Failure ?? Classify(trap, memory, settings);
            return Failed(state, code, detail, Used(store, fuel), clock);
        }
        catch (WasmtimeException exception)
        {
            // Instantiation refused (a start function's trap surfaces as TrapException above) or a host function's fault.
            var (code, detail) = state.Failure ?? (ExecutionFailure.Trap, WasmEngine.FirstLine(exception.Message));
            return Failed(state, code, detail, Used(store, fuel), clock);
        }
    }

    private static (string Code, string Detail) Classify(TrapException trap, Memory? memory, WasmSettings settings) => trap.Type switch
    {
        TrapCode.OutOfFuel => (ExecutionFailure.FuelExhausted, "the execution used all its fuel"),
        TrapCode.Interrupt => (ExecutionFailure.Timeout, $"the execution ran longer than {settings.WallClock.TotalMilliseconds:0} ms"),
        // memory.grow past the limit returns -1 rather than trapping: a module that then fails at the limit is reported as such.
        _ when memory is not null && memory.GetLength() + 65536 > settings.MemoryBytes =>
            (ExecutionFailure.MemoryLimit, $"the memory reached the limit of {settings.MemoryBytes} bytes, then: {WasmEngine.FirstLine(trap.Message)}"),
        _ => (ExecutionFailure.Trap, WasmEngine.FirstLine(trap.Message)),
    };

    private static ExecutionOutcome Succeeded(ExecutionState state, long fuelUsed, Stopwatch clock)
    {
        if (state.Output is not { } output)
        {
            return Failed(state, ExecutionFailure.MalformedOutput, "the module set no output (ari.output)", fuelUsed, clock);
        }

        if (!Utf8.IsValid(output) || !IsJson(output))
        {
            return Failed(state, ExecutionFailure.MalformedOutput, "the output is not UTF-8 JSON", fuelUsed, clock);
        }

        return new ExecutionOutcome(System.Text.Encoding.UTF8.GetString(output), Blake2b.Content(output), null, null, fuelUsed, [.. state.Log], clock.Elapsed);
    }

    private static ExecutionOutcome Failed(ExecutionState state, string code, string detail, long fuelUsed, Stopwatch clock) =>
        new(null, null, code, detail, fuelUsed, [.. state.Log], clock.Elapsed);

    private static bool IsJson(byte[] output)
    {
        try
        {
            var reader = new Utf8JsonReader(output, new JsonReaderOptions { MaxDepth = 64 });
            while (reader.Read())
            {
            }

            return reader.BytesConsumed == output.Length && reader.TokenType != JsonTokenType.None;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static long Used(Store store, long fuel) => fuel - (long)store.Fuel;

    private static bool InBounds(Memory memory, int pointer, int length) =>
        (uint)pointer + (ulong)(uint)length <= (ulong)memory.GetLength();

    /// <summary>Reads (pointer, length) from the caller's memory and hands it on; a bad range or a refusal traps the module.</summary>
    private static void Guard(Caller caller, int pointer, int length, Func<ExecutionState, ReadOnlySpan<byte>, bool> take)
    {
        var state = (ExecutionState)caller.GetData()!;
        var memory = caller.GetMemory(AriAbi.MemoryExport);
        if (memory is null || !InBounds(memory, pointer, length))
        {
            state.Fail(ExecutionFailure.AbiViolation, $"({pointer}, {length}) is outside the module's memory");
            throw new TrapException("abi-violation");
        }

        if (!take(state, memory.GetSpan(pointer, length)))
        {
            throw new TrapException(state.Failure!.Value.Code);
        }
    }
}
