namespace Ainur.Gateway.Apis;

/// <summary>
/// Body of <c>POST /v1/transfers</c>; the sender is the DID that signed the HTTP request. <paramref name="Signature"/> is
/// the base64 Ed25519 signature of the sender's key over <c>SignedTransaction.SigningBytes(chainId, Transfer(sender,
/// to, amount, nonce))</c>; <paramref name="Amount"/> is in whole credits; <paramref name="Nonce"/> must exceed the
/// sender's last used nonce (see <c>GET /v1/accounts/{did}</c>).
/// </summary>
public sealed record TransferRequest(string To, long Amount, long Nonce, string Signature);

/// <summary>
/// Body of <c>POST /v1/ledger/txs</c>, <c>POST /v1/stake</c> and <c>POST /v1/unstake</c>: a signed client transaction's
/// canonical bytes (<c>SignedTransaction.Encoded</c>), base64.
/// </summary>
public sealed record SubmitTransactionRequest(string Transaction);
