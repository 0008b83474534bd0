using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.LoadTests;

/// <summary>
/// The ledger alone at task load (issue 10), on one standalone node (durable PostgreSQL), through the mempool grain:
/// (1) the signature bound: Ed25519 voucher verifications/s on every core this process may use (NSec, as the ledger),
/// divided by the validator count for validators that check every voucher on their own (separate silos), and whole for
/// the co-hosted validators here, which share the process's signature memo and so check each voucher once between them; (2) voucher settlements/s: budgets
/// opened by client-signed transactions, then orchestrator-signed batches of <c>VoucherSettle</c> (vouchers signed
/// beforehand by the budgets' owners) kept <c>window</c> batches in flight; (3) load-sized blocks: transfers offered at
/// fixed rates (open loop), with blocks sized by the old rule (BusyBlockIntervalMs 0) and the new one, each on a fresh node.
/// </summary>
internal static class VoucherBench
{
    private const long Funding = 1_000_000_000_000;
    private const int Budgets = 16;

    public static async Task VouchersAsync(int validators, TimeSpan duration, int batchSize, int window)
    {
        var (bound, cpuPerCheck) = SignatureRate(TimeSpan.FromSeconds(3));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"signature bound: {bound:F0} Ed25519 voucher verifications/s on {Environment.ProcessorCount} cores ({cpuPerCheck.TotalMicroseconds:F1} µs of CPU each) = settlements/s with one check per voucher (validators sharing the memo); / {validators} validators checking on their own = {bound / validators:F0} settlements/s"));

        var owners = Enumerable.Range(0, Budgets).Select(_ => AgentKey.Generate()).ToArray();
        await using var database = await TestDatabase.CreateAsync();
        var host = await InProcessGateway.StartSiloAsync(Settings(database, validators, busyIntervalMs: null, owners));
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var ledger = host.Services.GetRequiredService<LedgerSettings>();
            var metrics = host.Services.GetRequiredService<LedgerMetrics>();
            var mempool = grains.GetGrain<IMempoolGrain>(0);
            var opens = owners.Select(o => SignedTransaction.Sign(new BudgetOpen(o.Did, 1, Funding / 2, 1_000_000_000), o, ledger.ChainId)).ToArray();
            await mempool.SubmitManyAsync([.. opens]);
            foreach (var open in opens)
            {
                await FinalAsync(mempool, open);
            }

            // Enough vouchers for the whole phase at the (shared-memo) bound, signed before it starts: the clients' signing is not the ledger's work.
            var count = (int)Math.Max(20_000, bound * duration.TotalSeconds);
            var payees = Enumerable.Range(0, 1024).Select(_ => Did.FromPublicKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))).ToArray();
            var settles = new VoucherSettle[count];
            Parallel.For(0, count, i =>
            {
                var owner = owners[i % Budgets];
                var voucher = new Voucher(((BudgetOpen)opens[i % Budgets].Body).BudgetId, new Hash32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), 10);
                settles[i] = new VoucherSettle(voucher.BudgetId, voucher.TaskId, voucher.MaxPrice, voucher.Sign(owner, ledger.ChainId), payees[i % payees.Length], 9, 1);
            });

            var cpu = ProcessCpu.Now(await ProcessCpu.PostmasterAsync(database.ConnectionString));
            var (blocks, transactions, consensus) = (metrics.FinalizedBlocks, metrics.FinalizedTransactions, metrics.ConsensusCpu);
            var histogram = new LatencyHistogram();
            var sequence = (await grains.GetGrain<ILedgerQueryGrain>(0).GetEscrowAsync(default)).OrchestratorSequence;
            var started = Stopwatch.GetTimestamp();
            var next = 0;
            var settled = 0L;
            var failed = 0;
            var inFlight = new List<Task<(int Count, bool Final)>>();
            while (true)
            {
                while (inFlight.Count < window && next < count && Stopwatch.GetElapsedTime(started) < duration)
                {
                    var ops = settles.AsSpan(next, Math.Min(batchSize, count - next)).ToArray();
                    next += ops.Length;
                    var batch = SignedTransaction.Sign(new ProtocolBatch(ledger.Orchestrator.Did, ++sequence, [.. ops.Cast<ProtocolOp>()]), ledger.Orchestrator, ledger.ChainId);
                    inFlight.Add(SettleAsync(mempool, batch, ops.Length, histogram));
                }

                if (inFlight.Count == 0)
                {
                    break;
                }

                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                var (n, final) = await done;
                settled += final ? n : 0;
                failed += final ? 0 : 1;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var after = ProcessCpu.Now(await ProcessCpu.PostmasterAsync(database.ConnectionString));
            var rate = settled / elapsed.TotalSeconds;
            var heights = metrics.FinalizedBlocks - blocks;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"### vouchers — {validators} validators, batches of {batchSize} settlements, {window} in flight, {elapsed.TotalSeconds:F1} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"settlements/s {rate:F0} ({settled} settled, {failed} batches not final); ratio to the signature bound: one check per voucher {rate / bound:F2}, one per validator {rate / (bound / validators):F2}; " +
                $"batch submit -> final p50 {histogram.PercentileMicros(0.5) / 1000:F1} ms p99 {histogram.PercentileMicros(0.99) / 1000:F1} ms; " +
                $"{heights} heights, {(metrics.FinalizedTransactions - transactions) / (double)Math.Max(1, heights):F1} tx/height, {settled / (double)Math.Max(1, heights):F0} settlements/height; " +
                $"process CPU per settlement against one check's own ({cpuPerCheck.TotalMicroseconds:F0} µs): {cpuPerCheck.TotalMicroseconds / ((after.Node - cpu.Node).TotalMicroseconds / Math.Max(1, settled)):F2}; " +
                $"consensus CPU {(metrics.ConsensusCpu - consensus).TotalMicroseconds / Math.Max(1, settled):F1} µs/settlement; process CPU {(after.Node - cpu.Node).TotalMicroseconds / Math.Max(1, settled):F1} µs/settlement; {after.Since(cpu)}"));
            Console.WriteLine();
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    public static async Task BlocksAsync(int validators, TimeSpan duration, IReadOnlyList<int> rates)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### blocks at task load — {validators} validators, transfers offered at a fixed rate (open loop), {duration.TotalSeconds:F0} s per rate"));
        Console.WriteLine();
        Console.WriteLine("| rule | offered tx/s | final tx/s | heights/s | tx per height | p50 ms | p99 ms | consensus CPU µs/tx | node CPU µs/tx | cores busy (node, PostgreSQL) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (rule, interval) in new[] { ("old: at once", 0), ("new: busy 20 ms", 20) })
        {
            var senders = Enumerable.Range(0, 512).Select(_ => AgentKey.Generate()).ToArray();
            await using var database = await TestDatabase.CreateAsync();
            var host = await InProcessGateway.StartSiloAsync(Settings(database, validators, interval, senders));
            try
            {
                var grains = host.Services.GetRequiredService<IGrainFactory>();
                var ledger = host.Services.GetRequiredService<LedgerSettings>();
                var metrics = host.Services.GetRequiredService<LedgerMetrics>();
                var mempool = grains.GetGrain<IMempoolGrain>(0);
                var nonces = new long[senders.Length];
                var payee = Did.FromPublicKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                var postmaster = await ProcessCpu.PostmasterAsync(database.ConnectionString);
                var sent = 0L;
                foreach (var rate in rates)
                {
                    // Signed ahead (the clients' work), then offered at the rate.
                    var total = (int)(rate * duration.TotalSeconds);
                    var transactions = Enumerable.Range(0, total).Select(_ =>
                    {
                        var w = (int)(sent++ % senders.Length);
                        return SignedTransaction.Sign(new Transfer(senders[w].Did, payee, 1, ++nonces[w]), senders[w], ledger.ChainId);
                    }).ToArray();
                    var histogram = new LatencyHistogram();
                    var cpu = ProcessCpu.Now(postmaster);
                    var (blocks, finalized, consensus) = (metrics.FinalizedBlocks, metrics.FinalizedTransactions, metrics.ConsensusCpu);
                    var started = Stopwatch.GetTimestamp();
                    var waits = new List<Task<(int, bool)>>(total);
                    for (var i = 0; i < total; i++)
                    {
                        var due = TimeSpan.FromSeconds(i / (double)rate) - Stopwatch.GetElapsedTime(started);
                        if (due > TimeSpan.FromMilliseconds(1))
                        {
                            await Task.Delay(due);
                        }

                        waits.Add(FinalWithin(mempool, transactions[i], histogram));
                    }

                    var outcomes = await Task.WhenAll(waits);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    var after = ProcessCpu.Now(postmaster);
                    var heights = metrics.FinalizedBlocks - blocks;
                    var final = metrics.FinalizedTransactions - finalized;
                    var notFinal = outcomes.Count(o => !o.Item2);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {rule} | {rate} | {final / elapsed.TotalSeconds:F0}{(notFinal > 0 ? $" ({notFinal} not final)" : "")} | {heights / elapsed.TotalSeconds:F0} | {final / (double)Math.Max(1, heights):F1} | " +
                        $"{histogram.PercentileMicros(0.5) / 1000:F1} | {histogram.PercentileMicros(0.99) / 1000:F1} | {(metrics.ConsensusCpu - consensus).TotalMicroseconds / Math.Max(1, final):F0} | " +
                        $"{(after.Node - cpu.Node).TotalMicroseconds / Math.Max(1, final):F0} | {after.Since(cpu)["CPU (cores busy): ".Length..]} |"));
                }
            }
            finally
            {
                await host.StopAsync();
                host.Dispose();
            }
        }

        Console.WriteLine();
    }

    private static async Task<(int, bool)> FinalWithin(IMempoolGrain mempool, SignedTransaction transaction, LatencyHistogram histogram)
    {
        var begin = Stopwatch.GetTimestamp();
        await mempool.SubmitAsync(transaction);
        var status = await mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(60));
        lock (histogram)
        {
            histogram.Record((long)Stopwatch.GetElapsedTime(begin).TotalMicroseconds);
        }

        return (1, status.State == TxState.Final);
    }

    private static async Task<(int Count, bool Final)> SettleAsync(IMempoolGrain mempool, SignedTransaction batch, int count, LatencyHistogram histogram)
    {
        var (_, final) = await FinalWithin(mempool, batch, histogram);
        return (count, final);
    }

    private static async Task FinalAsync(IMempoolGrain mempool, SignedTransaction transaction)
    {
        var status = await mempool.WaitAsync(transaction.Id, TimeSpan.FromSeconds(60));
        if (status.State != TxState.Final)
        {
            throw new InvalidOperationException($"Transaction {transaction.Id} ended {status.State} ({status.Rejection?.Code}).");
        }
    }

    /// <summary>Voucher verifications per second on every core this process may use, with the ledger's own check.</summary>
    private static (double PerSecond, TimeSpan CpuEach) SignatureRate(TimeSpan duration)
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        using var owner = AgentKey.Generate();
        var samples = Enumerable.Range(0, 256).Select(_ => new Voucher(new Hash32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), new Hash32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), 10))
            .Select(v => (Voucher: v, Signature: v.Sign(owner, "bench"))).ToArray();
        var total = 0L;
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, _ =>
        {
            var done = 0L;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                foreach (var (voucher, signature) in samples)
                {
                    // The Ed25519 check itself, past the process's signature memo (these 256 repeat; the ledger's vouchers do not).
                    done += owner.Did.Verify(voucher.SignedBytes("bench"), signature) ? 1 : 0;
                }
            }

            Interlocked.Add(ref total, done);
        });
        var used = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (total / Stopwatch.GetElapsedTime(started).TotalSeconds, used / total);
    }

    private static Dictionary<string, string?> Settings(TestDatabase database, int validators, int? busyIntervalMs, AgentKey[] funded)
    {
        var values = new Dictionary<string, string?> { ["Ainur:Ledger:Validators"] = validators.ToString(CultureInfo.InvariantCulture) };
        if (busyIntervalMs is { } interval)
        {
            values["Ainur:Ledger:BusyBlockIntervalMs"] = interval.ToString(CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < funded.Length; i++)
        {
            values[$"Ainur:Ledger:Allocations:{i}:Account"] = funded[i].Did.Value;
            values[$"Ainur:Ledger:Allocations:{i}:Amount"] = Funding.ToString(CultureInfo.InvariantCulture);
        }

        return NodeSettings.Standalone(database.ConnectionString, database.Name).With(values);
    }
}
