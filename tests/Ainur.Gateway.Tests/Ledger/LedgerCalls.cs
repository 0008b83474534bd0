using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Silo.Ledger;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>An account as <c>GET /v1/accounts/{did}</c> reports it.</summary>
internal sealed record AccountState(long Balance, long Stake, long Nonce, long Height);

/// <summary>The ledger API as the tests call it: real HTTP, requests signed as clients sign them.</summary>
internal sealed class LedgerCalls(IGatewayEndpoint gateway)
{
    /// <summary>The standalone node's chain id (no chain id is configured in tests).</summary>
    public const string ChainId = LedgerSetup.DevelopmentChainId;

    /// <summary>What one faucet request grants by default.</summary>
    public const long Grant = 1_000_000;

    /// <summary>The faucet's account of the standalone node in this process (a key it generated at its first start).</summary>
    public Did Faucet => gateway is InProcessGateway node && node.Services.GetRequiredService<LedgerSettings>().Faucet is { } faucet
        ? faucet.Did
        : throw new InvalidOperationException("Only a standalone node in this process shows its faucet's key to tests.");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http => gateway.Http;

    public Task<HttpResponseMessage> PostAsync(AgentKey key, string path, string body, string query = "") =>
        gateway.Http.SendAsync(RequestSigner.SignedPost(key, gateway.Address, path, body, query: query), Ct);

    public Task<HttpResponseMessage> GetAsync(string path) => gateway.Http.GetAsync(path, Ct);

    /// <summary>Asks the faucet for credits for <paramref name="key"/>'s DID and expects them final.</summary>
    public async Task<JsonElement> FundAsync(AgentKey key) =>
        await HttpAssert.JsonAsync(await PostAsync(key, "/v1/faucet", "{}"), HttpStatusCode.OK);

    /// <summary>A signed transfer; the HTTP request is signed by the same key.</summary>
    public Task<HttpResponseMessage> TransferAsync(AgentKey from, Did to, long amount, long nonce, string query = "") =>
        PostAsync(from, "/v1/transfers", TransferBody(from, to, amount, nonce), query);

    /// <summary>The body of <c>POST /v1/transfers</c> with the sender's ledger signature.</summary>
    public static string TransferBody(AgentKey from, Did to, long amount, long nonce, string chainId = ChainId) =>
        TransferBody(to, amount, nonce, from.Sign(SignedTransaction.SigningBytes(chainId, new Transfer(from.Did, to, amount, nonce))));

    /// <summary>The body of <c>POST /v1/transfers</c> with any signature.</summary>
    public static string TransferBody(Did to, long amount, long nonce, byte[] signature) =>
        JsonSerializer.Serialize(new { to = to.Value, amount, nonce, signature = Convert.ToBase64String(signature) });

    /// <summary>The body of <c>POST /v1/ledger/txs</c> carrying <paramref name="encoded"/> transaction bytes.</summary>
    public static string SubmitBody(ReadOnlySpan<byte> encoded) => $"{{\"transaction\":\"{Convert.ToBase64String(encoded)}\"}}";

    public async Task<AccountState> AccountAsync(Did did)
    {
        var view = await HttpAssert.JsonAsync(await GetAsync($"/v1/accounts/{did}"), HttpStatusCode.OK);
        return new AccountState(
            view.GetProperty("balance").GetInt64(), view.GetProperty("stake").GetInt64(), view.GetProperty("nonce").GetInt64(), view.GetProperty("height").GetInt64());
    }

    /// <summary>A transaction's status code: 404 for unknown, else the status member.</summary>
    public async Task<string> TxStatusAsync(string id)
    {
        var response = await GetAsync($"/v1/ledger/txs/{id}");
        return response.StatusCode == HttpStatusCode.NotFound
            ? "unknown"
            : (await HttpAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("status").GetString()!;
    }
}
