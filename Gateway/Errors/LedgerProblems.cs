using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Errors;

/// <summary>
/// The ledger endpoints' problems. A transaction the ledger refused is 422 with the ledger's own rejection code
/// (<see cref="TxRejectionCodes"/>, e.g. <c>insufficient-balance</c>) as the problem code, so clients switch on one list.
/// </summary>
public static class LedgerProblems
{
    /// <summary>The ledger refused the transaction when a block was built; it was never applied.</summary>
    public static ProblemHttpResult Rejected(Hash32 transactionId, TxRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return Problems.Create(StatusCodes.Status422UnprocessableEntity, rejection.Code, "The ledger rejected the transaction", rejection.Message,
            new Dictionary<string, object?> { ["transactionId"] = transactionId.ToString() });
    }

    /// <summary>The transaction's signature is not its signer's over its body for this chain.</summary>
    public static ProblemHttpResult InvalidTransactionSignature(string detail) =>
        Problems.Create(StatusCodes.Status400BadRequest, "invalid-tx-signature", "The transaction's signature is not valid", detail);

    /// <summary>The transaction bytes cannot be decoded, or are of a kind clients may not submit.</summary>
    public static ProblemHttpResult MalformedTransaction(string detail) =>
        Problems.Create(StatusCodes.Status400BadRequest, "malformed-transaction", "The transaction cannot be read", detail);

    /// <summary>A bare escrow lock: it enters the ledger only with the task or dispute it pays for.</summary>
    public static ProblemHttpResult EscrowLockNeedsTask() =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "escrow-lock-needs-task", "An escrow lock is accepted only with its task",
            "Send an EscrowLock as the paymentLock of POST /v1/tasks or the bondLock of POST /v1/tasks/{id}/dispute. Alone, nothing would "
            + "ever release or refund what it locks; with its task, the task settles it or, if the lock is refused, watches it until it expires.");

    /// <summary>A bare budget open: budgets are opened through their own endpoint, which also schedules the budget's return.</summary>
    public static ProblemHttpResult BudgetOpenNeedsBudgetsApi() =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "budget-open-needs-budgets-api", "A budget is opened with POST /v1/budgets",
            "Send the BudgetOpen to POST /v1/budgets: the node then keeps the budget's reservations and returns its rest at expiry or after a close.");

    /// <summary>This node has no faucet (cluster mode).</summary>
    public static ProblemHttpResult FaucetDisabled() =>
        Problems.NotFound("faucet-disabled", "The faucet exists only on a standalone node; ask an account holder for credits.");

    /// <summary>The mempool refused the transaction for lack of room; nothing was admitted.</summary>
    public static ProblemHttpResult MempoolFull() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "mempool-full", "The ledger is busy", "The transaction pool is full; retry shortly with the same transaction.");

    /// <summary>The ledger could not answer or lost track of a pending transaction; resubmitting the same bytes is safe.</summary>
    public static ProblemHttpResult Unavailable(string detail) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "ledger-unavailable", "The ledger is temporarily unavailable", detail);
}
