using Ainur.Protocol.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Errors;

/// <summary>
/// The task endpoints' problems. A command the task refused maps by its <see cref="TaskRejectionKind"/>: Forbidden 403
/// <c>task-forbidden</c>, Conflict 409 <c>task-conflict</c>, Invalid 422 <c>task-invalid</c>, NotFound 404
/// <c>task-not-found</c>, with the task's reason as the detail; a refusal with its own code (a budget's) is 422 with that code.
/// </summary>
public static class TaskProblems
{
    /// <summary>The problem for a task's refusal of a command; the task is unchanged.</summary>
    public static ProblemHttpResult Rejected(TaskRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        if (rejection.Code is { } code)
        {
            // A budget's refusal to pay for the task: nothing was created.
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, code, "The budget cannot pay for this task", rejection.Reason);
        }

        return rejection.Kind switch
        {
            TaskRejectionKind.Forbidden => Problems.Create(StatusCodes.Status403Forbidden, "task-forbidden", "The signer may not do this to the task", rejection.Reason),
            TaskRejectionKind.Conflict => Problems.Create(StatusCodes.Status409Conflict, "task-conflict", "The task is not in a state that allows this", rejection.Reason),
            TaskRejectionKind.NotFound => NotFound(rejection.Reason),
            _ => Problems.Create(StatusCodes.Status422UnprocessableEntity, "task-invalid", "The task refused the command as invalid", rejection.Reason),
        };
    }

    /// <summary>A batch item's task id is not 64 hex digits.</summary>
    public static ProblemHttpResult InvalidItemId() =>
        Problems.Create(StatusCodes.Status400BadRequest, "invalid-task-id", "The item's task id is not valid", "A task id is 64 hex digits.");

    /// <summary>No task has this id.</summary>
    public static ProblemHttpResult NotFound(string detail) => Problems.NotFound("task-not-found", detail);

    /// <summary>A task input or output is larger than the node accepts.</summary>
    public static ProblemHttpResult TooLarge(string what, int limit) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, what + "-too-large", $"The task {what} is too large", $"At most {limit} bytes of JSON text are accepted for '{what}'.");

    /// <summary>The terms parsed but cannot make a task (deadline past or too far, salt length, price, capability id).</summary>
    public static ProblemHttpResult InvalidTerms(string detail) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "invalid-terms", "The task's terms are not acceptable", detail);

    /// <summary>A signed escrow lock decodes but is not the lock this request needs.</summary>
    public static ProblemHttpResult InvalidLock(string member, string detail) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "invalid-escrow-lock", $"'{member}' is not the escrow lock this request needs", detail);

    /// <summary>The payment members of a submit are missing, mixed, or the budget id or voucher is unreadable.</summary>
    public static ProblemHttpResult InvalidVoucher(string detail) =>
        Problems.Create(StatusCodes.Status400BadRequest, "malformed-voucher", "The task's payment is not a lock or a budget's voucher", detail);

    /// <summary>The payer's balance is short of what a lock would hold: nothing was submitted.</summary>
    public static ProblemHttpResult InsufficientBalance(string member, long balance, long amount) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "insufficient-balance", "The balance is short of what the lock would hold",
            $"'{member}' locks {amount} credits; the signer's finalized balance is {balance}. Nothing was submitted.");

    /// <summary>Acceptance on result was asked for, but no agent the input suits declares the capability deterministic.</summary>
    public static ProblemHttpResult NotDeterministic(string capability) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "accept-on-result-not-deterministic", "Acceptance on result needs a deterministic capability",
            $"No agent whose input schema this input satisfies declares '{capability}' deterministic; submit with \"accept\": \"client\" instead.");

    /// <summary>No registered agent offers the capability.</summary>
    public static ProblemHttpResult UnknownCapability(string capability) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "unknown-capability", "No agent offers this capability", $"No agent offers capability '{capability}'.");

    /// <summary>The input satisfies none of the capability's input schemas; <paramref name="errors"/> lists why, per schema.</summary>
    public static ProblemHttpResult SchemaMismatch(IEnumerable<SchemaError> errors) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "input-schema-mismatch", "The input satisfies no input schema of the capability",
            "See 'errors': each names the schema (its hash), where in the input, and what is wrong.", Errors(errors));

    /// <summary>
    /// Checking the input ran out of time (<paramref name="budget"/>) before any input schema was satisfied: a schema's
    /// regular expression backtracks too long on this input. <paramref name="errors"/> lists each schema's outcome.
    /// </summary>
    public static ProblemHttpResult SchemaCheckTimedOut(TimeSpan budget, IEnumerable<SchemaError> errors) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "schema-evaluation-timeout", "Checking the input against the capability's input schemas took too long",
            $"No input schema was satisfied within {budget.TotalMilliseconds} ms; a pattern in an agent's schema takes too long on this input. See 'errors' for each schema.",
            Errors(errors));

    /// <summary>
    /// An input schema was not evaluated because this input would cost it more than <paramref name="maxSteps"/> steps
    /// (deep recursion, a quadratic uniqueItems), and no other schema was satisfied.
    /// </summary>
    public static ProblemHttpResult SchemaCheckTooCostly(long maxSteps, IEnumerable<SchemaError> errors) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "schema-evaluation-too-costly", "Checking the input against the capability's input schemas would take too much work",
            $"No input schema was satisfied; evaluating an agent's schema on this input would take more than {maxSteps} steps, so it was not evaluated. See 'errors' for each schema.",
            Errors(errors));

    /// <summary>The input nests too deep or holds too many values to be checked against any schema.</summary>
    public static ProblemHttpResult InputTooComplex(string detail) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "input-too-complex", "The task input is too deeply nested or holds too many values", detail);

    /// <summary>Every schema-check worker is busy and the queue is full; nothing was submitted. Sent with Retry-After.</summary>
    public static ProblemHttpResult SchemaCheckBusy() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "schema-check-busy", "The node is busy checking other inputs",
            "Too many input-schema checks are waiting; nothing was submitted. Retry after the time in Retry-After.");

    private static Dictionary<string, object?> Errors(IEnumerable<SchemaError> errors) =>
        new() { ["errors"] = errors.Select(e => new { schema = e.Schema, path = e.Path, message = e.Message }).ToArray() };
}

/// <summary>One reason an input fails a schema: the schema's hex hash, a JSON Pointer into the input, and a message.</summary>
public sealed record SchemaError(string Schema, string Path, string Message);
