using System.Net;
using Ainur.Gateway.Ari.V1;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Ainur.Testing.Wasm;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace Ainur.Gateway.Tests.Runtime;

/// <summary>
/// A hosted agent's task over real HTTP and the ARI over real gRPC(-Web, on the node's port): its log lines in order on
/// server-sent events and on StreamLogs, and each of the four ARI operations, ExecuteTask for the operator only.
/// </summary>
[Collection(HostedNodeCollection.Name)]
public sealed class HostedRuntimeTests(HostedNodeFixture fixture) : IDisposable
{
    private const int Lines = 30;

    // Writes line k (1..30) as the first k letters of the alphabet run, spinning between lines so the task runs a while.
    private const string LoggerWat = """
        (module
          (import "ari" "output" (func $output (param i32 i32)))
          (import "ari" "log" (func $log (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "abcdefghijklmnopqrstuvwxyzABCD")
          (func (export "ari_alloc") (param $len i32) (result i32) (i32.const 1024))
          (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
            (local $k i32) (local $spin i32)
            (loop $line
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (local.set $spin (i32.const 300000))
              (loop $wait (local.set $spin (i32.sub (local.get $spin) (i32.const 1))) (br_if $wait (local.get $spin)))
              (call $log (i32.const 0) (local.get $k))
              (br_if $line (i32.lt_u (local.get $k) (i32.const 30))))
            (call $output (local.get $ptr) (local.get $len))
            (i32.const 0)))
        """;

