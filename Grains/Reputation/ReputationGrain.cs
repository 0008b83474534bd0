using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Reputation;
using Ainur.Protocol.Reputation;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Ainur.Grains.Reputation;

/// <summary>
/// Thin host around <see cref="ReputationCounter"/>: counts reports in this replica's slot exactly once (see
/// <see cref="IReputationGrain"/> for the protocol), merges other replicas' counters, and publishes its counter on
/// the <see cref="AinurStreams.Reputation"/> stream after each change.
/// </summary>
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
            LogDuplicate(logger, _did, report.ReportId);
            return;
        }

        var counter = state.State.Counter.Increment(settings.Replica, report.Outcome);
        await SaveAsync(counter, state.State.InFlight.Add(report.ReportId));
        LogRecorded(logger, _did, report.ReportId, report.Outcome);
        await PublishAsync(counter);
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
            await TellQuietlyAsync(SaveAsync(state.State.Counter, state.State.InFlight));
        }
    }

    async Task IReputationGrain.MergeAsync(ReputationCounter remote)
    {
        var merged = state.State.Counter.Merge(remote);
        if (!ReferenceEquals(merged, state.State.Counter))
        {
            await SaveAsync(merged, state.State.InFlight);
            await PublishAsync(merged);
        }
    }

    ValueTask<ReputationView> IReputationGrain.GetAsync() => ValueTask.FromResult(_view);

    private async Task SaveAsync(ReputationCounter counter, ImmutableHashSet<string> inFlight)
    {
        var (oldCounter, oldInFlight) = (state.State.Counter, state.State.InFlight);
        state.State.Counter = counter;
        state.State.InFlight = inFlight;
        try
        {
            await state.WriteStateAsync();
            _forgotten = false;
        }
        catch
        {
            // The write may or may not have landed. Memory must not claim it did (a retried report would then be
            // acknowledged uncounted), so go back and let the next activation read what storage holds; should this one
            // serve a call first, its stale etag makes the write fail rather than count twice.
            state.State.Counter = oldCounter;
            state.State.InFlight = oldInFlight;
            DeactivateOnIdle();
            throw;
        }

        _view = ToView(counter);
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
