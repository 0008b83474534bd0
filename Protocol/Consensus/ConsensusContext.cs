using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// What <see cref="Tendermint.Step"/> may use besides the state and the input: the configuration, this validator's
/// signing key (Ed25519 signatures are deterministic, so signing keeps the step a pure function), and
/// <see cref="IsValid"/>, Algorithm 1's valid(v) for the current height: true when the block may follow the ledger's
/// last finalized block (well-formed, right chain, height and previous hash, every transaction valid in order). The
/// host builds a new context for each height, after it has applied the previous block; the core calls
/// <see cref="IsValid"/> at most once per block hash and height and caches the answer in the state.
/// </summary>
public sealed class ConsensusContext
{
    /// <summary>Checks the configuration and that <paramref name="key"/> is validator <see cref="ConsensusConfig.Self"/>'s.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid or the key is another validator's.</exception>
    public ConsensusContext(ConsensusConfig config, AgentKey key, Func<Block, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(isValid);
        if (config.Validate() is { } problems)
        {
            throw new ArgumentException(problems, nameof(config));
        }

        if (key.Did != config.Validators.Members[config.Self])
        {
            throw new ArgumentException($"The key is {key.Did}, not validator {config.Self}'s.", nameof(key));
        }

        Config = config;
        Key = key;
        IsValid = isValid;
    }

    /// <summary>The validator's configuration.</summary>
    public ConsensusConfig Config { get; }

    /// <summary>The validator's signing key.</summary>
    public AgentKey Key { get; }

    /// <summary>valid(v) for the current height; must be a pure function of the block and the ledger state.</summary>
    public Func<Block, bool> IsValid { get; }
}
