using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger;

/// <summary>One genesis allocation: <paramref name="Amount"/> credits in <paramref name="Account"/>'s balance at height 0.</summary>
[GenerateSerializer, Immutable, Alias("ainur.GenesisAllocation")]
public sealed record GenesisAllocation([property: Id(0)] Did Account, [property: Id(1)] long Amount);

/// <summary>
/// Everything the ledger starts from: the chain id (part of every signature, so a transaction for one chain is
/// invalid on another), the validator set, the orchestrator that signs protocol batches, the treasury that receives
/// fees and slashed stake, the unbonding period in blocks, and the allocations, whose sum is the total supply forever.
/// Its hash (<see cref="Hash"/>) is the previous hash of block 1.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Genesis")]
public sealed record Genesis(
    [property: Id(0)] string ChainId,
    [property: Id(1)] long TimeUnixMs,
    [property: Id(2)] ValidatorSet Validators,
    [property: Id(3)] Did Orchestrator,
    [property: Id(4)] Did Treasury,
    [property: Id(5)] int UnbondingBlocks,
    [property: Id(6)] ImmutableArray<GenesisAllocation> Allocations)
{
    /// <summary>Sum of the allocations: the ledger's total supply at every height.</summary>
    public long TotalSupply => Allocations.Sum(a => a.Amount);

    /// <summary>Blake2b-256 of the canonical genesis bytes.</summary>
    public Hash32 Hash
    {
        get
        {
            var writer = new CanonicalWriter(512).Text(ChainId).I64(TimeUnixMs).Hash(Validators.Hash())
                .Did(Orchestrator).Did(Treasury).I32(UnbondingBlocks).I32(Allocations.Length);
            foreach (var allocation in Allocations)
            {
                writer.Did(allocation.Account).I64(allocation.Amount);
            }

            return Blake2b.Hash(HashDomain.Genesis, writer.Written);
        }
    }

    /// <summary>Equality by content.</summary>
    public bool Equals(Genesis? other) => other is not null && Hash == other.Hash;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ChainId, TimeUnixMs);
}
