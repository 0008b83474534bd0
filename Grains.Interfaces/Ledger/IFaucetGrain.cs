using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>
/// The standalone node's faucet (key 0): pays a fixed grant from the faucet's genesis allocation by signing a Transfer
/// with the faucet key and submitting it to the mempool. Calls are handled one at a time, so the faucet's nonces are
/// strictly increasing in the order the mempool receives them. Disabled (nothing signed) in cluster mode, where no
/// faucet key exists.
/// </summary>
[Alias("ainur.IFaucetGrain")]
public interface IFaucetGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Signs and submits a grant to <paramref name="recipient"/>. Not idempotent: every call is a new transfer with a new
    /// nonce. The caller waits for its finality with <see cref="IMempoolGrain.WaitAsync"/>.
    /// </summary>
    [Alias("Grant")]
    Task<FaucetGrant> GrantAsync(Did recipient);
}

/// <summary>What the faucet did with a request.</summary>
public enum FaucetOutcome
{
    /// <summary>The grant was signed and admitted to the mempool.</summary>
    Submitted = 0,

    /// <summary>This node has no faucet (cluster mode): nothing was signed.</summary>
    Disabled = 1,

    /// <summary>The mempool is full: the grant was signed but not admitted; nothing will happen to it.</summary>
    MempoolFull = 2,
}

/// <summary>The faucet's answer: the signed grant (null when disabled) and its amount in credits.</summary>
[GenerateSerializer, Immutable, Alias("ainur.FaucetGrant")]
public sealed record FaucetGrant(
    [property: Id(0)] FaucetOutcome Outcome,
    [property: Id(1)] SignedTransaction? Transaction,
    [property: Id(2)] long Amount);
