using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.LoadTests;

/// <summary>
/// The ledger on one standalone node (durable PostgreSQL), driven through the mempool grain without HTTP:
/// (a) client-signed transfers, each worker submitting one and waiting for its block to be final;
/// (b) client-signed escrow locks, the same way; (c) escrow releases and refunds batched under one orchestrator
/// signature per batch. Every validator checks every signature. Run once per validator count.
/// </summary>
internal static class LedgerBench
{
    private const long Funding = 1_000_000_000;

    public static async Task RunAsync(int validators, int concurrency, TimeSpan duration, TimeSpan warmUp, int maxBlock, int batchWaitMs)
    {
        await using var database = await TestDatabase.CreateAsync();
        var senders = Enumerable.Range(0, concurrency).Select(_ => AgentKey.Generate()).ToArray();
        var settings = NodeSettings.Standalone(database.ConnectionString, database.Name).With(new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Validators"] = validators.ToString(CultureInfo.InvariantCulture),
            ["Ainur:Ledger:MaxBlockTransactions"] = maxBlock.ToString(CultureInfo.InvariantCulture),
            ["Ainur:Ledger:BatchWaitMs"] = batchWaitMs.ToString(CultureInfo.InvariantCulture),
        }).With(Allocations(senders));
        var host = await InProcessGateway.StartSiloAsync(settings);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var ledger = host.Services.GetRequiredService<LedgerSettings>();
            var mempool = grains.GetGrain<IMempoolGrain>(0);
            var nonces = new long[concurrency];
            var escrows = new System.Collections.Concurrent.ConcurrentQueue<Hash32>();

