using Ainur.Grains.Interfaces.Ledger;

namespace Ainur.Gateway.Apis;

/// <summary>An account as of the finalized block at <see cref="Height"/>; amounts in whole credits, <see cref="Nonce"/> the last one used (0: none).</summary>
public sealed record AccountView(string Did, long Balance, long Stake, IReadOnlyList<UnbondingView> Unbonding, long Nonce, long Height)
{
    /// <summary>The view of a snapshot.</summary>
    public static AccountView From(AccountSnapshot snapshot)
    {
        var account = snapshot.Account;
        return new(
            snapshot.Did.Value,
            account.Balance,
            account.Stake,
            [.. account.Unbonding.Select(u => new UnbondingView(u.Amount, u.ReleaseHeight))],
            account.Nonce,
            snapshot.Height);
    }
}

/// <summary>Stake returning to the balance at the start of block <see cref="ReleaseHeight"/>.</summary>
public sealed record UnbondingView(long Amount, long ReleaseHeight);

/// <summary>
/// The chain id and the validator set in index order (what <c>ainur verify</c> reads as its validator-set file), with each
/// validator's status; a validator that did not answer in time is listed offline without status.
/// </summary>
public sealed record ValidatorSetView(string ChainId, string ValidatorSetHash, int Quorum, IReadOnlyList<ValidatorView> Validators)
{
    /// <summary>The view of the ledger's validators.</summary>
    public static ValidatorSetView From(ValidatorsView view)
    {
        var statuses = view.Statuses.ToDictionary(s => s.Index);
        return new(
            view.ChainId,
            view.Validators.Hash().ToString(),
            view.Validators.Quorum,
            [.. view.Validators.Members.Select((did, index) => statuses.TryGetValue(index, out var s)
                ? new ValidatorView(index, did.Value, s.Online, s.FinalizedHeight, s.FinalizedHash.ToString(), s.Height, s.Round, s.Step, s.Silo)
                : new ValidatorView(index, did.Value, Online: false))]);
    }
}

/// <summary>One validator: index, DID, whether it is switched on and answering, and where it stands.</summary>
public sealed record ValidatorView(
    int Index,
    string Did,
    bool Online,
    long? FinalizedHeight = null,
    string? FinalizedHash = null,
    long? Height = null,
    int? Round = null,
    string? Step = null,
    string? Silo = null);
