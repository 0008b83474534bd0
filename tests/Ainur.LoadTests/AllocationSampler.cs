using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Ainur.LoadTests;

/// <summary>
/// Which types this process allocates, sampled from the runtime's allocation ticks (one event per ~100 KB allocated,
/// naming the type of the object that crossed the mark): a diagnostic for <c>--alloc-types</c>, with no cost unless on.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _counting;

    /// <summary>Starts counting (ticks before this are dropped).</summary>
    public void Start()
    {
        _bytes.Clear();
        _counting = true;
    }

    /// <summary>Stops counting and returns the <paramref name="top"/> types by sampled bytes, as lines.</summary>
    public string Stop(int top)
    {
        _counting = false;
        var total = Math.Max(1, _bytes.Values.Sum());
        var text = new StringBuilder();
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {100.0 * bytes / total,5:F1}%  {type}");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_counting || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = eventData.Payload![names.IndexOf("TypeName")] as string ?? "?";
        var amount = names.IndexOf("AllocationAmount64") is var at and >= 0 ? Convert.ToInt64(eventData.Payload[at], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
