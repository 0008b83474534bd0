using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger;

namespace Ainur.Grains.Ledger;

/// <summary>
/// The ledger's runtime configuration, built once by the silo host from the <c>Ainur:Ledger</c> section: the genesis
/// (identical on every silo, or validators disagree from block 1), the validators' signing keys (secrets: every silo
/// holds them all, because a validator may re-activate on any silo), the orchestrator's key, timeouts and batching.
/// </summary>
public sealed class LedgerSettings
{
    /// <summary>The genesis all validators start from.</summary>
    public required Genesis Genesis { get; init; }

    /// <summary>Signing key of validator i at index i; one per member of <see cref="Genesis"/>'s validator set.</summary>
    public required ImmutableArray<AgentKey> ValidatorKeys { get; init; }

    /// <summary>The orchestrator's key, which signs protocol batches (escrow release, refund, slash).</summary>
    public required AgentKey Orchestrator { get; init; }

    /// <summary>The faucet's key in standalone mode (a genesis allocation); null in cluster mode.</summary>
    public AgentKey? Faucet { get; init; }

    /// <summary>How much one faucet request grants.</summary>
    public long FaucetGrant { get; init; } = 1_000_000;

    /// <summary>True when a validator or the orchestrator signs with a standalone node's generated development key.</summary>
    public bool DevelopmentKeys { get; init; }

    /// <summary>The file holding the standalone node's development keys (the faucet's at least); null in cluster mode.</summary>
    public string? DevelopmentKeysFile { get; init; }

    /// <summary>Consensus timeouts.</summary>
    public required TimeoutSettings Timeouts { get; init; }

    /// <summary>The most transactions a proposer puts in one block (B).</summary>
    public int MaxBlockTransactions { get; init; } = 2000;

    /// <summary>How long a proposer waits for a full batch when fewer are pending (T).</summary>
    public TimeSpan BatchWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// While the ledger is busy (a pending transaction waited through the last height), how long after the last
    /// proposal began the next one fills before it is proposed: heights start at most this often, so blocks grow with
    /// load. An idle ledger proposes at once (see Mempool's BlockPacing). Zero proposes at once always.
    /// </summary>
    public TimeSpan BusyBlockInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The most transactions the pool holds; further submissions are refused until it drains.</summary>
    public int MempoolCapacity { get; init; } = 200_000;

    /// <summary>Every how many blocks a validator stores a snapshot of its state, so a restart need not replay the whole chain.</summary>
    public int SnapshotEveryBlocks { get; init; } = 1000;

    /// <summary>Chain id shortcut.</summary>
    public string ChainId => Genesis.ChainId;

    /// <summary>Validator set shortcut.</summary>
    public ValidatorSet Validators => Genesis.Validators;
}
