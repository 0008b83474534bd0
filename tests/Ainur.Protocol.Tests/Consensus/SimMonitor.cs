using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>A property the simulator found broken.</summary>
internal sealed class SimViolation(string message) : Exception(message);

/// <summary>
/// Watches every honest validator's outputs: no two blocks decided at one height, every certificate verifies, no
/// conflicting signatures at one (height, round, step) across restarts, and no message sent before its guard was persisted.
/// </summary>
internal sealed class SimMonitor(TestValidators validators)
{
    private readonly Dictionary<long, Hash32> _decided = [];
    private readonly Dictionary<(int Signer, long Height, int Round, SignStep Step), (Hash32? Hash, int ValidRound)> _signed = [];
    private readonly HashSet<CommitCertificate> _verified = [];

    public long Decisions { get; private set; }

    public long HighestDecided { get; private set; }

    public long GuardWrites { get; private set; }

    public void Decided(int node, long expectedHeight, Decision decision)
    {
        var (block, certificate) = (decision.Block, decision.Certificate);
        if (block.Height != expectedHeight)
        {
            throw new SimViolation($"validator {node} decided height {block.Height} while at {expectedHeight}");
        }

        if (certificate.Height != block.Height || certificate.BlockHash != block.Hash)
        {
            throw new SimViolation($"validator {node}'s certificate at {block.Height} names another block");
        }

        if (_verified.Add(certificate) && certificate.Verify(validators.Set, TestValidators.ChainId) is { } why)
        {
            throw new SimViolation($"validator {node}'s certificate at {block.Height} does not verify: {why}");
        }

        if (_decided.TryGetValue(block.Height, out var other) && other != block.Hash)
        {
            throw new SimViolation($"FORK at height {block.Height}: validator {node} decided {block.Hash}, another {other}");
        }

        _decided[block.Height] = block.Hash;
        HighestDecided = Math.Max(HighestDecided, block.Height);
        Decisions++;
    }

    public void Persisted(int node, SigningGuard? before, SigningGuard after)
    {
        if (before is not null && Point(after).CompareTo(Point(before)) < 0)
        {
            throw new SimViolation($"validator {node}'s guard moved back from {before} to {after}");
        }

        GuardWrites++;
    }

    /// <summary>Checks the messages an honest validator sends that it signed itself (relayed ones are others').</summary>
    public void Sent(int node, SigningGuard? persisted, IEnumerable<ConsensusMessage> messages)
    {
        foreach (var message in messages.Where(m => m.Signer == node))
        {
            var (step, content) = message switch
            {
                ProposalMessage p => (SignStep.Propose, ((Hash32?)p.Proposal.Block.Hash, p.Proposal.ValidRound)),
                VoteMessage v => (v.Vote.Type == VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit, (v.Vote.BlockHash, -1)),
                _ => throw new SimViolation("unknown message"),
            };
            var point = (message.Height, message.Round, (int)step);
            if (persisted is null || point.CompareTo(Point(persisted)) > 0)
            {
                throw new SimViolation($"validator {node} sent {message} beyond its persisted guard {persisted}");
            }

            var key = (node, message.Height, message.Round, step);
            if (_signed.TryGetValue(key, out var earlier) && earlier != content)
            {
                throw new SimViolation($"DOUBLE SIGN by honest validator {node} at {key}: {earlier} then {content}");
            }

            _signed[key] = content;
        }
    }

    private static (long, int, int) Point(SigningGuard guard) => (guard.Height, guard.Round, (int)guard.Step);
}
