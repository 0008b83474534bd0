using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger.State;

/// <summary>
/// A mutable copy of a <see cref="LedgerState"/> for applying one block: builders over the immutable maps (cheap to
/// start and to freeze), the set of entries touched since the last root, and an undo log so one transaction's writes
/// can be discarded as a whole. Not thread-safe; one block at a time.
/// </summary>
internal sealed class LedgerWorkingSet
{
    private readonly LedgerState _before;
    private readonly ImmutableDictionary<Did, Account>.Builder _accounts;
    private readonly ImmutableDictionary<Hash32, Escrow>.Builder _escrows;
    private readonly ImmutableDictionary<Hash32, Budget>.Builder _budgets;
    private readonly ImmutableDictionary<Hash32, ImmutableDictionary<Hash32, long>>.Builder _spentVouchers;
    private readonly ImmutableDictionary<long, ImmutableHashSet<Did>>.Builder _releases;
    private readonly HashSet<Did> _dirtyAccounts = [];
    private readonly HashSet<Hash32> _dirtyEscrows = [];
    private readonly HashSet<Hash32> _dirtyBudgets = [];
    private readonly HashSet<(Hash32 BudgetId, Hash32 TaskId)> _dirtyVouchers = [];
    private readonly List<(Did Did, Account? Previous)> _accountUndo = [];
    private readonly List<(Hash32 Id, Escrow? Previous)> _escrowUndo = [];
    private readonly List<(Hash32 Id, Budget? Previous)> _budgetUndo = [];
    private readonly List<(Hash32 BudgetId, ImmutableDictionary<Hash32, long>? Previous)> _voucherUndo = [];
    private long? _sequenceUndo;
    private bool _dirtyChain;
    private long _orchestratorSequence;
    private StateTree _tree;

    public LedgerWorkingSet(LedgerState before)
    {
        _before = before;
        _accounts = before.AccountMap.ToBuilder();
        _escrows = before.EscrowMap.ToBuilder();
        _budgets = before.BudgetMap.ToBuilder();
        _spentVouchers = before.SpentVoucherMap.ToBuilder();
        _releases = before.Releases.ToBuilder();
        _orchestratorSequence = before.OrchestratorSequence;
        _tree = before.Tree;
    }

    public Genesis Genesis => _before.Genesis;

    public long OrchestratorSequence
    {
        get => _orchestratorSequence;
        set
        {
            _sequenceUndo ??= _orchestratorSequence;
            _orchestratorSequence = value;
            _dirtyChain = true;
        }
    }

    public Account GetAccount(Did did) => _accounts.TryGetValue(did, out var account) ? account : Account.Empty;

    /// <summary>Stores <paramref name="account"/>; an empty one is removed, so it hashes as never seen.</summary>
    public void SetAccount(Did did, Account account)
    {
        _accountUndo.Add((did, _accounts.TryGetValue(did, out var previous) ? previous : null));
        if (account.Equals(Account.Empty))
        {
            _accounts.Remove(did);
        }
        else
        {
            _accounts[did] = account;
        }

        _dirtyAccounts.Add(did);
    }

    public Escrow? GetEscrow(Hash32 id) => _escrows.TryGetValue(id, out var escrow) ? escrow : null;

    public void SetEscrow(Escrow escrow)
    {
        _escrowUndo.Add((escrow.Id, GetEscrow(escrow.Id)));
        _escrows[escrow.Id] = escrow;
        _dirtyEscrows.Add(escrow.Id);
    }

    public Budget? GetBudget(Hash32 id) => _budgets.TryGetValue(id, out var budget) ? budget : null;

    public void SetBudget(Hash32 id, Budget budget)
    {
        _budgetUndo.Add((id, GetBudget(id)));
        _budgets[id] = budget;
        _dirtyBudgets.Add(id);
    }

    public bool IsVoucherSpent(Hash32 budgetId, Hash32 taskId) =>
        _spentVouchers.TryGetValue(budgetId, out var spent) && spent.ContainsKey(taskId);

    /// <summary>Records that the voucher of <paramref name="budgetId"/> for <paramref name="taskId"/> paid <paramref name="amount"/>.</summary>
    public void AddSpentVoucher(Hash32 budgetId, Hash32 taskId, long amount)
    {
        var spent = _spentVouchers.TryGetValue(budgetId, out var existing) ? existing : null;
        _voucherUndo.Add((budgetId, spent));
        _spentVouchers[budgetId] = (spent ?? ImmutableDictionary<Hash32, long>.Empty).Add(taskId, amount);
        _dirtyVouchers.Add((budgetId, taskId));
    }

