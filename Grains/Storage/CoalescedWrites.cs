namespace Ainur.Grains.Storage;

/// <summary>
/// The state writes of one reentrant grain, coalesced: changes made while a write is in flight share the next one, so
/// a burst of calls costs two writes, not one each. The grain changes its state between awaits (one turn at a time on
/// its scheduler) and calls <see cref="PersistAsync"/> after each change. Not thread-safe: only the grain's turns use it.
/// </summary>
internal sealed class CoalescedWrites
{
    private Task _writing = Task.CompletedTask;
    private Task? _next;

    /// <summary>
    /// Completes once a write that started after this call has succeeded: the change just made is durable.
    /// <paramref name="write"/> writes the state as it is when called (the grain passes the same one each time); its
    /// failure reaches every caller that shares it.
    /// </summary>
    public Task PersistAsync(Func<Task> write) => _next ??= WriteNextAsync(write);

    /// <summary>Completes once every change made so far is durable; throws when the write that holds one failed.</summary>
    public Task DurableAsync() => _next ?? _writing;

    private async Task WriteNextAsync(Func<Task> write)
    {
        // Let the changes made in this turn and the ones queued behind it join this write.
        await Task.Yield();
        try
        {
            await _writing;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Its callers saw it; this write carries their changes again.
        }

        _next = null;
        var writing = write();
        _writing = writing;
        await writing;
    }
}
