using System.Diagnostics.Metrics;
using System.Globalization;
using Ainur.Grains.Storage.GroupCommit;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.LoadTests;

/// <summary>
/// Durable grain-state writes on one standalone node: N grains, each called by its own closed-loop worker, store their
/// state on every call, (a) through Orleans' ADO.NET grain storage (the <c>agents</c> store, as the silo configures
/// it) and then (b) through the group-commit storage (the <c>tasks</c> store), in one run on the same database.
/// </summary>
internal static class StorageBench
{
    public static async Task RunAsync(int grains, int payloadBytes, TimeSpan duration, TimeSpan warmUp)
    {
        await using var database = await TestDatabase.CreateAsync();
        var postmaster = await ProcessCpu.PostmasterAsync(database.ConnectionString);
        var host = await InProcessGateway.StartSiloAsync(NodeSettings.Standalone(database.ConnectionString, database.Name));
        try
        {
            var factory = host.Services.GetRequiredService<IGrainFactory>();
            var adoNet = Enumerable.Range(0, grains).Select(i => (IStateWriterGrain)factory.GetGrain<IAdoNetWriterGrain>(i)).ToArray();
            var groupCommit = Enumerable.Range(0, grains).Select(i => (IStateWriterGrain)factory.GetGrain<IGroupCommitWriterGrain>(i)).ToArray();

            var (a, aCpu, _) = await MeasureAsync("a. Orleans ADO.NET grain storage", adoNet);
            var (b, bCpu, batches) = await MeasureAsync("b. group-commit grain storage", groupCommit);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"### storage — {grains} grains, one closed-loop writer each, {payloadBytes}-byte payload, {duration.TotalSeconds:F0} s per phase after {warmUp.TotalSeconds:F0} s warm-up"));
            Console.WriteLine();
            Console.Write(Report.Table("writes", [a, b]));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio b/a: {b.PerSecond / a.PerSecond:F1}x writes/s; p50 {a.P50Ms / b.P50Ms:F1}x lower, p99 {a.P99Ms / b.P99Ms:F1}x lower"));
            Console.WriteLine($"a. {aCpu}");
            Console.WriteLine($"b. {bCpu}");
            Console.WriteLine($"b. {batches}");
            Console.WriteLine();
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }

        async Task<(PhaseResult Phase, string Cpu, string Batches)> MeasureAsync(string name, IStateWriterGrain[] writers)
        {
            // The warm-up activates every grain (one read each) and makes its first write, an insert; then only updates count.
            await LoadRunner.RunAsync(name + " (warm-up)", grains, warmUp, (w, _) => writers[w].WriteAsync(payloadBytes));
            using var batches = new BatchStats();
            var start = ProcessCpu.Now(postmaster);
            var phase = await LoadRunner.RunAsync(name, grains, duration, (w, _) => writers[w].WriteAsync(payloadBytes), iterationBase: 1L << 40);
            return (phase, ProcessCpu.Now(postmaster).Since(start), batches.ToString());
        }
    }

    /// <summary>Group-commit write batches seen on the <c>Ainur</c> meter while it lives: count, rows and time per batch.</summary>
    private sealed class BatchStats : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _batches, _rows, _maxRows;
        private double _seconds;

        public BatchStats()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GroupCommitMetrics.MeterName && instrument.Name is GroupCommitMetrics.BatchRows or GroupCommitMetrics.BatchDuration)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, rows, tags, _) =>
            {
                if (IsWrite(tags))
                {
                    Interlocked.Increment(ref _batches);
                    Interlocked.Add(ref _rows, rows);
                    _maxRows = Math.Max(_maxRows, rows);
                }
            });
            _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            {
                if (IsWrite(tags))
                {
                    _seconds += seconds; // one writer loop per store: no concurrent callbacks for one store
                }
            });
            _listener.Start();
        }

        public override string ToString() => _batches == 0
            ? "no group-commit batches seen"
            : string.Create(CultureInfo.InvariantCulture,
                $"group commit: {_batches} batches, {(double)_rows / _batches:F0} rows per batch on average (max {_maxRows}), {_seconds * 1000 / _batches:F2} ms per batch statement, commit included; the writer loop was in PostgreSQL {_seconds:F1} s of the phase");

        public void Dispose() => _listener.Dispose();

        private static bool IsWrite(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "operation")
                {
                    return tag.Value as string == "write";
                }
            }

            return false;
        }
    }
}