    // gRPC-Web over the node's plain-text HTTP/1.1 port (native gRPC needs HTTP/2: TLS, or an HTTP/2 endpoint).
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.Gateway.Address, new GrpcChannelOptions
    {
        HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
        HttpVersion = HttpVersion.Version11,
        HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    });

    private InProcessGateway Gateway => fixture.Gateway;

    private Ari.V1.Runtime.RuntimeClient Ari => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task HostedTask_LogLinesArriveInOrder_OnServerSentEventsAndOnStreamLogs()
    {
        var tasks = new TaskClient(Gateway);
        var capability = TaskClient.NewCapability();
        await EnlistAsync(tasks, capability, Wasmtime.Module.ConvertText(LoggerWat).ToArray());
        var client = await tasks.ClientAsync();
        var draft = TaskDraft.For(client, capability, """{"text":"log"}""", maxPrice: 5);

        await tasks.SubmitAsync(draft);
        // Both readers start while the task is pending or running, and must each see every line once, in order.
        var sse = ReadSseAsync(draft.Id);
        var grpc = ReadGrpcAsync(draft.Id);
        var expected = Enumerable.Range(1, Lines).Select(k => "abcdefghijklmnopqrstuvwxyzABCD"[..k]).ToList();

        Assert.Equal(expected.Select((line, i) => (i + 1, line)), await sse);
        Assert.Equal(expected.Select((line, i) => (i + 1, line)), await grpc);
        var settled = await tasks.WaitForStateAsync(draft.Id, "settled");
        Assert.Equal("log", settled.GetProperty("result").GetProperty("output").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Cli_FromModuleToSettledTask_AsTheReadmeWalksIt()
    {
        using var cli = new CliRun(Gateway.Address);
        var tasks = new TaskClient(Gateway);
        var agent = AgentKey.Generate();
        var agentFile = cli.KeyFileOf(agent);
        // The README compiles the WAT with wat2wasm; any WAT compiler gives a module of the same behaviour.
        var wasm = cli.File("echo.wasm");
        await File.WriteAllBytesAsync(wasm, WasmExamples.FreshEcho(), Ct);

        var (uploadCode, uploadOutput, uploadError) = await cli.RunAsync("module", "upload", wasm, "--key", agentFile);
        Assert.True(uploadCode == 0, uploadError);
        var hash = uploadOutput.Split(' ')[1];
        Assert.Equal(Blake2b.Content(await File.ReadAllBytesAsync(wasm, Ct)).ToString(), hash);
        var capability = TaskClient.NewCapability();
        var manifest = cli.File("echo.manifest.json");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(Path.Combine(Ainur.Testing.Processes.BuiltNode.RepositoryRoot, "examples", "agents", "wasm", "echo.manifest.json"), Ct))
            .Replace("MODULE_HASH", hash, StringComparison.Ordinal).Replace("wasm.echo", capability, StringComparison.Ordinal), Ct);
        await tasks.Ledger.FundAsync(agent);
        await tasks.StakeAsync(agent);
        var (registerCode, _, registerError) = await cli.RunAsync("agent", "register", "--manifest", manifest, "--key", agentFile);
        Assert.True(registerCode == 0, registerError);

        var client = await tasks.ClientAsync();
        var (code, output, error) = await cli.RunAsync("task", "submit", "--capability", capability, "--input", """{"text":"hi"}""", "--max-price", "5", "--key", cli.KeyFileOf(client));

        Assert.True(code == 0, error + output);
        Assert.Contains("assigned -> executing  start", output, StringComparison.Ordinal);
        Assert.Contains("verifying -> complete  verified: verified by re-execution: 2 of 2 executions agree", output, StringComparison.Ordinal);
        Assert.Contains("paid 5 of 5", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_UnknownTask404_BadId400_BadAfter400()
    {
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync($"/v1/tasks/{Blake2b.Content("none"u8)}/logs", Ct), HttpStatusCode.NotFound, "task-not-found");
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync("/v1/tasks/xyz/logs", Ct), HttpStatusCode.BadRequest, "invalid-task-id");
        await HttpAssert.ProblemAsync(await Gateway.Http.GetAsync($"/v1/tasks/{Blake2b.Content("none"u8)}/logs?after=-1", Ct), HttpStatusCode.BadRequest, "invalid-after");
        var refused = await Assert.ThrowsAsync<RpcException>(() => DrainAsync(Ari.StreamLogs(new StreamLogsRequest { TaskId = "xyz" }, cancellationToken: Ct)));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => DrainAsync(Ari.StreamLogs(new StreamLogsRequest { TaskId = Blake2b.Content("none"u8).ToString() }, cancellationToken: Ct)));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Ari_GetCapabilities_DescribesTheAbiAndLimits()
    {
        var capabilities = await Ari.GetCapabilitiesAsync(new GetCapabilitiesRequest(), cancellationToken: Ct);
        Assert.Equal(1, capabilities.AbiVersion);
        Assert.Equal(["ari.output", "ari.log"], capabilities.Imports);
        Assert.Equal(["memory", "ari_alloc", "ari_run"], capabilities.Exports);
        Assert.Contains("fuel-exhausted", capabilities.FailureCodes);
        Assert.True(capabilities.Limits.MaxFuel >= capabilities.Limits.DefaultFuel);
    }

    [Fact]
    public async Task Ari_GetHealth_ReportsTheEngine()
    {
        var health = await Ari.GetHealthAsync(new GetHealthRequest(), cancellationToken: Ct);
        Assert.True(health.Serving);
        Assert.Contains("wasmtime", health.Engine, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(health.Silo));
        Assert.True(health.Limits.MemoryBytes > 0);
        Assert.True(health.InFlight >= 0 && health.Executions >= 0);
    }

    [Fact]
    public async Task Ari_ExecuteTask_ForTheOperator_RunsAStoredModule()
    {
        var hash = await UploadAsync(WasmExamples.WordCount);
        var headers = new Metadata { { "authorization", $"Bearer {HostedNodeFixture.OperatorToken}" } };

        var run = await Ari.ExecuteTaskAsync(new ExecuteTaskRequest { ModuleHash = hash.ToString(), Input = "\"one two three\"" }, headers, cancellationToken: Ct);

        Assert.True(run.Succeeded, run.FailureDetail);
        Assert.Equal("""{"words":3}""", run.Output);
        Assert.Equal(Blake2b.Content("""{"words":3}"""u8).ToString(), run.OutputHash);
        Assert.Equal(["word-count: counting"], run.Log);
        var trapped = await Ari.ExecuteTaskAsync(new ExecuteTaskRequest { ModuleHash = (await UploadAsync("hostile/trap")).ToString(), Input = "{}" }, headers, cancellationToken: Ct);
        Assert.Equal((false, "trap"), (trapped.Succeeded, trapped.FailureCode));
    }

    [Theory]
    [InlineData(null, StatusCode.Unauthenticated)]
    [InlineData("Bearer wrong", StatusCode.Unauthenticated)]
    [InlineData("test-operator-token", StatusCode.Unauthenticated)]
    public async Task Ari_ExecuteTask_WithoutTheOperatorToken_Refused(string? authorization, StatusCode status)
    {
        var hash = await UploadAsync(WasmExamples.Echo);
        var headers = authorization is null ? new Metadata() : new Metadata { { "authorization", authorization } };
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await Ari.ExecuteTaskAsync(new ExecuteTaskRequest { ModuleHash = hash.ToString(), Input = "{}" }, headers, cancellationToken: Ct));
        Assert.Equal(status, refused.StatusCode);
    }

    [Theory]
    [InlineData("nothex", "{}", 0)]
    [InlineData(null, "not json", 0)]
    [InlineData(null, "{}", -1)]
    public async Task Ari_ExecuteTask_BadArguments_InvalidArgument(string? moduleHash, string input, long fuel)
    {
        var hash = moduleHash ?? (await UploadAsync(WasmExamples.Echo)).ToString();
        var headers = new Metadata { { "authorization", $"Bearer {HostedNodeFixture.OperatorToken}" } };
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await Ari.ExecuteTaskAsync(new ExecuteTaskRequest { ModuleHash = hash, Input = input, Fuel = fuel }, headers, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Hash32> UploadAsync(string example)
    {
        using var key = AgentKey.Generate();
        using var client = new SignedClient(Gateway.Http);
        var response = await client.UploadModuleAsync(key, WasmExamples.Bytes(example), Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await SignedClient.DescribeAsync(response));
        return WasmExamples.Hash(example);
    }

    private async Task EnlistAsync(TaskClient tasks, string capability, byte[] module)
    {
        var agent = AgentKey.Generate();
        using var client = new SignedClient(Gateway.Http);
        await HttpAssert.JsonAsync(await client.UploadModuleAsync(agent, module, Ct), HttpStatusCode.Created);
        await tasks.Ledger.FundAsync(agent);
        await tasks.StakeAsync(agent);
        var manifest = SignedClient.WasmManifestJson(Blake2b.Content(module).ToString(), capability, price: 5)
            .Replace("\"inputSchema\":{\"type\":\"object\"}", $"\"inputSchema\":{TaskClient.TextSchema}", StringComparison.Ordinal);
        await HttpAssert.JsonAsync(await client.RegisterAsync(agent, manifest, Ct), HttpStatusCode.Created);
    }

    private async Task<List<(int, string)>> ReadSseAsync(Hash32 id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{id}/logs");
        var response = await Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var reader = new SseReader(response, await response.Content.ReadAsStreamAsync(Ct));
        var lines = new List<(int, string)>();
        while (await reader.TryNextAsync() is { } received)
        {
            Assert.Equal("log", received.Type);
            lines.Add((int.Parse(received.Id!, System.Globalization.CultureInfo.InvariantCulture), received.Data.GetString()!));
        }

        return lines;
    }

    private async Task<List<(int, string)>> ReadGrpcAsync(Hash32 id)
    {
        using var call = Ari.StreamLogs(new StreamLogsRequest { TaskId = id.ToString() }, cancellationToken: Ct);
        var lines = new List<(int, string)>();
        await foreach (var line in call.ResponseStream.ReadAllAsync(Ct))
        {
            lines.Add((line.Number, line.Line));
        }

        return lines;
    }

    private static async Task DrainAsync(AsyncServerStreamingCall<LogLine> call)
    {
        using (call)
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync(Ct))
            {
            }
        }
    }
}
