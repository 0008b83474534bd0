using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// What a Byzantine validator sends instead of its honest core's messages. It holds its own key only, so everything
/// it signs is validly signed by itself; anything claiming to be another validator's carries a bad signature.
/// </summary>
internal static class SimAdversary
{
    public static void Send(SimNetwork net, SimNode node, ImmutableArray<ConsensusMessage> messages)
    {
        var self = node.Index;
        var others = net.Others(self).ToArray();
        foreach (var original in messages)
        {
            if (original.Signer != self)
            {
                net.Send(self, original, others); // relays others' messages unchanged
                continue;
            }

            var message = node.Faults.HasFlag(Byzantine.UnknownBlockVotes) ? ForUnknownBlock(net, original) : original;
            ConsensusMessage? conflicting = message switch
            {
                ProposalMessage p when node.Faults.HasFlag(Byzantine.EquivocateProposals) => ConflictingProposal(net, node, p.Proposal),
                VoteMessage v when node.Faults.HasFlag(Byzantine.DoubleVote) => ConflictingVote(net, v.Vote),
                _ => null,
            };
            if (conflicting is null)
            {
                net.Send(self, message, node.Faults.HasFlag(Byzantine.Withhold) ? others.Where(_ => net.Random.Next(2) == 0) : others);
            }
            else
            {
                var shuffled = others.OrderBy(_ => net.Random.Next()).ToArray();
                var split = net.Random.Next(shuffled.Length + 1);
                net.Send(self, message, shuffled[..split]);
                net.Send(self, conflicting, shuffled[split..]);
            }

            if (node.Faults.HasFlag(Byzantine.BadSignatures))
            {
                net.Send(self, Corrupted(message), others);
                net.Send(self, Impersonating(net, message), others);
            }
        }

        if (node.Faults.HasFlag(Byzantine.FutureMessages) && !messages.IsEmpty)
        {
            var (height, round) = (node.State.Height, node.State.Round);
            foreach (var vote in new[]
                     {
                         net.Validators.Prevote(self, height + 1, 0, null),
                         net.Validators.Precommit(self, height + 2, round, RandomHash(net)),
                         net.Validators.Prevote(self, height, round + 50, null),
                         net.Validators.Prevote(self, height + 1000, 7, null),
                     })
            {
                net.Send(self, new VoteMessage(vote), others);
            }
        }
    }

    /// <summary>Prevotes and precommits <paramref name="proposal"/>'s block, to everyone.</summary>
    public static void VoteFor(SimNetwork net, SimNode node, Proposal proposal)
    {
        var others = net.Others(node.Index).ToArray();
        foreach (var type in new[] { VoteType.Prevote, VoteType.Precommit })
        {
            net.Send(node.Index, new VoteMessage(net.Validators.Vote(node.Index, type, proposal.Height, proposal.Round, proposal.Block.Hash)), others);
        }
    }

    /// <summary>A catch-up answer from a Byzantine validator: a block of its own with only its own precommit.</summary>
    public static CommitReceived ForgedCommit(SimNetwork net, SimNode source, long height)
    {
        var block = source.BuildBlock(height, 0);
        var precommit = net.Validators.Precommit(source.Index, height, 0, block.Hash);
        return new CommitReceived(block, new CommitCertificate(height, 0, block.Hash, [new CommitSignature(source.Index, precommit.Signature)]));
    }

    private static ConsensusMessage ForUnknownBlock(SimNetwork net, ConsensusMessage message) =>
        message is VoteMessage { Vote: { BlockHash: not null } vote }
            ? new VoteMessage(net.Validators.Vote(vote.Validator, vote.Type, vote.Height, vote.Round, RandomHash(net)))
            : message;

    private static ProposalMessage ConflictingProposal(SimNetwork net, SimNode node, Proposal proposal)
    {
        var header = proposal.Block.Header;
        var other = TestValidators.Block(header.Height, proposal.Round, node.Index, header.PreviousHash,
            [.. proposal.Block.Transactions.Reverse()], header.TimeUnixMs + 1 + net.Random.Next(1000));
        return new ProposalMessage(net.Validators.Proposal(other, proposal.Round, proposal.ValidRound, node.Index));
    }

    private static VoteMessage ConflictingVote(SimNetwork net, Vote vote) =>
        new(net.Validators.Vote(vote.Validator, vote.Type, vote.Height, vote.Round, vote.BlockHash is null ? RandomHash(net) : null));

    private static ConsensusMessage Corrupted(ConsensusMessage message)
    {
        static byte[] Flip(byte[] signature)
        {
            var copy = signature.ToArray();
            copy[copy.Length / 2] ^= 0x40;
            return copy;
        }

        return message switch
        {
            ProposalMessage p => new ProposalMessage(p.Proposal with { Signature = Flip(p.Proposal.Signature) }),
            VoteMessage v => new VoteMessage(v.Vote with { Signature = Flip(v.Vote.Signature) }),
            _ => message,
        };
    }

    private static ConsensusMessage Impersonating(SimNetwork net, ConsensusMessage message) => message switch
    {
        ProposalMessage p => new ProposalMessage(p.Proposal with { Proposer = (p.Proposal.Proposer + 1) % net.Validators.Count }),
        VoteMessage v => new VoteMessage(v.Vote with { Validator = (v.Vote.Validator + 1) % net.Validators.Count }),
        _ => message,
    };

    private static Hash32 RandomHash(SimNetwork net)
    {
        var bytes = new byte[32];
        net.Random.NextBytes(bytes);
        return new Hash32(bytes);
    }
}
