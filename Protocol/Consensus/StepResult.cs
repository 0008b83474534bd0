using System.Collections.Immutable;
using Ainur.Protocol.Ledger.Blocks;
using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// What one <see cref="Tendermint.Step"/> produced. The host (ValidatorGrain) handles it in this order, as raft's
/// Ready loop does:
/// <list type="number">
/// <item><see cref="MustPersist"/>, when set, is written durably BEFORE anything in <see cref="Broadcast"/> leaves the
/// process; a host that cannot persist it must drop the broadcast (a lost message is safe, a double sign is not).</item>
/// <item><see cref="Broadcast"/> goes to every other validator (the core has already counted its own messages, and
/// relayed messages are already verified; receivers verify again). Order and loss do not matter for safety.</item>
/// <item>Each of <see cref="Timers"/> is delivered back as its <see cref="TimeoutRequest.Input"/> after its delay,
/// even if it is stale by then; the core ignores stale ones. Every timer must fire eventually: liveness needs them.</item>
/// <item><see cref="Decided"/>: the block is final with its certificate (more than two thirds of precommit
/// signatures, sorted by validator index). Store and apply it; <see cref="Next"/> is already at the next height, not
/// started. Then build the next height's <see cref="ConsensusContext"/> and send <see cref="Start"/> when transactions
/// are waiting (any input first replays messages that arrived early for the new height).</item>
/// <item><see cref="NeedProposal"/>: build a block for that height and round from the mempool and answer with
/// <see cref="ProposalValue"/>; a late answer is ignored.</item>
/// <item><see cref="CatchUpFrom"/>: this validator misses finalized blocks from that height on (it saw messages of
/// more than a third of the validators from higher heights, or a precommit quorum for a block it does not have).
/// Fetch finalized blocks and certificates from other validators and feed them in height order as
/// <see cref="CommitReceived"/>. It repeats on every rebroadcast tick while it holds; a host already fetching may
/// ignore the repeat.</item>
/// </list>
/// </summary>
public sealed record StepResult(
    ConsensusState Next,
    ImmutableArray<ConsensusMessage> Broadcast,
    ImmutableArray<TimeoutRequest> Timers,
    SigningGuard? MustPersist,
    Decision? Decided,
    ProposalRequest? NeedProposal,
    long? CatchUpFrom);

/// <summary>Deliver <paramref name="Input"/> to the core after <paramref name="After"/> of the host's clock.</summary>
public sealed record TimeoutRequest(TimeSpan After, ConsensusInput Input);

/// <summary>The core needs a block to propose at <paramref name="Height"/> and <paramref name="Round"/>: Algorithm 1's getValue() (line 18).</summary>
public sealed record ProposalRequest(long Height, int Round);

/// <summary>A finalized block and the certificate that proves it (Algorithm 1's decision_p[h_p], line 51).</summary>
[GenerateSerializer, Immutable, Alias("ainur.Decision")]
public sealed record Decision([property: Id(0)] Block Block, [property: Id(1)] CommitCertificate Certificate);
