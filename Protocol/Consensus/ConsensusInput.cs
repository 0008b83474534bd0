using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Consensus;

/// <summary>One event for <see cref="Tendermint.Step"/>: a message, a fired timer or an answer from the host.</summary>
public abstract record ConsensusInput;

/// <summary>
/// Algorithm 1's "upon start" (line 10) for the current height: the host sends it when transactions are waiting.
/// A validator that is not started also starts when it receives a valid proposal or vote for its height, so followers
/// need no Start. Idempotent.
/// </summary>
public sealed record Start : ConsensusInput
{
    /// <summary>The one value.</summary>
    public static Start Now { get; } = new();
}

/// <summary>A proposal from the network (another validator's, or relayed). It is verified before use.</summary>
public sealed record ProposalReceived(Proposal Proposal) : ConsensusInput;

/// <summary>A vote from the network (another validator's, or relayed). It is verified before use.</summary>
public sealed record VoteReceived(Vote Vote) : ConsensusInput;

/// <summary>A timer of a <see cref="TimeoutRequest"/> fired: OnTimeoutPropose/Prevote/Precommit (lines 57-67). Stale ones do nothing.</summary>
public sealed record TimeoutFired(long Height, int Round, SignStep Step) : ConsensusInput;

/// <summary>The rebroadcast timer of a <see cref="TimeoutRequest"/> fired. Stale ones (another height) do nothing.</summary>
public sealed record RebroadcastDue(long Height) : ConsensusInput;

/// <summary>
/// The host's answer to a <see cref="ProposalRequest"/>: Algorithm 1's getValue() (line 18), a block built from the
/// mempool on top of the last finalized block (its header names this height and round and this validator). Ignored
/// unless the validator is still the proposer in that height and round, in the propose step, without a proposal.
/// </summary>
public sealed record ProposalValue(long Height, int Round, Block Block) : ConsensusInput;

/// <summary>
/// Catch-up: a finalized block of the current height and its commit certificate, fetched by the host from other
/// validators after a <see cref="StepResult.CatchUpFrom"/>. The core decides it without voting when the certificate
/// verifies against the validator set and names this block and height, and the block is valid; otherwise it is
/// counted as invalid. Certificates for other heights are ignored: the host feeds heights in order.
/// </summary>
public sealed record CommitReceived(Block Block, CommitCertificate Certificate) : ConsensusInput;
