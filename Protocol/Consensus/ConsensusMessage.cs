using Orleans;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// A signed consensus message for the other validators: a proposal or a vote. The receiving host hands it to its core
/// as <see cref="ToInput"/>; the core verifies it.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ConsensusMessage")]
public abstract record ConsensusMessage
{
    /// <summary>The height the message is for.</summary>
    public abstract long Height { get; }

    /// <summary>The round the message is for.</summary>
    public abstract int Round { get; }

    /// <summary>Index of the validator that signed it (not necessarily the one that sent it: messages are relayed).</summary>
    public abstract int Signer { get; }

    /// <summary>The input that delivers this message to a core.</summary>
    public abstract ConsensusInput ToInput();
}

/// <summary>A proposal on the wire.</summary>
[GenerateSerializer, Immutable, Alias("ainur.ProposalMessage")]
public sealed record ProposalMessage([property: Id(0)] Proposal Proposal) : ConsensusMessage
{
    /// <inheritdoc/>
    public override long Height => Proposal.Height;

    /// <inheritdoc/>
    public override int Round => Proposal.Round;

    /// <inheritdoc/>
    public override int Signer => Proposal.Proposer;

    /// <inheritdoc/>
    public override ConsensusInput ToInput() => new ProposalReceived(Proposal);
}

/// <summary>A vote on the wire.</summary>
[GenerateSerializer, Immutable, Alias("ainur.VoteMessage")]
public sealed record VoteMessage([property: Id(0)] Vote Vote) : ConsensusMessage
{
    /// <inheritdoc/>
    public override long Height => Vote.Height;

    /// <inheritdoc/>
    public override int Round => Vote.Round;

    /// <inheritdoc/>
    public override int Signer => Vote.Validator;

    /// <inheritdoc/>
    public override ConsensusInput ToInput() => new VoteReceived(Vote);
}
