using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Proofs;
using Ainur.Testing;
using Ainur.Testing.Http;
using Ainur.Testing.Nodes;

namespace Ainur.Gateway.Tests.Fault;

/// <summary>
/// The ledger on two silo processes behind a cluster-mode gateway process; the silo holding half the validators is
/// killed with SIGKILL while clients keep paying. Every transfer answered 200 (final) stays final with a proof that
/// verifies against the validator set, answers in between are 202 (pending), 422 or 503 problem+json only, and
/// transfers become final again once the validators re-activate on the survivor.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class LedgerFailoverTests
{
    private const int Workers = 2;
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(12);

    [Fact(Timeout = 180_000)]
    public async Task KillNineOfASiloWithValidators_LosesNoFinalTransfer_AndPaymentsResume()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        await using var db = await TestDatabase.CreateAsync(ct);
        var clusterId = $"ledger-failover-{Guid.NewGuid():N}";
        var secrets = LedgerSecrets.For(clusterId);
        var senders = Enumerable.Range(0, Workers).Select(i => LedgerSecrets.Account(clusterId, $"sender-{i}")).ToArray();
        var genesis = new Dictionary<string, string?>();
        for (var i = 0; i < senders.Length; i++)
        {
            genesis[$"Ainur:Ledger:Allocations:{i}:Account"] = senders[i].Did.Value;
            genesis[$"Ainur:Ledger:Allocations:{i}:Amount"] = "1000000";
        }

        await using var cluster = await ProcessCluster.StartAsync(db.ConnectionString, clusterId, genesis, ct);
        var baseAddress = cluster.BaseAddress;
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var results = new ConcurrentBag<Payment>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = senders.Select(sender => Task.Run(() => PayUntilAsync(http, baseAddress, sender, secrets.ChainId, clock, results, stop.Token), ct)).ToArray();

        await Task.Delay(BeforeKill, ct);
        var killedAt = clock.Elapsed;
        cluster.Silos[1].KillHard();
        await Task.Delay(AfterKill, ct);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var payments = results.OrderBy(p => p.Finished).ToList();
        var final = payments.Where(p => p.Status == 200).ToList();
        output.WriteLine(
            $"killed silo #1 at {killedAt.TotalSeconds:F1} s; {payments.Count} transfers, {final.Count} final " +
            $"({final.Count(p => p.Finished < killedAt)} before the kill), others " +
            $"[{string.Join(", ", payments.Where(p => p.Status != 200).GroupBy(p => p.Status).Select(g => $"{g.Key}x{g.Count()}"))}]");

        foreach (var other in payments.Where(p => p.Status != 200))
        {
            Assert.True(other.Status is 202 || (other.Status is 422 or 503 && other.MediaType == "application/problem+json"), other.ToString());
        }

        Assert.Contains(final, p => p.Started > killedAt);

        // Every transfer that was acknowledged final is still final, and its proof holds against the validator set.
        var validators = await ValidatorSetAsync(http, ct);
        foreach (var payment in final)
        {
            using var response = await http.GetAsync($"/v1/ledger/txs/{payment.Id}", ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{payment} then GET gave {(int)response.StatusCode}");
            using var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            Assert.Equal("final", view.RootElement.GetProperty("status").GetString());
            var proof = PaymentProof.Decode(Convert.FromBase64String(view.RootElement.GetProperty("proof").GetString()!));
            Assert.Null(proof.Verify(validators, secrets.ChainId));
        }
    }

    private static async Task PayUntilAsync(
        HttpClient http, Uri baseAddress, AgentKey sender, string chainId, Stopwatch clock, ConcurrentBag<Payment> results, CancellationToken stop)
    {
        // Gaps are allowed: each attempt takes a new nonce whatever became of the one before.
        for (var nonce = 1L; !stop.IsCancellationRequested; nonce++)
        {
            var payee = Did.FromPublicKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var body = LedgerCalls.TransferBody(sender, payee, 1, nonce, chainId);
            var started = clock.Elapsed;
            try
            {
                // Not cancelled by `stop`: a request in flight at the end still counts.
                using var response = await http.SendAsync(RequestSigner.SignedPost(sender, baseAddress, "/v1/transfers", body, query: "?wait=10"), CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var id = response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()! : "";
                results.Add(new Payment(id, started, clock.Elapsed, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text));
                if (!response.IsSuccessStatusCode)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
            catch (HttpRequestException e)
            {
                results.Add(new Payment("", started, clock.Elapsed, 0, null, e.Message));
            }
            catch (TaskCanceledException e)
            {
                results.Add(new Payment("", started, clock.Elapsed, -1, null, "client timeout: " + e.Message));
            }
        }
    }

    private static async Task<ValidatorSet> ValidatorSetAsync(HttpClient http, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("/v1/ledger/validators", ct));
        return new ValidatorSet([.. document.RootElement.GetProperty("validators").EnumerateArray().Select(v => Did.Parse(v.GetProperty("did").GetString()!))]);
    }

    private sealed record Payment(string Id, TimeSpan Started, TimeSpan Finished, int Status, string? MediaType, string Body)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Id} [{Started.TotalSeconds:F2}-{Finished.TotalSeconds:F2} s] {Status} {MediaType} {Body}");
    }
}
