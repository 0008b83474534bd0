using System.Net;
using System.Text.Json;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing.Http;

namespace Ainur.LoadTests.Tools;

/// <summary>
/// The HTTP tool's requests as a client sends them: signed (RFC 9421, Ed25519), each answer checked against the status
/// expected, anything else a <see cref="LoadFailure"/> of kind <c>http-STATUS[:problem code]</c>. Funds accounts from
/// the node's faucet or, on a cluster, with transfers from a funded account's key.
/// </summary>
internal sealed class HttpLedger(HttpClient http, string chainId, AgentKey? funder)
{
    public HttpClient Http { get; } = http;

    public string ChainId { get; } = chainId;

    public static async Task<HttpLedger> ConnectAsync(HttpClient http, AgentKey? funder)
    {
        using var validators = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/ledger/validators", UriKind.Relative)));
        return new HttpLedger(http, validators.RootElement.GetProperty("chainId").GetString()!, funder);
    }

    /// <summary>Sends <paramref name="request"/> (disposing it) and checks its status.</summary>
    public async Task SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        {
            using var response = await Http.SendAsync(request);
            if (response.StatusCode != expected)
            {
                var code = await ProblemCodeAsync(response);
                throw new LoadFailure(code is null ? $"http-{(int)response.StatusCode}" : $"http-{(int)response.StatusCode}:{code}",
                    $"{request.Method} {request.RequestUri}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }
    }

    /// <summary>A signed transfer of <paramref name="amount"/>, awaited until final (200).</summary>
    public Task TransferAsync(AgentKey from, Did to, long amount, long nonce)
    {
        var signature = SignedTransaction.Sign(new Transfer(from.Did, to, amount, nonce), from, ChainId).Signature.ToArray();
        var body = JsonSerializer.Serialize(new { to = to.Value, amount, nonce, signature = Convert.ToBase64String(signature) });
        return SendAsync(RequestSigner.SignedPost(from, Http.BaseAddress!, "/v1/transfers", body, query: "?wait=30"), HttpStatusCode.OK);
    }

    /// <summary>Gives every account <see cref="LoadAgents.Funding"/> credits, final when this returns.</summary>
    public async Task FundAsync(IEnumerable<AgentKey> accounts)
    {
        if (funder is null)
        {
            await Parallel.ForEachAsync(accounts, async (key, _) => await SendAsync(RequestSigner.SignedPost(key, Http.BaseAddress!, "/v1/faucet", "{}"), HttpStatusCode.OK));
            return;
        }

        // One at a time: the funder's nonces must reach the pool in order.
        using var account = JsonDocument.Parse(await Http.GetStringAsync(new Uri($"/v1/accounts/{funder.Did}", UriKind.Relative)));
        var nonce = account.RootElement.GetProperty("nonce").GetInt64();
        foreach (var key in accounts)
        {
            await TransferAsync(funder, key.Did, LoadAgents.Funding, ++nonce);
        }
    }

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
