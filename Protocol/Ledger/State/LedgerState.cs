using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger.State;

/// <summary>
/// The ledger after block <see cref="Height"/>: accounts, escrows, budgets and their spent vouchers, and the
/// orchestrator's last batch sequence.
/// Immutable; a new state shares almost all of its structure with the one it came from, so keeping a snapshot per
/// height is cheap. Only <c>Ainur.Protocol.Ledger.Execution</c> makes successors (by applying blocks).
/// </summary>
/// <remarks>
/// <para><b>State root.</b> The state is a set of entries, each with a 33-byte key (a kind byte, then 32 bytes) and a
/// leaf hash, Blake2b-256 over <see cref="HashDomain.StateEntry"/> and the entry's canonical bytes
/// (<see cref="Canonical.CanonicalWriter"/>):</para>
/// <list type="bullet">
/// <item>account, key 0x01 ‖ public key: 0x01, public key, balance, stake, nonce, entry count, then (amount, release
/// height) per unbonding entry;</item>
/// <item>escrow, key 0x02 ‖ id: 0x02, id, payer's public key, amount, status byte, locked-at height, closed-at height;</item>
/// <item>chain (always present), key 0x03 ‖ 32 zero bytes: 0x03, <see cref="OrchestratorSequence"/>.</item>
/// <item>budget, key 0x04 ‖ budget id: 0x04, id, owner's public key, remaining, expiry height, status byte, spent;</item>
/// <item>spent voucher, key 0x05 ‖ Blake2b-256 over <see cref="HashDomain.SpentVoucher"/>, budget id and task id: 0x05,
/// budget id, task id, credits paid (payee amount plus fee). Kept after its budget is returned, as closed escrows are.</item>
/// </list>
/// <para>Entries fall into 65,536 buckets by the first 16 bits (big-endian) of the plain Blake2b-256 of their key. A
/// bucket's hash is the RFC 9162 Merkle root (<see cref="Merkle.MerkleTree"/>) over its leaf hashes sorted by key
/// (byte-wise; the empty tree's root for an empty bucket), and <see cref="StateRoot"/> is the Merkle root over the
/// 65,536 bucket hashes in bucket order. So the root is a function of the entries alone, not of the history that
/// produced them (height, block hash and time are in the header, not the root), an entry's inclusion can later be proven
/// with two ordinary Merkle paths, and a shard can later own a range of buckets.</para>
/// <para>Empty accounts (<see cref="Account.Empty"/>) are not entries, so an account never touched and one that holds
/// nothing and never used a nonce read and hash alike. Applying a block rehashes only the buckets it touched and
/// their paths: about 5 to 16 node hashes per touched entry, however many accounts there are.</para>
/// </remarks>
public sealed class LedgerState
{
    internal LedgerState(
        Genesis genesis, long height, Hash32 lastBlockHash, long timeUnixMs, long orchestratorSequence,
        ImmutableDictionary<Did, Account> accounts, ImmutableDictionary<Hash32, Escrow> escrows,
        ImmutableDictionary<Hash32, Budget> budgets, ImmutableDictionary<Hash32, ImmutableDictionary<Hash32, long>> spentVouchers,
        ImmutableDictionary<long, ImmutableHashSet<Did>> releases, StateTree tree)
    {
        Genesis = genesis;
        Height = height;
        LastBlockHash = lastBlockHash;
        TimeUnixMs = timeUnixMs;
        OrchestratorSequence = orchestratorSequence;
        AccountMap = accounts;
        EscrowMap = escrows;
        BudgetMap = budgets;
        SpentVoucherMap = spentVouchers;
        Releases = releases;
        Tree = tree;
    }

    /// <summary>The genesis this ledger started from.</summary>
    public Genesis Genesis { get; }

    /// <summary>The last applied block's height; 0 for the genesis state.</summary>
    public long Height { get; }

    /// <summary>The last applied block's hash; the genesis hash at height 0. The next block's previous hash.</summary>
    public Hash32 LastBlockHash { get; }

    /// <summary>
    /// The last applied block's time (its header's, Unix milliseconds); 0 at genesis. Block times never go back, so once
    /// a final block's time is past an escrow lock's expiry, no later block can apply that lock.
    /// </summary>
    public long TimeUnixMs { get; }

    /// <summary>The sequence of the last protocol batch applied (0: none); the next must be larger.</summary>
    public long OrchestratorSequence { get; }

    /// <summary>The state root (see the remarks): what a block header's state root must equal after the block.</summary>
    public Hash32 StateRoot => Tree.Root;

    /// <summary>Accounts holding something or having used a nonce, in no particular order.</summary>
    public IEnumerable<KeyValuePair<Did, Account>> Accounts => AccountMap;

    /// <summary>Every escrow ever locked (closed ones included), in no particular order.</summary>
    public IEnumerable<Escrow> Escrows => EscrowMap.Values;

    /// <summary>Every budget ever opened (returned ones included) by id, in no particular order.</summary>
    public IEnumerable<KeyValuePair<Hash32, Budget>> Budgets => BudgetMap;

