using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ainur.Gateway.Apis;

/// <summary>
/// A task as the API returns it. Amounts are in whole credits, times RFC 3339, hashes and escrow ids hex.
/// <see cref="DisputeBond"/> is the bond this node asks of a dispute (what the client's bond lock must hold);
/// <see cref="PaymentEscrow"/> and <see cref="BondEscrow"/> are the task's escrow ids on the ledger; <see cref="Accept"/>
/// is how its result is accepted (<see cref="AcceptMode"/>).
/// </summary>
public sealed record TaskView(
    string Id,
    TaskState State,
    string Capability,
    string Client,
    string? Agent,
    int Attempt,
    long Price,
    long MaxPrice,
    DateTimeOffset Deadline,
    string InputHash,
    string Salt,
    HoldState Payment,
    HoldState Bond,
    TaskResultView? Result,
    DisputeView? Dispute,
    string? Reason,
    DateTimeOffset SubmittedAt,
    long DisputeBond,
    string PaymentEscrow,
    string BondEscrow,
    string Accept)
{
    /// <summary>The view of a stored task.</summary>
    public static TaskView From(TaskRecord record, long disputeBond)
    {
        ArgumentNullException.ThrowIfNull(record);
        var terms = record.Terms;
        return new(
            record.Id.ToString(),
            record.State,
            terms.Capability,
            terms.Client.Value,
            record.Agent?.Value,
            record.Attempt,
            record.Price,
            terms.MaxPrice,
            terms.DeadlineAt,
            terms.InputHash.ToString(),
            terms.Salt,
            record.Payment,
            record.Bond,
            record.Result is { } result
                ? new TaskResultView(new RawJson(result.Output), result.OutputHash.ToString(), result.PostedAt, result.WindowEndsAt, record.LockExpiry(HoldKind.Bond)!.Value)
                : null,
            record.Dispute is { } dispute ? DisputeView.From(dispute) : null,
            record.Reason,
            record.SubmittedAt,
            disputeBond,
            record.PaymentEscrow.ToString(),
            record.BondEscrow.ToString(),
            AcceptMode.Of(record.AcceptOnResult));
    }
}

/// <summary>
/// The posted result: the output as the agent sent it, its hash, when the client's challenge window ends, and that end in
/// Unix milliseconds as a dispute's bond lock must carry it for its expiry.
/// </summary>
public sealed record TaskResultView(RawJson Output, string OutputHash, DateTimeOffset PostedAt, DateTimeOffset WindowEndsAt, long BondLockExpiry);

/// <summary>A dispute: the appointed verifiers (empty until the bond is locked), their verdicts, the deadline and the resolution.</summary>
public sealed record DisputeView(
    DateTimeOffset OpenedAt,
    IReadOnlyList<string> Verifiers,
    IReadOnlyList<VerdictView> Verdicts,
    DateTimeOffset? Deadline,
    DisputeResolution? Resolution)
{
    /// <summary>The view of a dispute record.</summary>
    public static DisputeView From(DisputeRecord dispute)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        return new(
            dispute.OpenedAt,
            [.. dispute.Verifiers.Select(v => v.Value)],
            [.. dispute.Verdicts.Select(v => new VerdictView(v.Verifier.Value, v.Upholds))],
            dispute.Deadline,
            dispute.Resolution);
    }
}

/// <summary>One verifier's verdict.</summary>
public sealed record VerdictView(string Verifier, bool Upholds);

/// <summary>
/// One step of a task's history: <see cref="Sequence"/> from 1, the states before (absent for the submission) and
/// after, what caused it and who (absent: the node). In the event stream, <see cref="State"/> is the task's state when
/// the event was sent.
/// </summary>
public sealed record TransitionView(
    int Sequence,
    DateTimeOffset At,
    TaskState? From,
    TaskState To,
    string Cause,
    string? Actor,
    string? Detail,
    TaskState? State = null)
{
    /// <summary>The view of a transition; <paramref name="state"/> for events only.</summary>
    public static TransitionView Of(TaskTransition transition, TaskState? state = null)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return new(transition.Sequence, transition.At, transition.From, transition.To, transition.Cause, transition.Actor?.Value, transition.Detail, state);
    }
}

/// <summary>
/// What an agent is handed by <c>GET /v1/agents/{did}/tasks/next</c>: run the task (<c>execute</c>; post the result for
/// <see cref="Attempt"/>), or judge a disputed result (<c>verify</c>: <see cref="Output"/> is the result; re-run and report
/// its hash when <see cref="Deterministic"/>, else give a verdict). Input and output are the exact JSON texts hashed.
/// </summary>
public sealed record WorkItemView(
    string TaskId,
    int Attempt,
    FeedKind Kind,
    string Capability,
    RawJson Input,
    long Price,
    DateTimeOffset Deadline,
    RawJson? Output,
    bool Deterministic)
{
    /// <summary>The view of a feed item.</summary>
    public static WorkItemView From(FeedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(
            item.TaskId.ToString(),
            item.Attempt,
            item.Kind,
            item.Capability,
            new RawJson(item.Input),
            item.Price,
            item.Deadline,
            item.Output is { } output ? new RawJson(output) : null,
            item.Deterministic);
    }
}

/// <summary>What <c>GET /v1/agents/{did}/tasks/next?max=N</c> hands out: 1 to N items, each started for the agent like a single one.</summary>
public sealed record WorkItemsView(WorkItemView[] Items);

/// <summary>
/// The answer to a batched request: one entry per item, in the request's order, each with the HTTP status it would
/// have had alone and either the task after it (2xx) or the problem (4xx).
/// </summary>
public sealed record BatchView(BatchItemView[] Items);

/// <summary>One item's answer in a <see cref="BatchView"/>: <see cref="TaskId"/> as sent, its status, and the task or the problem.</summary>
public sealed record BatchItemView(string TaskId, int Status, TaskView? Task = null, ItemProblemView? Problem = null)
{
    /// <summary>The entry for <paramref name="taskId"/> from what the single-item endpoint would have answered.</summary>
    public static BatchItemView From(string taskId, Results<Ok<TaskView>, ProblemHttpResult> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Result switch
        {
            Ok<TaskView> ok => new(taskId, StatusCodes.Status200OK, ok.Value),
            ProblemHttpResult problem => new(taskId, problem.StatusCode, Problem: ItemProblemView.From(problem.ProblemDetails)),
            _ => throw new InvalidOperationException("A task answer is either the task or a problem."),
        };
    }
}

/// <summary>An item's RFC 9457 problem inside a batch answer: the members every problem of the API has.</summary>
public sealed record ItemProblemView(string Type, string Title, int Status, string Detail, string Code)
{
    /// <summary>The view of a problem made by <c>Problems.Create</c>.</summary>
    public static ItemProblemView From(ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new(problem.Type!, problem.Title!, problem.Status!.Value, problem.Detail!, (string)problem.Extensions["code"]!);
    }
}
