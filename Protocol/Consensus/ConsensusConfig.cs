namespace Ainur.Protocol.Consensus;

/// <summary>
/// What one validator's consensus core needs to know and never changes during its life: the chain id (part of every
/// signed message), the validator set, this validator's index <paramref name="Self"/> in it, and the timeouts.
/// </summary>
public sealed record ConsensusConfig(string ChainId, ValidatorSet Validators, int Self, TimeoutSettings Timeouts)
{
    /// <summary>
    /// Null when the configuration is usable; otherwise every problem found, one per line, each saying how to fix it
    /// (in the manner of raft's <c>Config.validate</c>).
    /// </summary>
    public string? Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ChainId))
        {
            problems.Add("ChainId is empty: use the genesis chain id.");
        }

        if (Validators is null || Validators.Members.IsDefaultOrEmpty)
        {
            problems.Add("Validators is empty: list at least one validator DID.");
        }
        else
        {
            if (Validators.Members.Any(member => member.PublicKey.IsEmpty))
            {
                problems.Add("Validators holds an empty DID: every member needs an Ed25519 did:key.");
            }

            if (Validators.Members.Distinct().Count() != Validators.Count)
            {
                problems.Add("Validators lists a DID twice: each validator has its own key.");
            }

            if (Self < 0 || Self >= Validators.Count)
            {
                problems.Add($"Self is {Self}: it must be this validator's index, 0 to {Validators.Count - 1}.");
            }
        }

        if (Timeouts is null)
        {
            problems.Add("Timeouts is missing: set the propose, prevote and precommit timeouts and their per-round Delta.");
        }
        else
        {
            problems.AddRange(Timeouts.Problems());
        }

        return problems.Count == 0 ? null : string.Join('\n', problems);
    }
}
