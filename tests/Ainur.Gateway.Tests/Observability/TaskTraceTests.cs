using System.Collections.Concurrent;
using System.Diagnostics;
using Ainur.Gateway.Tests.Tasks;
using Ainur.Grains.Interfaces.Telemetry;
using Ainur.Testing;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>A task's request is one trace from the gateway through the grains, each span tagged with the task id.</summary>
public sealed class TaskTraceTests
{
    [Fact]
    public async Task SubmitTask_TraceFromGatewayThroughGrains_IsTaggedWithTheTaskId()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var database = await TestDatabase.CreateAsync(ct);
        await using var gateway = await InProcessGateway.StartStandaloneAsync(database);
        var tasks = new TaskClient(gateway);
        var capability = TaskClient.NewCapability();
        await tasks.AgentAsync(capability);
        var draft = TaskDraft.For(await tasks.ClientAsync(), capability);
        var taskId = draft.Id.ToString();

        await tasks.SubmitAsync(draft);

        var request = await WaitForAsync(spans, s => s.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn" && Equals(s.GetTagItem(TaskTrace.Tag), taskId), ct);
        var grainSpans = spans.Where(s => s.TraceId == request.TraceId && s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToList();
        var tagged = grainSpans.Where(s => Equals(s.GetTagItem(TaskTrace.Tag), taskId)).ToList();
        var described = string.Join("\n", grainSpans.Select(s => $"{s.Source.Name} {s.DisplayName} {s.GetTagItem(TaskTrace.Tag)}"));

        Assert.True(tagged.Any(s => s.DisplayName.Contains("TaskGrain", StringComparison.Ordinal)), $"no tagged TaskGrain span in the request's trace:\n{described}");
        Assert.True(tagged.Select(s => s.DisplayName).Distinct().Count() >= 2, $"the task id reaches no grain beyond the first:\n{described}");
    }

    private static async Task<Activity> WaitForAsync(ConcurrentQueue<Activity> spans, Func<Activity, bool> match, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (spans.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100, ct);
        }

        Assert.Fail("no span of the task's request was recorded:\n" + string.Join("\n", spans.Select(s => $"{s.Source.Name} {s.DisplayName}")));
        return null!;
    }
}
