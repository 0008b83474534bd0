using System.Diagnostics;
using Ainur.Grains.Interfaces.Telemetry;
using Orleans.Runtime;

namespace Ainur.Grains.Tests.Telemetry;

/// <summary>
/// The task id rides in Orleans' request context (copied into every grain call a request makes) only while a span is
/// recorded to be tagged with it.
/// </summary>
public sealed class TaskTraceContextTests
{
    [Fact]
    public void Enter_WithoutARecordedSpan_LeavesTheRequestContextEmpty()
    {
        RequestContext.Clear();
        using var unrecorded = new Activity("unrecorded").Start();
        unrecorded.IsAllDataRequested = false;

        TaskTrace.Enter(new string('a', 64));

        Assert.Null(TaskTrace.Current);
        Assert.Null(unrecorded.GetTagItem(TaskTrace.Tag));
    }

    [Fact]
    public void Enter_WithARecordedSpan_TagsItAndCarriesTheIdToGrainCalls()
    {
        RequestContext.Clear();
        var taskId = new string('b', 64);
        using var recorded = new Activity("recorded").Start();
        recorded.IsAllDataRequested = true;

        TaskTrace.Enter(taskId);

        Assert.Equal(taskId, TaskTrace.Current);
        Assert.Equal(taskId, recorded.GetTagItem(TaskTrace.Tag));
        RequestContext.Clear();
    }
}
