using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Ledger;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Ledger.Transactions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Reads a client-signed escrow lock carried in a request member (base64 of <c>SignedTransaction.Encoded</c>) and checks
/// that it is exactly the lock the request needs (payer, escrow id, amount, expiry) and that its signature is the
/// payer's for this chain. So a task's money is only ever locked by its client's own signature, for its own escrow,
/// and only until the task can still use it.
/// </summary>
internal static class EscrowLockCheck
{
    /// <summary>
    /// The lock, or the problem: 400 when unreadable or badly signed, 422 when it is another lock than
    /// <paramref name="expected"/> (its expiry compared only when <paramref name="checkExpiry"/>).
    /// </summary>
    public static async Task<(SignedTransaction? Lock, ProblemHttpResult? Problem)> ReadAsync(
        string encoded, string member, EscrowLock expected, bool checkExpiry, LedgerIdentity ledger, CancellationToken cancellationToken)
    {
        SignedTransaction transaction;
        try
        {
            transaction = SignedTransaction.Decode(Convert.FromBase64String(encoded));
        }
        catch (FormatException e)
        {
            return (null, LedgerProblems.MalformedTransaction($"'{member}' is not a base64 canonical signed transaction: {e.Message}"));
        }

        var problem = transaction.Body switch
        {
            not EscrowLock => $"it is a {transaction.Body.Kind}, not an EscrowLock",
            EscrowLock l when l.Payer != expected.Payer => $"its payer is {l.Payer}, not the request's signer {expected.Payer}",
            EscrowLock l when l.EscrowId != expected.EscrowId => $"its escrow id is {l.EscrowId}, not {expected.EscrowId}",
            EscrowLock l when l.Amount != expected.Amount => $"it locks {l.Amount} credits, not {expected.Amount}",
            EscrowLock l when checkExpiry && l.Expiry != expected.Expiry => $"it expires at {l.Expiry}, not {expected.Expiry} (Unix ms)",
            _ => null,
        };
        if (problem is not null)
        {
            return (null, TaskProblems.InvalidLock(member, problem + "."));
        }

        return transaction.VerifySignature(await ledger.GetChainIdAsync(cancellationToken))
            ? (transaction, null)
            : (null, LedgerProblems.InvalidTransactionSignature($"'{member}' is not signed by {expected.Payer} for this chain (see GET /v1/ledger/validators for the chain id)."));
    }

    /// <summary>
    /// 422 when the payer's finalized balance is short of the lock's amount. The ledger would refuse such a lock anyway;
    /// refusing it here changes nothing and tells the client at once, instead of a task that fails.
    /// </summary>
    public static async Task<ProblemHttpResult?> FundedAsync(IClusterClient cluster, EscrowLock expected, string member, CancellationToken cancellationToken)
    {
        var account = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(expected.Payer), cancellationToken);
        return account.Account.Balance >= expected.Amount ? null : TaskProblems.InsufficientBalance(member, account.Account.Balance, expected.Amount);
    }
}
