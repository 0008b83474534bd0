using Ainur.Cli.Commands;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Ledger;

/// <summary>
/// What a client needs before it signs a ledger transaction, asked of the gateway: the chain id every signature covers
/// (<c>GET /v1/ledger/validators</c>) and, unless given, the signer's next nonce (its last used one + 1, from
/// <c>GET /v1/accounts/{did}</c>; a transaction of the same signer still pending makes it stale: pass one by hand then).
/// </summary>
internal static class SigningContext
{
    public static async Task<(string ChainId, long Nonce)> FetchAsync(GatewayClient client, Did signer, long? nonce, CancellationToken ct)
    {
        var chainId = await ChainIdAsync(client, ct);
        var next = nonce ?? ((long?)GatewayOutput.Require(await client.GetAsync($"v1/accounts/{signer}", ct))["nonce"] ?? 0) + 1;
        return (chainId, next);
    }

    /// <summary>The chain id alone, for transactions without a nonce (escrow locks).</summary>
    public static async Task<string> ChainIdAsync(GatewayClient client, CancellationToken ct) =>
        (string?)GatewayOutput.Require(await client.GetAsync("v1/ledger/validators", ct))["chainId"]
            ?? throw new CliException(ExitCodes.Unavailable, "error: the gateway did not say which chain it serves.");
}