            // Payees only receive: any 32 bytes make an account, and generating keys would load the client, not the ledger.
            var payees = Enumerable.Range(0, 4096).Select(_ => Did.FromPublicKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))).ToArray();

            async Task FinalizeAsync(SignedTransaction transaction)
            {
                await mempool.SubmitAsync(transaction);
                var status = await mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(30));
                if (status.State != TxState.Final)
                {
                    throw new InvalidOperationException($"Transaction {transaction.Id} ended {status.State} ({status.Rejection?.Code}).");
                }
            }

            var phases = new List<PhaseResult>
            {
                await LoadRunner.RunPhaseAsync("a. transfer, submit -> final", concurrency, warmUp, duration, (w, i) =>
                    FinalizeAsync(SignedTransaction.Sign(new Transfer(senders[w].Did, payees[(int)(i % payees.Length)], 1, ++nonces[w]), senders[w], ledger.ChainId))),
                await LoadRunner.RunPhaseAsync("b. escrow lock, submit -> final", concurrency, warmUp, duration, async (w, _) =>
                {
                    var id = new Hash32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                    await FinalizeAsync(SignedTransaction.Sign(new EscrowLock(senders[w].Did, id, 10, DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds()), senders[w], ledger.ChainId));
                    escrows.Enqueue(id);
                }),
            };

            var closing = await CloseEscrowsAsync(escrows, batchSize: 200, mempool, senders[0].Did, ledger);
            phases.Add(closing.Phase);

            var head = await mempool.GetHeadAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"### ledger — {validators} validators, C = {concurrency}, B = {maxBlock}, T = {batchWaitMs} ms, {duration.TotalSeconds:F0} s per phase after {warmUp.TotalSeconds:F0} s warm-up; head {head.Height}"));
            Console.WriteLine();
            Console.Write(Report.Table("ops", phases));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"c. protocol operations/s: {closing.Operations / closing.Phase.Elapsed.TotalSeconds:F0} ({closing.Operations} escrows closed in {closing.Phase.Operations} batches of up to 200, {closing.Phase.Elapsed.TotalSeconds:F2} s)"));
            Console.WriteLine();
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>
    /// Closes every escrow phase b locked, alternating release and refund, in batches under one orchestrator signature.
    /// One submitter sends the batches in sequence order without waiting (the pool keeps arrival order, so sequences
    /// stay increasing), and each batch is awaited until final: a fixed amount of work, so its rate is operations over
    /// elapsed time, and the latency is each batch's submit-to-final time.
    /// </summary>
    private static async Task<(PhaseResult Phase, long Operations)> CloseEscrowsAsync(
        System.Collections.Concurrent.ConcurrentQueue<Hash32> escrows, int batchSize, IMempoolGrain mempool, Did payee, LedgerSettings ledger)
    {
        var histogram = new LatencyHistogram();
        var waits = new List<Task<(int Count, bool Final, string? Why)>>();
        var sequence = 0L;
        var started = Stopwatch.GetTimestamp();
        while (!escrows.IsEmpty)
        {
            var batch = ImmutableArray.CreateBuilder<ProtocolOp>(batchSize);
            while (batch.Count < batchSize && escrows.TryDequeue(out var id))
            {
                batch.Add(batch.Count % 2 == 0 ? new EscrowRefund(id) : new EscrowRelease(id, payee, 7, 1));
            }

            var count = batch.Count;
            var transaction = SignedTransaction.Sign(new ProtocolBatch(ledger.Orchestrator.Did, ++sequence, batch.DrainToImmutable()), ledger.Orchestrator, ledger.ChainId);
            var begin = Stopwatch.GetTimestamp();
            await mempool.SubmitAsync(transaction);
            waits.Add(WaitAsync(transaction, count, begin));
        }

        var outcomes = await Task.WhenAll(waits);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var failed = outcomes.Where(o => !o.Final).ToList();
        var phase = new PhaseResult($"c. release/refund, {batchSize} per batch", outcomes.Length, failed.Count, elapsed, histogram, failed.FirstOrDefault().Why);
        return (phase, outcomes.Where(o => o.Final).Sum(o => (long)o.Count));

        async Task<(int, bool, string?)> WaitAsync(SignedTransaction transaction, int count, long begin)
        {
            var status = await mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(60));
            lock (histogram)
            {
                histogram.Record((long)Stopwatch.GetElapsedTime(begin).TotalMicroseconds);
            }

            return (count, status.State == TxState.Final, $"{status.State} {status.Rejection?.Code}");
        }
    }

    /// <summary>Single-thread costs of the parts of a block, to say where the time goes.</summary>
    public static void Profile()
    {
        const int count = 2000;
        using var sender = AgentKey.Generate();
        using var payee = AgentKey.Generate();
        var transfers = Enumerable.Range(1, count).Select(n => SignedTransaction.Sign(new Transfer(sender.Did, payee.Did, 1, n), sender, "bench")).ToArray();

        var verify = Stopwatch.StartNew();
        var valid = transfers.Count(t => t.VerifySignature("bench"));
        verify.Stop();
        var root = Stopwatch.StartNew();
        var txRoot = Protocol.Ledger.Blocks.Block.TxRootOf(transfers);
        root.Stop();
        var decode = Stopwatch.StartNew();
        foreach (var transfer in transfers)
        {
            _ = SignedTransaction.Decode(transfer.Encoded.Span);
        }

        decode.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile (one thread, {count} transfers): signature check {verify.Elapsed.TotalMicroseconds / count:F1} µs/tx ({valid} valid); " +
            $"Merkle tx root {root.Elapsed.TotalMicroseconds / count:F2} µs/tx (root {txRoot.ToString()[..8]}); decode {decode.Elapsed.TotalMicroseconds / count:F2} µs/tx"));
        Console.WriteLine();
    }

    private static Dictionary<string, string?> Allocations(AgentKey[] senders)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < senders.Length; i++)
        {
            settings[$"Ainur:Ledger:Allocations:{i}:Account"] = senders[i].Did.Value;
            settings[$"Ainur:Ledger:Allocations:{i}:Amount"] = Funding.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }
}