    /// <summary>
    /// Notes that <paramref name="account"/> has unbonding due at <paramref name="height"/>. Not undone by
    /// <see cref="DiscardChanges"/>: a note without a due entry only costs a lookup when that height comes.
    /// </summary>
    public void ScheduleRelease(long height, Did account) =>
        _releases[height] = (_releases.TryGetValue(height, out var due) ? due : []).Add(account);

    /// <summary>Removes and returns the accounts noted for <paramref name="height"/>.</summary>
    public ImmutableHashSet<Did> TakeReleases(long height)
    {
        if (!_releases.TryGetValue(height, out var due))
        {
            return [];
        }

        _releases.Remove(height);
        return due;
    }

    /// <summary>Keeps every write since the last accept or discard.</summary>
    public void AcceptChanges()
    {
        _accountUndo.Clear();
        _escrowUndo.Clear();
        _budgetUndo.Clear();
        _voucherUndo.Clear();
        _sequenceUndo = null;
    }

    /// <summary>Reverts every write since the last accept or discard.</summary>
    public void DiscardChanges()
    {
        Undo(_accountUndo, _accounts);
        Undo(_escrowUndo, _escrows);
        Undo(_budgetUndo, _budgets);
        Undo(_voucherUndo, _spentVouchers);
        if (_sequenceUndo is { } sequence)
        {
            _orchestratorSequence = sequence;
        }

        AcceptChanges();
    }

    /// <summary>The state root of the entries as they are now; rehashes only what changed since the last call.</summary>
    public Hash32 ComputeRoot()
    {
        var changes = new StateChange[_dirtyAccounts.Count + _dirtyEscrows.Count + _dirtyBudgets.Count + _dirtyVouchers.Count + (_dirtyChain ? 1 : 0)];
        var n = 0;
        foreach (var did in _dirtyAccounts)
        {
            var key = StateKey.ForAccount(did);
            Hash32? hash = _accounts.TryGetValue(did, out var account) ? StateEntries.AccountHash(did, account) : null;
            changes[n++] = new StateChange(key.Bucket(), key, hash);
        }

        foreach (var id in _dirtyEscrows)
        {
            var key = StateKey.ForEscrow(id);
            Hash32? hash = _escrows.TryGetValue(id, out var escrow) ? StateEntries.EscrowHash(escrow) : null;
            changes[n++] = new StateChange(key.Bucket(), key, hash);
        }

        foreach (var id in _dirtyBudgets)
        {
            var key = StateKey.ForBudget(id);
            Hash32? hash = _budgets.TryGetValue(id, out var budget) ? StateEntries.BudgetHash(id, budget) : null;
            changes[n++] = new StateChange(key.Bucket(), key, hash);
        }

        foreach (var (budgetId, taskId) in _dirtyVouchers)
        {
            var key = StateKey.ForSpentVoucher(budgetId, taskId);
            Hash32? hash = _spentVouchers.TryGetValue(budgetId, out var spent) && spent.TryGetValue(taskId, out var amount)
                ? StateEntries.SpentVoucherHash(budgetId, taskId, amount)
                : null;
            changes[n++] = new StateChange(key.Bucket(), key, hash);
        }

        if (_dirtyChain)
        {
            changes[n] = new StateChange(StateKey.Chain.Bucket(), StateKey.Chain, StateEntries.ChainHash(_orchestratorSequence));
        }

        _dirtyAccounts.Clear();
        _dirtyEscrows.Clear();
        _dirtyBudgets.Clear();
        _dirtyVouchers.Clear();
        _dirtyChain = false;
        _tree = _tree.With(changes);
        return _tree.Root;
    }

    /// <summary>
    /// Freezes the working set as the state after block <paramref name="height"/> with hash <paramref name="blockHash"/>
    /// and time <paramref name="timeUnixMs"/>.
    /// </summary>
    public LedgerState ToState(long height, Hash32 blockHash, long timeUnixMs)
    {
        ComputeRoot();
        return new LedgerState(_before.Genesis, height, blockHash, timeUnixMs, _orchestratorSequence,
            _accounts.ToImmutable(), _escrows.ToImmutable(), _budgets.ToImmutable(), _spentVouchers.ToImmutable(), _releases.ToImmutable(), _tree);
    }

    private static void Undo<TKey, TValue>(List<(TKey Key, TValue? Previous)> undo, ImmutableDictionary<TKey, TValue>.Builder map)
        where TKey : notnull
        where TValue : class
    {
        for (var i = undo.Count - 1; i >= 0; i--)
        {
            var (key, previous) = undo[i];
            if (previous is null)
            {
                map.Remove(key);
            }
            else
            {
                map[key] = previous;
            }
        }
    }
}
