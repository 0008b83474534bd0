using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ainur.Gateway.Ari.V1;
using Ainur.Gateway.Cluster;
using Ainur.Grains.Interfaces.Runtime;
using Ainur.Gateway.Tasks;
using Ainur.Grains.Runtime;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Modules;
using Grpc.Core;

namespace Ainur.Gateway.Runtime;

/// <summary>
/// The ARI served over gRPC (<c>ainur.ari.v1.Runtime</c>, Protos/ari.proto, docs/ari.md). Reads are public; ExecuteTask
/// needs the configured operator token as a bearer token, compared in constant time. Bad arguments are
/// INVALID_ARGUMENT, never an internal error.
/// </summary>
public sealed class AriService(IClusterClient cluster, WasmSettings settings) : Ari.V1.Runtime.RuntimeBase
{
    private static readonly string[] FailureCodes =
    [
        ExecutionFailure.FuelExhausted, ExecutionFailure.Timeout, ExecutionFailure.MemoryLimit, ExecutionFailure.Trap, ExecutionFailure.OutputTooLarge,
        ExecutionFailure.LogLimit, ExecutionFailure.MalformedOutput, ExecutionFailure.AbiViolation, ExecutionFailure.ModuleError,
        ExecutionFailure.ModuleUnavailable, ExecutionFailure.InputTooLarge,
    ];

    /// <inheritdoc/>
    public override Task<Capabilities> GetCapabilities(GetCapabilitiesRequest request, ServerCallContext context) => Task.FromResult(new Capabilities
    {
        AbiVersion = AriAbi.Version,
        Engine = WasmEngine.Description,
        Imports = { $"{AriAbi.ImportModule}.{AriAbi.OutputImport}", $"{AriAbi.ImportModule}.{AriAbi.LogImport}" },
        Exports = { AriAbi.MemoryExport, AriAbi.AllocExport, AriAbi.RunExport },
        Limits = Limits(new RuntimeLimits(settings.DefaultFuel, settings.MaxFuel, settings.MemoryBytes, settings.WallClock, settings.OutputBytes,
            settings.InputBytes, settings.LogLines, settings.LogBytes, settings.ModuleBytes)),
        FailureCodes = { FailureCodes },
    });

    /// <inheritdoc/>
    public override async Task<Ari.V1.Health> GetHealth(GetHealthRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var health = await GrainRetry.RunAsync(() => cluster.GetGrain<IExecutorGrain>(0).GetHealthAsync(), context.CancellationToken);
        return new Ari.V1.Health
        {
            Serving = true,
            Silo = health.Silo,
            Engine = health.Engine,
            CachedModules = health.CachedModules,
            InFlight = health.InFlight,
            Executions = health.Executions,
            Limits = Limits(health.Limits),
        };
    }

    /// <inheritdoc/>
    public override async Task StreamLogs(StreamLogsRequest request, IServerStreamWriter<LogLine> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!Hash32.TryParse(request.TaskId, out var taskId))
        {
            throw Invalid("task_id must be 64 hex digits");
        }

        if (request.After < 0)
        {
            throw Invalid("after must not be negative");
        }

        if (await GrainRetry.RunAsync(() => cluster.Task(taskId).GetAsync(), context.CancellationToken) is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no task {taskId}"));
        }

        await foreach (var (number, line) in TaskLogFollower.FollowAsync(cluster, taskId, request.After, context.CancellationToken))
        {
            await responseStream.WriteAsync(new LogLine { Number = number, Line = line }, context.CancellationToken);
        }
    }

    /// <inheritdoc/>
    public override async Task<ExecuteTaskResponse> ExecuteTask(ExecuteTaskRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Authorize(context);
        if (!Hash32.TryParse(request.ModuleHash, out var module))
        {
            throw Invalid("module_hash must be 64 hex digits");
        }

        if (request.Fuel < 0)
        {
            throw Invalid("fuel must not be negative (0: the node's default)");
        }

        if (Encoding.UTF8.GetByteCount(request.Input) > settings.InputBytes || !IsJson(request.Input))
        {
            throw Invalid($"input must be JSON text of at most {settings.InputBytes} bytes");
        }

        var report = await GrainRetry.RunAsync(
            () => cluster.GetGrain<IExecutorGrain>(0).ExecuteAsync(new ExecutionRequest(module, request.Input, request.Fuel == 0 ? null : request.Fuel, null)),
            context.CancellationToken);
        return new ExecuteTaskResponse
        {
            Succeeded = report.Succeeded,
            Output = report.Output ?? "",
            OutputHash = report.OutputHash?.ToString() ?? "",
            FailureCode = report.FailureCode ?? "",
            FailureDetail = report.FailureDetail ?? "",
            FuelUsed = report.FuelUsed,
            Log = { report.Log },
            Silo = report.Silo,
            ElapsedMs = report.Elapsed.TotalMilliseconds,
        };
    }

    private void Authorize(ServerCallContext context)
    {
        if (settings.OperatorToken is not { Length: > 0 } token)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "ExecuteTask is disabled: no operator token is configured (Ainur:Wasm:OperatorToken)"));
        }

        var presented = context.RequestHeaders.GetValue("authorization") is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(token))))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "ExecuteTask needs authorization: Bearer <operator token>"));
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    private static Limits Limits(RuntimeLimits limits) => new()
    {
        DefaultFuel = limits.DefaultFuel,
        MaxFuel = limits.MaxFuel,
        MemoryBytes = limits.MemoryBytes,
        WallClockMs = (long)limits.WallClock.TotalMilliseconds,
        OutputBytes = limits.OutputBytes,
        InputBytes = limits.InputBytes,
        LogLines = limits.LogLines,
        LogBytes = limits.LogBytes,
        ModuleBytes = limits.ModuleBytes,
    };
}
