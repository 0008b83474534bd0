using System.Collections.Immutable;
using Orleans;

namespace Ainur.Protocol.Ledger.State;

/// <summary>
/// One account's holdings, in whole credits: spendable <paramref name="Balance"/>, <paramref name="Stake"/>, stake
/// being returned (<paramref name="Unbonding"/>, ordered by release height, at most one entry per height), and the
/// last <paramref name="Nonce"/> used by its Transfer, Stake and Unstake transactions (0: none yet). Every amount is
/// non-negative. An account equal to <see cref="Empty"/> is not stored: it reads the same as one never seen.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Account")]
public sealed record Account(
    [property: Id(0)] long Balance,
    [property: Id(1)] long Stake,
    [property: Id(2)] ImmutableArray<UnbondingEntry> Unbonding,
    [property: Id(3)] long Nonce)
{
    /// <summary>An account that holds nothing and has used no nonce.</summary>
    public static Account Empty { get; } = new(0, 0, [], 0);

    /// <summary>Sum of the unbonding entries.</summary>
    public long UnbondingTotal
    {
        get
        {
            var total = 0L;
            foreach (var entry in Unbonding)
            {
                total = checked(total + entry.Amount);
            }

            return total;
        }
    }

    /// <summary>Balance, stake and unbonding together: what the account contributes to the total supply.</summary>
    public long Holdings => checked(Balance + Stake + UnbondingTotal);

    /// <summary>Equality by content (records compare arrays by reference otherwise).</summary>
    public bool Equals(Account? other) =>
        other is not null && Balance == other.Balance && Stake == other.Stake && Nonce == other.Nonce
        && Unbonding.AsSpan().SequenceEqual(other.Unbonding.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Balance, Stake, Nonce, Unbonding.Length);
}
