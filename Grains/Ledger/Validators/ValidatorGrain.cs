using System.Collections.Immutable;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.Extensions.Logging;
using Npgsql;

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
    LedgerSettings settings, LedgerMetrics metrics, ILedgerStore store, IClusterMembershipService membership, IClusterManifestProvider manifests, ILocalSiloDetails silo, TimeProvider clock, ILogger<ValidatorGrain> logger)
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

        _ledger = await StartingStateAsync(cancellationToken);
        await foreach (var finalized in store.ReadBlocksAsync(ChainId, _index, _ledger.Height + 1, cancellationToken))
        {
            _ledger = ApplyFinalized(finalized.Block);
        }

        var guard = await store.LoadGuardAsync(ChainId, _index, cancellationToken);
        var config = new ConsensusConfig(ChainId, settings.Validators, _index, settings.Timeouts);
        _context = new ConsensusContext(config, settings.ValidatorKeys[_index], IsValid);
        _consensus = ConsensusState.Initial(config, _ledger.Height + 1, guard);
        LogActivated(logger, _index, _ledger.Height, RuntimeIdentity);
        this.RegisterGrainTimer(_ => CatchUpAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        this.RegisterGrainTimer(CheckPlacement, new GrainTimerCreationOptions(PlacementCheckPeriod, PlacementCheckPeriod));
    }

    // The latest snapshot whose state root matches this validator's own stored block at that height; otherwise genesis
    // (a snapshot that does not decode or does not match is ignored, never trusted).
    private async Task<LedgerState> StartingStateAsync(CancellationToken ct)
    {
        var genesis = LedgerState.FromGenesis(settings.Genesis);
        if (await store.LoadSnapshotAsync(ChainId, _index, ct) is not { } snapshot
            || await store.GetBlockAsync(ChainId, _index, snapshot.Height, ct) is not { } block)
        {
            return genesis;
        }

        try
        {
            var state = LedgerSnapshot.Decode(settings.Genesis, snapshot.State);
            if (state.Height == snapshot.Height && state.StateRoot == block.Block.Header.StateRoot && state.LastBlockHash == block.Block.Hash)
            {
                return state;
            }
        }
        catch (FormatException)
        {
            // Falls through to the full replay below.
        }

        LogSnapshotIgnored(logger, _index, snapshot.Height);
        return genesis;
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

        // Vouchers of budgets this validator knows are checked ahead too, against the budget's owner as of now (one
        // opened later is checked when its block comes). The checks run on the thread pool; only the results touch
        // grain state, back on the grain's scheduler.
        var vouchers = transactions
            .SelectMany(t => t.Body is ProtocolBatch batch ? batch.Operations.OfType<VoucherSettle>() : [])
            .Select(settle => (Owner: _ledger.GetBudget(settle.BudgetId)?.Owner, Settle: settle))
            .Where(v => v.Owner is not null)
            .Select(v => (Owner: v.Owner!.Value, v.Settle))
            .ToArray();
        var (valid, vouchersValid) = await Task.Run(() => Measured(() => (
            Parallel(transactions.Length, i => transactions[i].VerifySignature(ChainId)),
            Parallel(vouchers.Length, i => vouchers[i].Settle.Voucher.Verify(vouchers[i].Owner, vouchers[i].Settle.Signature, ChainId)))));
        for (var i = 0; i < transactions.Length; i++)
        {
            if (valid[i])
            {
                _verified.Add(transactions[i]);
            }
        }

        for (var i = 0; i < vouchers.Length; i++)
        {
            if (vouchersValid[i])
            {
                _verified.Add(vouchers[i].Owner, vouchers[i].Settle);
            }
        }
    }

    private static bool[] Parallel(int count, Func<int, bool> check)
    {
        var results = new bool[count];
        System.Threading.Tasks.Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = SignatureParallelism }, i => results[i] = check(i));
        return results;
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
    public Task<EscrowSnapshot> GetEscrowAsync(Hash32 escrowId) =>
        Task.FromResult(new EscrowSnapshot(escrowId, _ledger.GetEscrow(escrowId), _ledger.OrchestratorSequence, _ledger.Height, _ledger.TimeUnixMs));

    /// <inheritdoc/>
    public Task<BudgetSnapshot> GetBudgetAsync(Hash32 budgetId) =>
        Task.FromResult(new BudgetSnapshot(_ledger.GetBudget(budgetId), _ledger.Height, _ledger.TimeUnixMs));

    /// <inheritdoc/>
    public Task<VoucherSnapshot> GetVoucherAsync(Hash32 budgetId, Hash32 taskId) =>
        Task.FromResult(new VoucherSnapshot(_ledger.IsVoucherSpent(budgetId, taskId), _ledger.Height));

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

        var outcome = BlockExecution.Execute(_ledger, block, SignatureParallelism, _verified.Contains, _verified.Contains);
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

        // Block validity (execution) runs inside the step, through the context's IsValid.
        var result = Measured(() => Tendermint.Step(_consensus, input, _context));

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
        var candidates = await ReapAsync(mempool);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var built = Measured(() => BlockBuilder.Build(
            _ledger, candidates, settings.MaxBlockTransactions, request.Round, _index, now, _verified.Contains, SignatureParallelism, _verified.Contains));
        _executed[built.Block.Hash] = built.After;
        if (!built.Rejected.IsEmpty)
        {
            try
            {
                await mempool.RejectedAsync(request.Height, built.Rejected).WaitAsync(PeerCall.Timeout);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The refused transactions stay pooled (or the pool failed to look one up): the next proposer refuses them again.
                LogMempoolUnreachable(logger, _index, e.Message);
            }
        }

        await StepAsync(new ProposalValue(request.Height, request.Round, built.Block));
    }

    /// <summary>
    /// The pool's candidates, or none when it does not answer in <see cref="PeerCall.Timeout"/>: this turn holds the
    /// validator's votes, and a pool on a frozen silo (until it is declared dead) must not stall the ledger with it.
    /// </summary>
    private async Task<ImmutableArray<SignedTransaction>> ReapAsync(IMempoolGrain mempool)
    {
        try
        {
            return await mempool.ReapAsync(settings.MaxBlockTransactions).WaitAsync(PeerCall.Timeout);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogMempoolUnreachable(logger, _index, e.Message);
            return [];
        }
    }

    private async Task CommitAsync(FinalizedBlock finalized)
    {
        var block = finalized.Block;
        var after = _executed.TryGetValue(block.Hash, out var executed) ? executed : ApplyFinalized(block);
        await SaveAsync(finalized);
        _ledger = after;
        _executed.Clear();
        _verified.Forget(block.Transactions);
        LogCommitted(logger, _index, block.Height, finalized.Certificate.Round, block.Transactions.Length);
        if (block.Height % settings.SnapshotEveryBlocks == 0)
        {
            await SaveSnapshotAsync(after);
        }

        int pending;
        try
        {
            pending = await GrainFactory.GetGrain<IMempoolGrain>(0).FinalizedAsync(finalized).WaitAsync(PeerCall.Timeout);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The report is best effort: a pool that missed it takes the block from the stored ones (when it finds itself
            // stuck, or a transaction refused as a replay), and one that re-activates elsewhere indexes them first.
            LogMempoolUnreachable(logger, _index, e.Message);
            return;
        }

        if (pending > 0)
        {
            await StepAsync(Start.Now);
        }
    }

    // A snapshot only saves replay time: failing to store one is logged and otherwise ignored.
    private async Task SaveSnapshotAsync(LedgerState state)
    {
        try
        {
            await store.SaveSnapshotAsync(ChainId, _index, state.Height, LedgerSnapshot.Encode(state), CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogSnapshotFailed(logger, _index, state.Height, e.Message);
        }
    }

    // A decided block must be stored before anyone is told of it and before the next height: retried until the
    // database takes it. A different block already stored at this height would be a fork: this validator stops.
    private async Task SaveAsync(FinalizedBlock finalized)
    {
        try
        {
            await StoreRetry.UntilDoneAsync(
                () => store.SaveBlockAsync(ChainId, _index, finalized, CancellationToken.None),
                (attempt, e) => LogSaveRetry(logger, _index, finalized.Height, attempt, e.Message),
                clock);
        }
        catch (LedgerForkException e)
        {
            LogFork(logger, _index, finalized.Height, e.Message);
            _fenced = true;
            CancelTimers();
            throw;
        }
    }

    // Charges the calling thread's CPU for work to the consensus metric (parallel signature checks count the
    // caller's share only; most signatures are checked ahead, in PrevalidateAsync, which is measured whole).
    private T Measured<T>(Func<T> work)
    {
        var start = ThreadCpu.NowNanos();
        try
        {
            return work();
        }
        finally
        {
            metrics.ConsensusWork(ThreadCpu.NowNanos() - start);
        }
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

    // Another activation of this validator (a duplicate during a silo's death, or a stale one) signed past this one:
    // this activation must never sign again. It steps aside; the next activation starts from the stored guard.
    private void Fence(SigningGuard refused)
    {
        _fenced = true;
        CancelTimers();
        LogFenced(logger, _index, refused.Height, refused.Round, refused.Step);
        DeactivateOnIdle();
    }
}
