namespace Ainur.Gateway.Apis;

/// <summary>
/// Body of <c>POST /v1/tasks</c>; the client is the DID that signed the HTTP request. <paramref name="Input"/> is any
/// JSON value; its exact text (as sent, between the surrounding separators) is what the input hash covers.
/// <paramref name="MaxPrice"/> is in whole credits; <paramref name="Deadline"/> is an RFC 3339 time with an offset,
/// counted in whole milliseconds; <paramref name="Salt"/> is 1 to 64 characters. The task is paid either by
/// <paramref name="PaymentLock"/>, the base64 <c>SignedTransaction.Encoded</c> of the client's
/// <c>EscrowLock(client, TaskEscrows.Payment(taskId), maxPrice)</c>, or from the client's budget <paramref name="Budget"/>
/// (hex id) by <paramref name="Voucher"/>, the base64 64-byte signature of <c>Voucher(budget, taskId, maxPrice)</c>.
/// </summary>
public sealed record SubmitTaskRequest(
    string Capability, RawJson Input, long MaxPrice, string Deadline, string Salt, string? PaymentLock = null, string? Budget = null, string? Voucher = null);

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
