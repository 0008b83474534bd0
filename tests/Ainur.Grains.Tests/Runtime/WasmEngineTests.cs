using System.Text;
using Ainur.Grains.Runtime;
using Ainur.Protocol.Hashing;
using Ainur.Testing.Wasm;

namespace Ainur.Grains.Tests.Runtime;

/// <summary>The executor on its own: the examples' outputs, each hostile module's reason, isolation, determinism.</summary>
public sealed class WasmEngineTests : IDisposable
{
    private readonly WasmEngine _engine = new(new WasmSettings { DefaultFuel = 50_000_000, WallClock = TimeSpan.FromSeconds(5) });

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void Echo_ReturnsItsInput_AndLogsALine()
    {
        var outcome = Run(WasmExamples.Echo, """{"text":"hello"}""");
        Assert.Null(outcome.FailureCode);
        Assert.Equal("""{"text":"hello"}""", outcome.Output);
        Assert.Equal(Blake2b.Content("""{"text":"hello"}"""u8), outcome.OutputHash);
        Assert.Equal(["echo: returning the input"], outcome.Log);
        Assert.True(outcome.FuelUsed > 0);
    }

    [Theory]
    [InlineData("\"the quick  brown fox\"", """{"words":4}""")]
    [InlineData("\"\"", """{"words":0}""")]
    [InlineData("\" one\"", """{"words":1}""")]
    public void WordCount_CountsTheWordsOfAString(string input, string expected) =>
        Assert.Equal(expected, Run(WasmExamples.WordCount, input).Output);

    [Fact]
    public void WordCount_InputNotAString_FailsWithModuleError() =>
        Assert.Equal("module-error", Run(WasmExamples.WordCount, "{}").FailureCode);

    [Fact]
    public void JsonUpper_UpperCasesLettersInStrings_LeavesOtherValuesAndEscapes() =>
        Assert.Equal("""{"upper":{"NAME":"ADA \u00E9 \n","N":true,"X":[null,1e5]}}""", Run(WasmExamples.JsonUpper, """{"name":"ada \u00e9 \n","n":true,"x":[null,1e5]}""").Output);

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_FailsWithItsReason(string example, string code)
    {
        var outcome = Run(example, """{"text":"x"}""");
        Assert.Equal(code, outcome.FailureCode);
        Assert.Null(outcome.Output);
        Assert.False(string.IsNullOrWhiteSpace(outcome.FailureDetail));
    }

    public static TheoryData<string, string> Hostile() => new(WasmExamples.HostileRuns.Select(p => (p.Key, p.Value)));

    [Fact]
    public void InfiniteLoop_WithFuelToSpare_StoppedByTheWallClock()
    {
        using var engine = new WasmEngine(new WasmSettings { MaxFuel = long.MaxValue / 2, WallClock = TimeSpan.FromMilliseconds(200) });
        var outcome = engine.Execute(Compile(engine, "hostile/infinite-loop"), "{}"u8, long.MaxValue / 2);
        Assert.Equal("timeout", outcome.FailureCode);
        Assert.InRange(outcome.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Fuel_TheTasksLimit_IsCappedByTheNodes()
    {
        using var engine = new WasmEngine(new WasmSettings { DefaultFuel = 1000, MaxFuel = 100_000 });
        var outcome = engine.Execute(Compile(engine, "hostile/infinite-loop"), "{}"u8, long.MaxValue);
        Assert.Equal("fuel-exhausted", outcome.FailureCode);
        Assert.Equal(100_000, outcome.FuelUsed);
    }

    [Fact]
    public void InputLargerThanTheLimit_FailsBeforeRunning()
    {
        using var engine = new WasmEngine(new WasmSettings { InputBytes = 8 });
        Assert.Equal("input-too-large", engine.Execute(Compile(engine, WasmExamples.Echo), "\"123456789\""u8, 1000).FailureCode);
    }

    [Fact]
    public async Task Hostile_RunningBesideOthers_OthersStillComplete()
    {
        var hostile = WasmExamples.HostileRuns.Keys.Select(name => Task.Run(() => Run(name, "{}"))).ToList();
        var echoes = Enumerable.Range(0, 200).Select(i => Task.Run(() => Run(WasmExamples.Echo, $"{{\"i\":{i}}}"))).ToList();
        var done = await Task.WhenAll(echoes);
        Assert.All(done.Select((o, i) => (o, i)), p => Assert.Equal($"{{\"i\":{p.i}}}", p.o.Output));
        var failed = await Task.WhenAll(hostile);
        Assert.Equal(WasmExamples.HostileRuns.Values, failed.Select(f => f.FailureCode));
    }

    [Theory]
    [InlineData(new byte[] { 0, 97, 115, 109, 1, 0, 0, 0, 5 }, "invalid-module")]
    [InlineData(new byte[] { 1, 2, 3 }, "invalid-module")]
    [InlineData(new byte[0], "invalid-module")]
    public void Compile_NotAModule_IsRefused(byte[] bytes, string code) => Assert.Equal(code, _engine.Compile(bytes).Refusal?.Code);

    [Fact]
    public void Compile_ForbiddenImport_IsRefused() =>
        Assert.Equal("forbidden-import", _engine.Compile(WasmExamples.Bytes("hostile/forbidden-import")).Refusal?.Code);

    [Fact]
    public void Compile_ModuleWithoutTheExports_IsRefused() =>
        Assert.Equal("missing-export", _engine.Compile(Wasmtime.Module.ConvertText("(module (memory (export \"memory\") 1))").ToArray()).Refusal?.Code);

    [Fact]
    public void Compile_LargerThanTheCap_IsRefused()
    {
        using var engine = new WasmEngine(new WasmSettings { ModuleBytes = 64 });
        Assert.Equal("module-too-large", engine.Compile(WasmExamples.Bytes(WasmExamples.Echo)).Refusal?.Code);
    }

    [Fact]
    public void SameModuleAndInput_SameOutputHash_ThousandsOfTimes()
    {
        var module = Compile(_engine, WasmExamples.JsonUpper);
        var input = Encoding.UTF8.GetBytes("""{"list":["a","b",{"c":"dé"}],"n":1.5e3}""");
        var first = _engine.Execute(module, input, 10_000_000);
        var hashes = Enumerable.Range(0, 5000).AsParallel().Select(_ => _engine.Execute(module, input, 10_000_000)).Select(o => (o.OutputHash, o.FuelUsed)).Distinct().ToList();
        Assert.Equal([(first.OutputHash, first.FuelUsed)], hashes);
    }

    private ExecutionOutcome Run(string example, string input) =>
        _engine.Execute(Compile(_engine, example), Encoding.UTF8.GetBytes(input), _engine.Settings.DefaultFuel);

    private static Wasmtime.Module Compile(WasmEngine engine, string example)
    {
        var hash = WasmExamples.Hash(example);
        return engine.Cached(hash) ?? engine.Cache(hash, engine.Compile(WasmExamples.Bytes(example)).Module ?? throw new InvalidOperationException($"{example} does not compile"));
    }
}
