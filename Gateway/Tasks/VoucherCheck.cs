using System.Diagnostics.CodeAnalysis;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Errors;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Tasks;

/// <summary>
/// Reads how a submitted task is paid: 'paymentLock' alone, or 'budget' and 'voucher' together. Only their form is
/// checked here; the budget checks the voucher's signature against its owner when it reserves.
/// </summary>
internal static class VoucherCheck
{
    /// <summary>The voucher (null: the lock pays), or a 400 problem: <c>malformed-body</c> without any payment, else <c>malformed-voucher</c>.</summary>
    public static bool TryRead(SubmitTaskRequest request, out TaskVoucher? voucher, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        voucher = null;
        problem = (request.PaymentLock, request.Budget, request.Voucher) switch
        {
            ({ }, null, null) => null,
            (null, { } budget, { } signature) => Read(budget, signature, out voucher),
            (null, null, null) => Problems.MalformedBody("A task is paid by 'paymentLock' or by 'budget' and 'voucher'."),
            (null, _, _) => TaskProblems.InvalidVoucher("'budget' and 'voucher' go together."),
            _ => TaskProblems.InvalidVoucher("A task is paid by 'paymentLock' or by 'budget' and 'voucher', not both."),
        };
        return problem is null;
    }

    private static ProblemHttpResult? Read(string budget, string signature, out TaskVoucher? voucher)
    {
        voucher = null;
        if (!Hash32.TryParse(budget, out var budgetId))
        {
            return TaskProblems.InvalidVoucher("'budget' is a budget id: 64 hex digits.");
        }

        var bytes = new byte[Voucher.SignatureLength];
        if (!Convert.TryFromBase64String(signature, bytes, out var length) || length != bytes.Length)
        {
            return TaskProblems.InvalidVoucher($"'voucher' is the base64 of a {Voucher.SignatureLength}-byte Ed25519 signature.");
        }

        voucher = new TaskVoucher(budgetId, bytes);
        return null;
    }
}
