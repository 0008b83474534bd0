using System.Diagnostics.Metrics;
using Ainur.Grains.Telemetry;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tasks;

/// <summary>The tasks' instruments on the <c>Ainur</c> meter (exported on /metrics as <c>ainur_tasks_*</c>).</summary>
public sealed class TaskMetrics
{
    private readonly Counter<long> _entered;
    private readonly Histogram<double> _settle;
    private readonly Counter<long> _requeues;
    private readonly Counter<long> _disputes;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meterFactory"/>.</summary>
    public TaskMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Ainur");
        _entered = meter.CreateCounter<long>("ainur.tasks.entered", "{task}", "Tasks that entered each state (label state); open tasks in a state = entered minus left.");
        _settle = meter.CreateHistogram<double>(
            "ainur.tasks.settle", "s", "Time from a task's submission until it was settled (the agent paid on the ledger).", tags: null, DurationBuckets.Seconds);
        _requeues = meter.CreateCounter<long>("ainur.tasks.requeues", "{attempt}", "Failed attempts requeued to another agent.");
        _disputes = meter.CreateCounter<long>("ainur.tasks.disputes", "{dispute}", "Disputes by how they ended (label resolution; 'open' when opened).");
    }

    /// <summary>Records one transition of a task submitted at <paramref name="submittedAt"/>.</summary>
    public void Transition(TaskTransition transition, DateTimeOffset submittedAt, DisputeResolution? resolution)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (transition.From == transition.To)
        {
            return;
        }

        _entered.Add(1, new KeyValuePair<string, object?>("state", transition.To.ToString().ToLowerInvariant()));
        switch (transition.To)
        {
            case TaskState.Settled:
                _settle.Record((transition.At - submittedAt).TotalSeconds);
                break;
            case TaskState.Pending when transition.From is not null:
                _requeues.Add(1);
                break;
            case TaskState.Disputed:
                _disputes.Add(1, new KeyValuePair<string, object?>("resolution", "open"));
                break;
        }

        if (transition.From == TaskState.Disputed && resolution is { } ended)
        {
            _disputes.Add(1, new KeyValuePair<string, object?>("resolution", ended.ToString().ToLowerInvariant()));
        }
    }
}
