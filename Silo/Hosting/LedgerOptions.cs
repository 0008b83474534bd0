namespace Ainur.Silo.Hosting;

/// <summary>
/// The <c>Ainur:Ledger</c> section. Keys are secrets: give them through the environment or a secret store
/// (<c>Ainur__Ledger__ValidatorKeys__0</c>, …), never in a committed file. In standalone mode, keys left out are the
/// node's development keys, generated at its first start and kept in its data folder (logged as such); cluster mode
/// refuses to start without them.
/// Every silo of a cluster must see the same genesis values, or its validators disagree from block 1.
/// </summary>
public sealed class LedgerOptions
{
    /// <summary>Chain id, part of every signature. Default <c>ainur-dev</c> in standalone mode; required in cluster mode.</summary>
    public string? ChainId { get; set; }

    /// <summary>Number of validators N (3f + 1 tolerates f faulty). Default 4.</summary>
    public int Validators { get; set; } = 4;

    /// <summary>Validator i's Ed25519 seed (32 bytes, base64) at index i; exactly <see cref="Validators"/> of them.</summary>
    public List<string> ValidatorKeys { get; set; } = [];

    /// <summary>The orchestrator's Ed25519 seed (32 bytes, base64): signs escrow release, refund and slash batches.</summary>
    public string? OrchestratorKey { get; set; }

    /// <summary>The DID receiving protocol fees and slashed stake; default the orchestrator's DID.</summary>
    public string? Treasury { get; set; }

    /// <summary>Genesis time (part of the genesis hash).</summary>
    public DateTimeOffset GenesisTime { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Genesis balances (<c>Ainur:Ledger:Allocations:0:Account</c> = a DID, <c>…:0:Amount</c> = whole credits; a list,
    /// because a DID's colons cannot be configuration keys). Their sum, plus the faucet's in standalone mode, is the total supply.
    /// </summary>
    public List<AllocationOptions> Allocations { get; set; } = [];

    /// <summary>Blocks an unstaked amount waits before it returns to the balance. Default 100.</summary>
    public int UnbondingBlocks { get; set; } = 100;

    /// <summary>Most transactions per block (B). Default 2000.</summary>
    public int MaxBlockTransactions { get; set; } = 2000;

    /// <summary>Longest wait of a proposer for a full batch, in milliseconds (T). Default 2.</summary>
    public int BatchWaitMs { get; set; } = 2;

    /// <summary>
    /// While transactions queue up behind a height, the next height starts at most this many milliseconds after the
    /// last one began, so its block fills meanwhile; an idle ledger proposes at once. 0 turns it off. Default 20.
    /// </summary>
    public int BusyBlockIntervalMs { get; set; } = 20;

    /// <summary>Most pending transactions; more are refused until the pool drains. Default 200,000.</summary>
    public int MempoolCapacity { get; set; } = 200_000;

    /// <summary>Propose timeout of round 0, in milliseconds; every round adds <see cref="TimeoutDeltaMs"/>. Default 1000.</summary>
    public int ProposeTimeoutMs { get; set; } = 1000;

    /// <summary>Prevote timeout of round 0, in milliseconds. Default 500.</summary>
    public int PrevoteTimeoutMs { get; set; } = 500;

    /// <summary>Precommit timeout of round 0, in milliseconds. Default 500.</summary>
    public int PrecommitTimeoutMs { get; set; } = 500;

    /// <summary>What each further round adds to every timeout, in milliseconds. Default 500.</summary>
    public int TimeoutDeltaMs { get; set; } = 500;

    /// <summary>Every how many blocks a validator stores a snapshot of its ledger state, to restart from. Default 1000.</summary>
    public int SnapshotEveryBlocks { get; set; } = 1000;

    /// <summary>Standalone only: the faucet's genesis allocation. Default 10^12 credits.</summary>
    public long FaucetAllocation { get; set; } = 1_000_000_000_000;

    /// <summary>Standalone only: credits one faucet request grants. Default 1,000,000.</summary>
    public long FaucetGrant { get; set; } = 1_000_000;
}

/// <summary>One genesis allocation in configuration.</summary>
public sealed class AllocationOptions
{
    /// <summary>The account's DID.</summary>
    public string Account { get; set; } = "";

    /// <summary>Whole credits.</summary>
    public long Amount { get; set; }
}
