using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime.Placement;

namespace Ainur.Grains.Ledger.Validators;

/// <summary>
/// Hosts validator <c>index</c>'s Tendermint core the way raft's node loop does: every input goes through
/// <see cref="Tendermint.Step"/>; the result's signing guard is persisted (compare-and-set in PostgreSQL) before any
/// message leaves, timers become grain timers, a decision is stored before anyone is told, and a proposal request is
/// answered from the mempool. The ledger state is rebuilt at activation from the blocks this validator stored.
/// </summary>
[ValidatorPlacement]
public sealed partial class ValidatorGrain(
    [PersistentState("switch", AinurStores.Ledger)] IPersistentState<ValidatorSwitch> onlineSwitch,
    LedgerSettings settings, ILedgerStore store, IClusterMembershipService membership, IClusterManifestProvider manifests, ILocalSiloDetails silo, TimeProvider clock, ILogger<ValidatorGrain> logger)
    : Grain, IValidatorGrain
{
    private static readonly TimeSpan PlacementCheckPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    // Signature checks of a block spread over the cores: while the proposer builds, the other validators wait for it.
    private static readonly int SignatureParallelism = Environment.ProcessorCount;

    private readonly Dictionary<Protocol.Hashing.Hash32, LedgerState> _executed = [];
    private readonly VerifiedSignatures _verified = new(capacity: 500_000);
    private readonly List<IGrainTimer> _timers = [];
    private int _index;
    private ConsensusContext _context = null!;
    private ConsensusState _consensus = null!;
    private LedgerState _ledger = null!;
    private FinalizedBlock? _last;
    private bool _fenced;
    private bool _catchingUp;
    private int _misplacedChecks;

    private string ChainId => settings.ChainId;

    private bool Online => onlineSwitch.State.Online;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _index = checked((int)this.GetPrimaryKeyLong());
        if (_index < 0 || _index >= settings.Validators.Count)
        {
            throw new InvalidOperationException($"There is no validator {_index}: the set has {settings.Validators.Count}.");
        }

        _ledger = LedgerState.FromGenesis(settings.Genesis);
        await foreach (var finalized in store.ReadBlocksAsync(ChainId, _index, 1, cancellationToken))
        {
            _ledger = ApplyFinalized(finalized.Block);
            _last = finalized;
        }

        var guard = await store.LoadGuardAsync(ChainId, _index, cancellationToken);
        var config = new ConsensusConfig(ChainId, settings.Validators, _index, settings.Timeouts);
        _context = new ConsensusContext(config, settings.ValidatorKeys[_index], IsValid);
        _consensus = ConsensusState.Initial(config, _ledger.Height + 1, guard);
        LogActivated(logger, _index, _ledger.Height, RuntimeIdentity);
        this.RegisterGrainTimer(_ => CatchUpAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        this.RegisterGrainTimer(CheckPlacement, new GrainTimerCreationOptions(PlacementCheckPeriod, PlacementCheckPeriod));
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Nothing more leaves a validator that is going away (its silo shutting down, a move): messages sent now would
        // only be refused by a stopping runtime.
        _fenced = true;
        CancelTimers();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DeliverProposalAsync(Proposal proposal) => StepAsync(new ProposalReceived(proposal));

    /// <inheritdoc/>
    public Task DeliverVoteAsync(Vote vote) => StepAsync(new VoteReceived(vote));

    /// <inheritdoc/>
    public Task TransactionsWaitingAsync() => StepAsync(Start.Now);

    /// <inheritdoc/>
    public async Task PrevalidateAsync(ImmutableArray<SignedTransaction> transactions)
    {
        if (!Online || _fenced)
        {
            return;
        }

        // The checks run on the thread pool; only the results touch grain state, back on the grain's scheduler.
        var valid = await Task.Run(() => transactions.Select(t => t.VerifySignature(ChainId)).ToArray());
        for (var i = 0; i < transactions.Length; i++)
        {
            if (valid[i])
            {
                _verified.Add(transactions[i]);
            }
        }
    }

    /// <inheritdoc/>
    public Task<ValidatorStatus> GetStatusAsync() => Task.FromResult(new ValidatorStatus(
        _index,
        settings.Validators.Members[_index],
        Online && !_fenced,
        _ledger.Height,
        _ledger.LastBlockHash,
        _consensus.Height,
        _consensus.Round,
        _consensus.Step.ToString(),
        RuntimeIdentity,
        _consensus.Evidence.Count));

    /// <inheritdoc/>
    public async Task<FinalizedBlock?> GetFinalizedAsync(long height) =>
        height >= 1 && height <= _ledger.Height ? await store.GetBlockAsync(ChainId, _index, height, CancellationToken.None) : null;

    /// <inheritdoc/>
    public Task<AccountSnapshot> GetAccountAsync(Did account) =>
        Task.FromResult(new AccountSnapshot(account, _ledger.GetAccount(account), _ledger.Height));

    /// <inheritdoc/>
    public async Task SetOnlineAsync(bool online)
    {
        if (Online == online)
        {
            return;
        }

        onlineSwitch.State.Online = online;
        await onlineSwitch.WriteStateAsync();
        LogSwitched(logger, _index, online);
        if (!online)
        {
            CancelTimers();
            return;
        }

        await CatchUpAsync();
        await StepAsync(Start.Now);
    }

    private bool IsValid(Block block)
    {
        if (_executed.ContainsKey(block.Hash))
        {
            return true;
        }

        var outcome = BlockExecution.Execute(_ledger, block, SignatureParallelism, _verified.Contains);
        if (outcome.After is { } after)
        {
            _executed[block.Hash] = after;
            return true;
        }

        LogInvalidBlock(logger, _index, block.Height, block.Hash.ToString(), outcome.Failure?.ToString() ?? "unknown");
        return false;
    }

    // A finalized block that does not apply means the stored chain or this code is broken: never carry on from there.
    private LedgerState ApplyFinalized(Block block) =>
        BlockExecution.ApplyFinalized(_ledger, block) is { After: { } after }
            ? after
            : throw new InvalidDataException($"Finalized block {block.Height} ({block.Hash}) does not apply to validator {_index}'s state.");

    private async Task StepAsync(ConsensusInput input)
    {
        if (!Online || _fenced)
        {
            return;
        }

        var result = Tendermint.Step(_consensus, input, _context);

        // The double-sign guard: durable, and won against any other activation of this validator, before anything
        // signed leaves. If the database cannot say, the step never happened: the same input is tried again shortly
        // (a re-sign of the very same message is idempotent in the guard), so no timer and no message is lost for good.
        if (result.MustPersist is { } guard)
        {
            bool advanced;
            try
            {
                advanced = await store.TryAdvanceGuardAsync(ChainId, _index, guard, CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogGuardWriteFailed(logger, _index, e.Message);
                Schedule(new TimeoutRequest(RetryDelay, input));
                return;
            }

            if (!advanced)
            {
                Fence(guard);
                return;
            }
        }

        _consensus = result.Next;
        if (result.Decided is not null)
        {
            // The decided height's timers are stale; the result's own timers belong to the next height.
            CancelTimers();
        }

        Broadcast(result.Broadcast);
        foreach (var timer in result.Timers)
        {
            Schedule(timer);
        }

        if (result.Decided is { } decision)
        {
            await CommitAsync(new FinalizedBlock(decision.Block, decision.Certificate));
        }

        if (result.NeedProposal is { } request)
        {
            await ProposeAsync(request);
        }

        if (result.CatchUpFrom is not null)
        {
            await CatchUpAsync();
        }
    }

    private async Task ProposeAsync(ProposalRequest request)
    {
        var mempool = GrainFactory.GetGrain<IMempoolGrain>(0);
        var candidates = await mempool.ReapAsync(settings.MaxBlockTransactions);
        var built = BlockBuilder.Build(
            _ledger, candidates, settings.MaxBlockTransactions, request.Round, _index, clock.GetUtcNow().ToUnixTimeMilliseconds(),
            _verified.Contains, SignatureParallelism);
        _executed[built.Block.Hash] = built.After;
        if (!built.Rejected.IsEmpty)
        {
            await mempool.RejectedAsync(built.Rejected);
        }

        await StepAsync(new ProposalValue(request.Height, request.Round, built.Block));
    }

    private async Task CommitAsync(FinalizedBlock finalized)
    {
        var block = finalized.Block;
        var after = _executed.TryGetValue(block.Hash, out var executed) ? executed : ApplyFinalized(block);
        await SaveAsync(finalized);
        _ledger = after;
        _last = finalized;
        _executed.Clear();
        _verified.Forget(block.Transactions);
        LogCommitted(logger, _index, block.Height, finalized.Certificate.Round, block.Transactions.Length);

        int pending;
        try
        {
            pending = await GrainFactory.GetGrain<IMempoolGrain>(0).FinalizedAsync(finalized);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The pool re-activates elsewhere, indexes what it missed from the stored blocks, and nudges when it has work.
            LogMempoolUnreachable(logger, _index, e.Message);
            return;
        }

        if (pending > 0)
        {
            await StepAsync(Start.Now);
        }
    }

    // A decided block must be stored before anyone is told of it and before the next height: retried until the
    // database takes it. A different block already stored at this height would be a fork: this validator stops.
    private async Task SaveAsync(FinalizedBlock finalized)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.SaveBlockAsync(ChainId, _index, finalized, CancellationToken.None);
                return;
            }
            catch (LedgerForkException e)
            {
                LogFork(logger, _index, finalized.Height, e.Message);
                _fenced = true;
                CancelTimers();
                throw;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogSaveRetry(logger, _index, finalized.Height, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), clock);
            }
        }
    }

    // Fetches every block a peer finalized beyond this validator's head, checks each one's certificate and executes it
    // in full (signatures included) before storing it: a lagging validator trusts no one's word for the chain.
    private async Task CatchUpAsync()
    {
        if (_catchingUp || !Online || _fenced)
        {
            return;
        }

        _catchingUp = true;
        try
        {
            var (peer, height) = await FindMostAdvancedPeerAsync();
            while (peer is not null && _ledger.Height < height)
            {
                var next = await peer.GetFinalizedAsync(_ledger.Height + 1);
                if (next is null || !IsValidFinalized(next))
                {
                    LogCatchUpRefused(logger, _index, _ledger.Height + 1);
                    return;
                }

                await StepAsync(new CommitReceived(next.Block, next.Certificate));
            }
        }
        finally
        {
            _catchingUp = false;
        }
    }

    private bool IsValidFinalized(FinalizedBlock finalized) =>
        finalized.Certificate.Verify(settings.Validators, ChainId) is null
        && finalized.Certificate.BlockHash == finalized.Block.Hash
        && finalized.Block.Height == _ledger.Height + 1
        && IsValid(finalized.Block);

    private async Task<(IValidatorGrain? Peer, long Height)> FindMostAdvancedPeerAsync()
    {
        IValidatorGrain? best = null;
        var bestHeight = _ledger.Height;
        for (var i = 0; i < settings.Validators.Count; i++)
        {
            if (i == _index)
            {
                continue;
            }

            var peer = GrainFactory.GetGrain<IValidatorGrain>(i);
            try
            {
                var status = await peer.GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(2));
                if (status.FinalizedHeight > bestHeight)
                {
                    (best, bestHeight) = (peer, status.FinalizedHeight);
                }
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                LogPeerUnreachable(logger, _index, i, e.Message);
            }
        }

        return (best, bestHeight);
    }

    private void Broadcast(ImmutableArray<ConsensusMessage> messages)
    {
        foreach (var message in messages)
        {
            for (var i = 0; i < settings.Validators.Count; i++)
            {
                if (i == _index)
                {
                    continue;
                }

                var peer = GrainFactory.GetGrain<IValidatorGrain>(i);
                var sent = message switch
                {
                    ProposalMessage p => peer.DeliverProposalAsync(p.Proposal),
                    VoteMessage v => peer.DeliverVoteAsync(v.Vote),
                    _ => throw new InvalidOperationException($"Unknown consensus message {message.GetType().Name}."),
                };
                sent.Ignore();
            }
        }
    }

    private void Schedule(TimeoutRequest request)
    {
        IGrainTimer? timer = null;
        timer = this.RegisterGrainTimer(
            async _ =>
            {
                _timers.Remove(timer!);
                timer!.Dispose();
                await StepAsync(request.Input);
            },
            new GrainTimerCreationOptions(request.After, Timeout.InfiniteTimeSpan));
        _timers.Add(timer);
    }

    private void CancelTimers()
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    // Placement happens once, at activation: validators activated before every silo had joined would all stay on the
    // first one. A validator that is not on the silo placement would choose now steps aside; the next call places it
    // there, and its stored guard and blocks make the move safe.
    private Task CheckPlacement(CancellationToken ct)
    {
        // The silos placement itself would consider: active, and known (through their manifests) to host validators.
        var grainType = this.GetGrainId().Type;
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active
                && manifests.Current.Silos.TryGetValue(m.SiloAddress, out var manifest) && manifest.Grains.ContainsKey(grainType))
            .Select(m => m.SiloAddress)
            .ToList();
        var misplaced = silos.Count > 0 && !ValidatorPlacementDirector.Choose(silos, _index).Equals(silo.SiloAddress);

        // Two checks in a row must agree: a silo that just joined may be in the membership view before placement uses it.
        _misplacedChecks = misplaced ? _misplacedChecks + 1 : 0;
        if (_misplacedChecks >= 2)
        {
            var destination = ValidatorPlacementDirector.Choose(silos, _index);
            LogMoving(logger, _index, RuntimeIdentity, destination);
            CancelTimers();
            _fenced = true;
            RequestContext.Set(IPlacementDirector.PlacementHintKey, destination);
            MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    // Another activation of this validator (a duplicate during a silo's death, or a stale one) signed past this one:
    // this activation must never sign again. It steps aside; the next activation starts from the stored guard.
    private void Fence(SigningGuard refused)
    {
        _fenced = true;
        CancelTimers();
        LogFenced(logger, _index, refused.Height, refused.Round, refused.Step);
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Index} active at height {Height} on {Silo}")]
    private static partial void LogActivated(ILogger logger, int index, long height, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Index} moves from {Silo} to {Destination}, where placement now puts it")]
    private static partial void LogMoving(ILogger logger, int index, string silo, SiloAddress destination);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Index} switched {Online}")]
    private static partial void LogSwitched(ILogger logger, int index, bool online);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Validator {Index} finalized height {Height} in round {Round} with {Count} transactions")]
    private static partial void LogCommitted(ILogger logger, int index, long height, int round, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} refused block {Hash} at height {Height}: {Reason}")]
    private static partial void LogInvalidBlock(ILogger logger, int index, long height, string hash, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} refused a finalized block offered for height {Height} during catch-up")]
    private static partial void LogCatchUpRefused(ILogger logger, int index, long height);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Validator {Index} could not reach validator {Peer}: {Reason}")]
    private static partial void LogPeerUnreachable(ILogger logger, int index, int peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not write its signing guard, retrying the step: {Reason}")]
    private static partial void LogGuardWriteFailed(ILogger logger, int index, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not store block {Height} (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogSaveRetry(ILogger logger, int index, long height, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Validator {Index} decided a block at height {Height} that differs from the one it stored: {Reason}; it stops")]
    private static partial void LogFork(ILogger logger, int index, long height, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Index} could not report a finalized block to the mempool: {Reason}")]
    private static partial void LogMempoolUnreachable(ILogger logger, int index, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Validator {Index} was refused the signing guard for {Height}/{Round}/{Step}: another activation signed first; this one stops signing")]
    private static partial void LogFenced(ILogger logger, int index, long height, int round, SignStep step);
}
