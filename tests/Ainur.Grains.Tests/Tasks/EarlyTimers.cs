namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// The system clock, with timers that fire before their time, as real timers may: they count whole milliseconds on a
/// clock of their own, not the wall clock deadlines are compared with. Here a timer due in more than twice
/// <paramref name="lead"/> fires <paramref name="lead"/> early, every time, so code that trusts a timer's first firing
/// misses its deadline in every run instead of now and then; a shorter timer fires on time.
/// </summary>
internal sealed class EarlyTimers(TimeSpan lead) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new EarlyTimer(System.CreateTimer(callback, state, Early(dueTime), period), this);

    private TimeSpan Early(TimeSpan dueTime) => dueTime > 2 * lead && dueTime != Timeout.InfiniteTimeSpan ? dueTime - lead : dueTime;

    private sealed class EarlyTimer(ITimer timer, EarlyTimers provider) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(provider.Early(dueTime), period);

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