    /// <summary>The paid vouchers of budgets not yet returned, with what each paid (payee amount plus fee), in no particular order.</summary>
    public IEnumerable<(Hash32 BudgetId, Hash32 TaskId, long Paid)> SpentVouchers =>
        SpentVoucherMap.SelectMany(b => b.Value.Select(t => (b.Key, t.Key, t.Value)));

    internal ImmutableDictionary<Did, Account> AccountMap { get; }

    internal ImmutableDictionary<Hash32, Escrow> EscrowMap { get; }

    internal ImmutableDictionary<Hash32, Budget> BudgetMap { get; }

    // Budget id -> task id -> credits its voucher paid, returned budgets' included (a paid voucher stays paid).
    internal ImmutableDictionary<Hash32, ImmutableDictionary<Hash32, long>> SpentVoucherMap { get; }

    // Release height -> accounts that may hold unbonding entries due then; lets block h release without scanning accounts.
    internal ImmutableDictionary<long, ImmutableHashSet<Did>> Releases { get; }

    internal StateTree Tree { get; }

    /// <summary>
    /// The state before block 1: each allocation credited to its account's balance (allocations to the same account add up).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No validators, an unbonding period under one block, a negative allocation, or allocations whose sum overflows.
    /// </exception>
    public static LedgerState FromGenesis(Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        if (genesis.Validators is null || genesis.Validators.Members.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A genesis needs at least one validator.", nameof(genesis));
        }

        if (genesis.UnbondingBlocks < 1)
        {
            throw new ArgumentException("The unbonding period must be at least one block.", nameof(genesis));
        }

        var allocations = genesis.Allocations.IsDefault ? [] : genesis.Allocations;
        var total = 0L;
        foreach (var allocation in allocations)
        {
            if (allocation.Amount < 0 || allocation.Amount > long.MaxValue - total)
            {
                throw new ArgumentException($"Allocation of {allocation.Amount} to {allocation.Account} is negative or overflows the supply.", nameof(genesis));
            }

            total += allocation.Amount;
        }

        var genesisHash = genesis.Hash;
        var working = new LedgerWorkingSet(Empty(genesis));
        foreach (var allocation in allocations)
        {
            var account = working.GetAccount(allocation.Account);
            working.SetAccount(allocation.Account, account with { Balance = account.Balance + allocation.Amount });
        }

        working.OrchestratorSequence = 0; // the chain entry exists from genesis on
        return working.ToState(0, genesisHash, 0);
    }

    /// <summary>The budget with <paramref name="id"/>, whatever its status; null when none was ever opened.</summary>
    public Budget? GetBudget(Hash32 id) => BudgetMap.TryGetValue(id, out var budget) ? budget : null;

    /// <summary>
    /// Whether the voucher of budget <paramref name="budgetId"/> for task <paramref name="taskId"/> was paid, also after
    /// the budget was returned.
    /// </summary>
    public bool IsVoucherSpent(Hash32 budgetId, Hash32 taskId) =>
        SpentVoucherMap.TryGetValue(budgetId, out var spent) && spent.ContainsKey(taskId);

    /// <summary>The account of <paramref name="did"/>; <see cref="Account.Empty"/> when it holds nothing.</summary>
    public Account GetAccount(Did did) => AccountMap.TryGetValue(did, out var account) ? account : Account.Empty;

    /// <summary>The escrow with <paramref name="id"/>, locked or closed; null when none was ever locked.</summary>
    public Escrow? GetEscrow(Hash32 id) => EscrowMap.TryGetValue(id, out var escrow) ? escrow : null;

    /// <summary>A state with nothing in it, not even the chain entry: where genesis and snapshots start.</summary>
    internal static LedgerState Empty(Genesis genesis) =>
        new(genesis, 0, genesis.Hash, 0, 0, ImmutableDictionary<Did, Account>.Empty, ImmutableDictionary<Hash32, Escrow>.Empty,
            ImmutableDictionary<Hash32, Budget>.Empty, ImmutableDictionary<Hash32, ImmutableDictionary<Hash32, long>>.Empty,
            ImmutableDictionary<long, ImmutableHashSet<Did>>.Empty, StateTree.Empty);

    /// <summary>
    /// Balances, stakes, unbonding entries, locked escrows and budgets added up: always <see cref="Ledger.Genesis.TotalSupply"/>.
    /// O(accounts + escrows + budgets); meant for checks and tests.
    /// </summary>
    public long Total()
    {
        var total = 0L;
        foreach (var account in AccountMap.Values)
        {
            total = checked(total + account.Holdings);
        }

        foreach (var escrow in EscrowMap.Values)
        {
            if (escrow.Status == EscrowStatus.Locked)
            {
                total = checked(total + escrow.Amount);
            }
        }

        foreach (var budget in BudgetMap.Values)
        {
            total = checked(total + budget.Remaining);
        }

        return total;
    }
}
