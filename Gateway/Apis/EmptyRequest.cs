namespace Ainur.Gateway.Apis;

/// <summary>
/// Body of the signed writes that need nothing but the signer (<c>POST /v1/faucet</c>, <c>POST /v1/agents/{did}/deregister</c>):
/// empty, or an empty JSON object; any member is refused.
/// </summary>
public sealed record EmptyRequest;
