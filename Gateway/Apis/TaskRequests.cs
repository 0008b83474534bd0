namespace Ainur.Gateway.Apis;

/// <summary>
/// Body of <c>POST /v1/tasks</c>; the client is the DID that signed the HTTP request. <paramref name="Input"/> is any
/// JSON value; its exact text (as sent, between the surrounding separators) is what the input hash covers.
/// <paramref name="MaxPrice"/> is in whole credits; <paramref name="Deadline"/> is an RFC 3339 time with an offset,
/// counted in whole milliseconds; <paramref name="Salt"/> is 1 to 64 characters. The task is paid either by
/// <paramref name="PaymentLock"/>, the base64 <c>SignedTransaction.Encoded</c> of the client's
/// <c>EscrowLock(client, TaskEscrows.Payment(taskId), maxPrice)</c>, or from the client's budget <paramref name="Budget"/>
/// (hex id) by <paramref name="Voucher"/>, the base64 64-byte signature of <c>Voucher(budget, taskId, maxPrice)</c>.
/// <paramref name="Accept"/> is <c>"client"</c> (the default: the client accepts or disputes within the challenge window)
/// or <c>"on-result"</c> (accepted in advance: the posted result completes the task; deterministic capabilities only).
/// <paramref name="Fuel"/> is what each execution of a hosted agent's module may use (absent: the node's default; the node
/// caps it at Ainur:Wasm:MaxFuel).
/// </summary>
public sealed record SubmitTaskRequest(
    string Capability, RawJson Input, long MaxPrice, string Deadline, string Salt, string? PaymentLock = null, string? Budget = null, string? Voucher = null,
    string? Accept = null, long? Fuel = null);

/// <summary>Body of <c>POST /v1/tasks/accept</c>: the ids of the client's tasks whose results it accepts.</summary>
public sealed record AcceptTasksRequest(string[] Ids);

/// <summary>
/// Body of <c>POST /v1/agents/{did}/results</c>: results and failures of the agent's attempts, each as for
/// <c>POST /v1/tasks/{id}/result</c> with the task's id beside it.
/// </summary>
public sealed record PostResultsRequest(ResultItem[] Results);

/// <summary>One item of <see cref="PostResultsRequest"/>: the task's id and what <see cref="ResultRequest"/> carries.</summary>
public sealed record ResultItem(string TaskId, int Attempt, RawJson? Output = null, string? OutputHash = null, string? Error = null)
{
    /// <summary>The item as a single result body.</summary>
    public ResultRequest ToRequest() => new(Attempt, Output, OutputHash, Error);
}

/// <summary>
/// Body of <c>POST /v1/tasks/{id}/dispute</c>: the base64 signed <c>EscrowLock(client, TaskEscrows.DisputeBond(taskId),
/// disputeBond)</c> and an optional reason for people.
/// </summary>
public sealed record DisputeRequest(string BondLock, string? Reason = null);

/// <summary>
/// Body of <c>POST /v1/tasks/{id}/result</c>, for the attempt the agent was handed: either <paramref name="Output"/>
/// (any JSON value but null) with <paramref name="OutputHash"/>, the hex Blake2b-256 of the output's exact UTF-8 text;
/// or <paramref name="Error"/>, saying why the attempt failed.
/// </summary>
public sealed record ResultRequest(int Attempt, RawJson? Output = null, string? OutputHash = null, string? Error = null);

/// <summary>
/// Body of <c>POST /v1/tasks/{id}/verdict</c>: either <paramref name="Upholds"/> (a judged capability) or
/// <paramref name="OutputHash"/>, the hex hash of the verifier's own output (a deterministic capability, re-run).
/// </summary>
public sealed record VerdictRequest(bool? Upholds = null, string? OutputHash = null);
