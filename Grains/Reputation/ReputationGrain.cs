using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Grains.Storage;
using Ainur.Protocol.Reputation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;

namespace Ainur.Grains.Reputation;

/// <summary>
/// Thin host around <see cref="ReputationCounter"/>: counts reports in this replica's slot exactly once (see
/// <see cref="IReputationGrain"/> for the protocol), merges other replicas' counters, and publishes its counter on
/// the <see cref="AinurStreams.Reputation"/> stream after each write. Reentrant, so that the reports of an agent's
/// tasks settled together (one ledger block settles many) share a write: each change is made in one turn, and the
/// writes are coalesced.
/// </summary>
[Reentrant]
internal sealed partial class ReputationGrain(
    [PersistentState("reputation", AinurStores.Reputation)] IPersistentState<ReputationGrainState> state,
    ReputationSettings settings,
    ILogger<ReputationGrain> logger) : Grain, IReputationGrain
{
    // What GetAsync answers: replaced only after a write succeeds, so interleaved reads never see undurable counts.
    private ReputationView _view = ToView(ReputationCounter.Empty);
    private string _did = "";
    // Ids forgotten in memory and not yet in storage.
    private bool _forgotten;
    private readonly CoalescedWrites _writes = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _did = this.GetPrimaryKeyString();
        _view = ToView(state.State.Counter);
        return Task.CompletedTask;
    }

    async Task IReputationGrain.RecordAsync(OutcomeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.ReportId, nameof(report));
        if (state.State.InFlight.Contains(report.ReportId))
        {
            // Recorded before, maybe by a write still in flight: acknowledged only once that is durable.
            await _writes.DurableAsync();
            LogDuplicate(logger, _did, report.ReportId);
            return;
        }

        state.State.Counter = state.State.Counter.Increment(settings.Replica, report.Outcome);
        state.State.InFlight = state.State.InFlight.Add(report.ReportId);
        await _writes.PersistAsync(WriteAsync);
        LogRecorded(logger, _did, report.ReportId, report.Outcome);
    }

    Task IReputationGrain.ForgetAsync(string reportId)
    {
        // Not a write of its own: the id leaves storage with the next write, or when the grain deactivates. Until then
        // storage remembers it, which only answers a stray repeat without counting it.
        if (state.State.InFlight.Contains(reportId))
        {
            state.State.InFlight = state.State.InFlight.Remove(reportId);
            _forgotten = true;
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_forgotten)
        {
            await TellQuietlyAsync(_writes.PersistAsync(WriteAsync));
        }
    }

    async Task IReputationGrain.MergeAsync(ReputationCounter remote)
    {
        var merged = state.State.Counter.Merge(remote);
        if (!ReferenceEquals(merged, state.State.Counter))
        {
            state.State.Counter = merged;
            await _writes.PersistAsync(WriteAsync);
        }
    }

    ValueTask<ReputationView> IReputationGrain.GetAsync() => ValueTask.FromResult(_view);

    /// <summary>Writes the state as it is now, then shows and publishes the counter it holds.</summary>
    private async Task WriteAsync()
    {
        var counter = state.State.Counter;
        var forgotten = _forgotten;
        _forgotten = false;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have landed, and later changes were made on top of it. Nothing is undone in
            // memory: a repeated report waits for a write that holds it, so it is never acknowledged uncounted, and
            // should this write have landed, the stale etag fails the next one rather than count twice. The next
            // activation reads what storage holds.
            _forgotten |= forgotten;
            DeactivateOnIdle();
            throw;
        }

        _view = ToView(counter);
        await PublishAsync(counter);
    }

    private async Task TellQuietlyAsync(Task write)
    {
        try
        {
            await write;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogForgetNotStored(logger, e, _did);
        }
    }

    private async Task PublishAsync(ReputationCounter counter)
    {
        // Best effort: the stored state is the record, and each message carries the whole counter, so the next one
        // repairs a lost one.
        try
        {
            var stream = this.GetStreamProvider(AinurStreams.Provider)
                .GetStream<ReputationCounter>(StreamId.Create(AinurStreams.Reputation, _did));
            await stream.OnNextAsync(counter);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogPublishFailed(logger, e, _did);
        }
    }

    private static ReputationView ToView(ReputationCounter counter)
    {
        var totals = counter.Totals;
        return new(totals.Completed, totals.Failed, totals.DisputesLost, counter.Score, counter.Slots.Count);
    }
}
