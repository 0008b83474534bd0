using System.Collections.Immutable;
using Ainur.Protocol.Modules;

namespace Ainur.Protocol.Tests.Modules;

/// <summary>The ABI check on a module's declared imports and exports.</summary>
public sealed class AriAbiTests
{
    private static readonly ImmutableArray<WasmValue> Pair = [WasmValue.I32, WasmValue.I32];

    private static readonly ModuleItem Memory = new("", AriAbi.MemoryExport, ExternKind.Memory, [], [], MinimumPages: 1);
    private static readonly ModuleItem Alloc = new("", AriAbi.AllocExport, ExternKind.Function, [WasmValue.I32], [WasmValue.I32]);
    private static readonly ModuleItem Run = new("", AriAbi.RunExport, ExternKind.Function, Pair, [WasmValue.I32]);
    private static readonly ModuleItem Output = new(AriAbi.ImportModule, AriAbi.OutputImport, ExternKind.Function, Pair, []);
    private static readonly ModuleItem Log = new(AriAbi.ImportModule, AriAbi.LogImport, ExternKind.Function, Pair, []);

    private static ModuleShape Shape(ImmutableArray<ModuleItem>? imports = null, ImmutableArray<ModuleItem>? exports = null) =>
        new(imports ?? [Output, Log], exports ?? [Memory, Alloc, Run]);

    [Fact]
    public void Check_TheAbi_Passes() => Assert.Null(AriAbi.Check(Shape(), 1024));

    [Fact]
    public void Check_NoImports_Passes() => Assert.Null(AriAbi.Check(Shape(imports: []), 1024));

    [Theory]
    [InlineData("wasi_snapshot_preview1", "fd_write")]
    [InlineData("wasi_snapshot_preview1", "clock_time_get")]
    [InlineData("env", "random")]
    [InlineData("ari", "time")]
    public void Check_AnyOtherFunctionImport_IsForbidden(string module, string name) =>
        Assert.Equal("forbidden-import", AriAbi.Check(Shape(imports: [Output, new(module, name, ExternKind.Function, Pair, [])]), 1024)?.Code);

    [Theory]
    [InlineData(ExternKind.Memory)]
    [InlineData(ExternKind.Table)]
    [InlineData(ExternKind.Global)]
    public void Check_ImportOfAnythingButAFunction_IsForbidden(ExternKind kind) =>
        Assert.Equal("forbidden-import", AriAbi.Check(Shape(imports: [new(AriAbi.ImportModule, AriAbi.LogImport, kind, [], [])]), 1024)?.Code);

    [Fact]
    public void Check_ImportWithWrongType_IsRefused() =>
        Assert.Equal("wrong-signature", AriAbi.Check(Shape(imports: [Output with { Results = [WasmValue.I32] }]), 1024)?.Code);

    [Theory]
    [InlineData(AriAbi.MemoryExport)]
    [InlineData(AriAbi.AllocExport)]
    [InlineData(AriAbi.RunExport)]
    public void Check_MissingExport_IsRefused(string missing) =>
        Assert.Equal("missing-export", AriAbi.Check(Shape(exports: [.. new[] { Memory, Alloc, Run }.Where(e => e.Name != missing)]), 1024)?.Code);

    [Fact]
    public void Check_RunWithWrongType_IsRefused() =>
        Assert.Equal("wrong-signature", AriAbi.Check(Shape(exports: [Memory, Alloc, Run with { Results = [WasmValue.I64] }]), 1024)?.Code);

    [Fact]
    public void Check_MemoryLargerThanLimitAtStart_IsRefused() =>
        Assert.Equal("memory-too-large", AriAbi.Check(Shape(exports: [Memory with { MinimumPages = 2000 }, Alloc, Run]), 1024)?.Code);

    [Fact]
    public void Check_Memory64_IsRefused() =>
        Assert.Equal("unsupported-memory", AriAbi.Check(Shape(exports: [Memory with { Is64Bit = true }, Alloc, Run]), 1024)?.Code);
}
