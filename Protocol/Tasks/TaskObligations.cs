using System.Collections.Immutable;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Tasks;

/// <summary>
/// What a task still needs from the world, derived from its record alone (level-triggered): the grain that hosts
/// it acts on these after every change and after every restart, and each action is idempotent, so a crash at any
/// point only repeats work, never loses it.
/// </summary>
/// <param name="NeedsAgent">Pending with its payment locked: find an agent.</param>
/// <param name="OfferTo">Assigned: the agent whose feed must carry the task.</param>
/// <param name="NeedsVerifiers">Disputed with the bond locked and no verifiers appointed yet.</param>
/// <param name="AskVerifiers">Appointed verifiers that have not given a verdict yet.</param>
/// <param name="Settle">The ledger holds must now be closed (see <see cref="TaskSettlement"/>).</param>
/// <param name="Reports">Reputation reports not yet acknowledged.</param>
/// <param name="Watch">
/// Holds whose lock was refused: until the ledger's time passes the lock's expiry, a relay of the signed lock could
/// still lock the credits, which the task would then refund.
/// </param>
public sealed record TaskObligations(
    bool NeedsAgent,
    Did? OfferTo,
    bool NeedsVerifiers,
    ImmutableArray<Did> AskVerifiers,
    bool Settle,
    ImmutableArray<OutcomeReportEntry> Reports,
    ImmutableArray<HoldKind> Watch)
{
    /// <summary>The obligations of <paramref name="record"/>.</summary>
    public static TaskObligations Of(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var dispute = record.Dispute;
        var disputed = record.State == TaskState.Disputed && dispute is { Resolution: null };
        return new TaskObligations(
            NeedsAgent: record.State == TaskState.Pending && record.Payment == HoldState.Locked,
            OfferTo: record.State == TaskState.Assigned ? record.Agent : null,
            NeedsVerifiers: disputed && record.Bond == HoldState.Locked && !dispute!.Appointed,
            AskVerifiers: disputed && dispute!.Appointed
                ? [.. dispute.Verifiers.Where(v => !dispute.Verdicts.Any(d => d.Verifier == v))]
                : [],
            Settle: MustSettle(record),
            Reports: record.Reports,
            Watch: [.. Refused(record)]);
    }

    private static IEnumerable<HoldKind> Refused(TaskRecord record)
    {
        // A budget's reservation is never refused after the task exists: there is no signed lock a relay could apply.
        if (record.Payment == HoldState.LockRejected && record.Voucher is null)
        {
            yield return HoldKind.Payment;
        }

        if (record.Bond == HoldState.LockRejected)
        {
            yield return HoldKind.Bond;
        }
    }

    /// <summary>
    /// Holds close once the outcome is decided and no lock is still in flight: a complete task releases its payment
    /// (and pays out or refunds a locked bond); a cancelled or failed one refunds whatever is locked (and slashes after
    /// a lost dispute). The closing operations form one all-or-nothing unit, so they apply at most once. A settled
    /// task still owes this while its bond is locked: the payment's close may be learnt before the bond's.
    /// </summary>
    private static bool MustSettle(TaskRecord record)
    {
        if (record.Payment == HoldState.Locking || record.Bond == HoldState.Locking)
        {
            return false;
        }

        return record.State switch
        {
            TaskState.Complete or TaskState.Settled or TaskState.Cancelled or TaskState.Failed =>
                record.Payment == HoldState.Locked || record.Bond == HoldState.Locked,
            _ => false,
        };
    }
}
