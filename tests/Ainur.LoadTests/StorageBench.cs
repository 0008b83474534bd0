using System.Diagnostics.Metrics;
using System.Globalization;
using Ainur.Grains.Interfaces;
using Ainur.Grains.Storage.GroupCommit;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.LoadTests;

/// <summary>
/// Durable grain-state writes on one standalone node: N grains, each called by its own closed-loop worker, store their
/// state on every call, (a) through Orleans' ADO.NET grain storage (the <c>agents</c> store, as the silo configures
/// it), (b) through the group-commit storage (the <c>tasks</c> store, as configured), and (c) through the group-commit
/// storage with one batch at a time, in one run on the same database. Every pass measures the three in turn.
/// </summary>
internal static class StorageBench
{
    /// <summary>The extra store of phase c.</summary>
    public const string SerialStore = "bench-serial";

    public static async Task RunAsync(int grains, int payloadBytes, int passes, TimeSpan duration, TimeSpan warmUp)
    {
        await using var database = await TestDatabase.CreateAsync();
        var postmaster = await ProcessCpu.PostmasterAsync(database.ConnectionString);
        var host = await InProcessGateway.StartSiloAsync(
            NodeSettings.Standalone(database.ConnectionString, database.Name),
            silo => silo.AddAinurGroupCommitStorage(SerialStore, database.ConnectionString, o => o.MaxBatchesInFlight = 1));
        try
        {
            var factory = host.Services.GetRequiredService<IGrainFactory>();
            IStateWriterGrain[] Writers<T>() where T : IStateWriterGrain =>
                [.. Enumerable.Range(0, grains).Select(i => (IStateWriterGrain)factory.GetGrain<T>(i))];
            (string Name, IStateWriterGrain[] Writers, string Store)[] stores =
            [
                ("a. Orleans ADO.NET grain storage", Writers<IAdoNetWriterGrain>(), AinurStores.Agents),
                ($"b. group-commit grain storage ({GroupCommitStorageOptions.DefaultMaxBatchesInFlight} batches in flight)", Writers<IGroupCommitWriterGrain>(), AinurStores.Tasks),
                ("c. group-commit grain storage, 1 batch at a time", Writers<ISerialGroupCommitWriterGrain>(), SerialStore),
            ];

            // Each pass measures every store in turn; the first pass also grows the fresh tables to their working size.
            var phases = new List<PhaseResult>();
            var notes = new List<string>();
            for (var pass = 1; pass <= passes; pass++)
            {
                foreach (var (name, writers, store) in stores)
                {
                    var (phase, cpu, batches) = await MeasureAsync(string.Create(CultureInfo.InvariantCulture, $"{name} — pass {pass}"), writers, store);
                    phases.Add(phase);
                    notes.Add($"{name[..2]} pass {pass}: {cpu}{(store == AinurStores.Agents ? "" : $"; {batches}")}");
                }
            }

            var (a, b, c) = (phases[^3], phases[^2], phases[^1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"### storage — {grains} grains, one closed-loop writer each, {payloadBytes}-byte payload, {duration.TotalSeconds:F0} s per phase after {warmUp.TotalSeconds:F0} s warm-up, {passes} passes"));
            Console.WriteLine();
            Console.Write(Report.Table("writes", phases));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio b/a (pass {passes}): {b.PerSecond / a.PerSecond:F1}x writes/s, p50 {a.P50Ms / b.P50Ms:F1}x lower, p99 {a.P99Ms / b.P99Ms:F1}x lower; c/a: {c.PerSecond / a.PerSecond:F1}x writes/s"));
            notes.ForEach(Console.WriteLine);
            Console.WriteLine();
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }

        async Task<(PhaseResult Phase, string Cpu, string Batches)> MeasureAsync(string name, IStateWriterGrain[] writers, string store)
        {
            // The warm-up activates every grain (one read each) and makes its first write, an insert; then only updates count.
            await LoadRunner.RunAsync(name + " (warm-up)", grains, warmUp, (w, _) => writers[w].WriteAsync(payloadBytes));
            using var batches = new BatchStats(store);
            var start = ProcessCpu.Now(postmaster);
            var phase = await LoadRunner.RunAsync(name, grains, duration, (w, _) => writers[w].WriteAsync(payloadBytes), iterationBase: 1L << 40);
            return (phase, ProcessCpu.Now(postmaster).Since(start), batches.ToString());
        }
    }

    /// <summary>Write batches of one group-commit store seen on the <c>Ainur</c> meter while it lives: count, rows and time per batch.</summary>
    private sealed class BatchStats : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _store;
        private long _batches, _rows, _maxRows;
        private double _seconds;

        public BatchStats(string store)
        {
            _store = store;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GroupCommitMetrics.MeterName && instrument.Name is GroupCommitMetrics.BatchRows or GroupCommitMetrics.BatchDuration)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, rows, tags, _) =>
            {
                if (IsWriteOfStore(tags))
                {
                    lock (_listener)
                    {
                        _batches++;
                        _rows += rows;
                        _maxRows = Math.Max(_maxRows, rows);
                    }
                }
            });
            _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            {
                if (IsWriteOfStore(tags))
                {
                    lock (_listener)
                    {
                        _seconds += seconds;
                    }
                }
            });
            _listener.Start();
        }

        public override string ToString()
        {
            lock (_listener)
            {
                return _batches == 0
                    ? "no group-commit batches seen"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{_batches} batches, {(double)_rows / _batches:F0} rows per batch on average (max {_maxRows}), {_seconds * 1000 / _batches:F2} ms per batch statement, commit included");
            }
        }

        public void Dispose() => _listener.Dispose();

        private bool IsWriteOfStore(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var (store, operation) = ((string?)null, (string?)null);
            foreach (var tag in tags)
            {
                if (tag.Key == "store") store = tag.Value as string;
                if (tag.Key == "operation") operation = tag.Value as string;
            }

            return store == _store && operation == "write";
        }
    }
}
