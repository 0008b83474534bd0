using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Identity;
using Ainur.Silo.Hosting;
using Ainur.Testing;
using Ainur.Testing.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>
/// A standalone node on a fresh database whose ledger store fails as <see cref="FlakyLedgerStore"/> does, and whose
/// mempool, while <see cref="DropReports"/> is set, never hears of a finalized block (each report times out); its
/// next submission or status question is answered late after <see cref="DelayNextPoolCall"/>, and its next few fail
/// after <see cref="FailNextPoolCalls"/>.
/// </summary>
internal sealed class FlakyNode(TestDatabase database, IHost host, FlakyNode.PoolFaults faults) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public string ChainId => host.Services.GetRequiredService<LedgerSettings>().ChainId;

    public FlakyLedgerStore Store => (FlakyLedgerStore)host.Services.GetRequiredService<ILedgerStore>();

    public bool DropReports
    {
        get => faults.Dropping;
        set => faults.Dropping = value;
    }

    /// <summary>The next <see cref="IMempoolGrain.SubmitAsync"/> or <see cref="IMempoolGrain.WaitAsync"/> call is held for <paramref name="delay"/> first.</summary>
    public void DelayNextPoolCall(TimeSpan delay) => faults.DelayNext = delay;

    /// <summary>The next <paramref name="count"/> submissions or status questions fail, as the pool's did while PostgreSQL restarted.</summary>
    public void FailNextPoolCalls(int count) => faults.FailNext = count;

    /// <summary>How many of those failures are still to come.</summary>
    public int PoolCallsToFail => faults.FailNext;

    /// <summary>Starts it with <paramref name="funded"/> holding 1,000,000 at genesis.</summary>
    public static async Task<FlakyNode> StartAsync(AgentKey funded, int failEvery, CancellationToken ct)
    {
        var database = await TestDatabase.CreateAsync(ct);
        var settings = NodeSettings.Standalone(database.ConnectionString, database.Name).With(new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Allocations:0:Account"] = funded.Did.Value,
            ["Ainur:Ledger:Allocations:0:Amount"] = "1000000",
        });
        var faults = new PoolFaults();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            silo.Services.AddSingleton<ILedgerStore>(services =>
                new FlakyLedgerStore(new PostgresLedgerStore(services.GetRequiredService<NpgsqlDataSource>()), failEvery));
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(faults);
            silo.AddAinurSilo(builder.Configuration);
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        return new FlakyNode(database, host, faults);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
        await database.DisposeAsync();
    }

    internal sealed class PoolFaults : IIncomingGrainCallFilter
    {
        private volatile bool _dropping;

        public bool Dropping
        {
            get => _dropping;
            set => _dropping = value;
        }

        private readonly Lock _gate = new();
        private TimeSpan? _delayNext;
        private int _failNext;

        public TimeSpan? DelayNext
        {
            get { lock (_gate) return _delayNext; }
            set { lock (_gate) _delayNext = value; }
        }

        public int FailNext
        {
            get { lock (_gate) return _failNext; }
            set { lock (_gate) _failNext = value; }
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            var method = context.InterfaceMethod?.Name;
            if (Dropping && method == nameof(IMempoolGrain.FinalizedAsync))
            {
                throw new TimeoutException("Injected: the report of a finalized block was lost.");
            }

            if (method is nameof(IMempoolGrain.SubmitAsync) or nameof(IMempoolGrain.WaitAsync))
            {
                if (TakeFailure())
                {
                    throw new NpgsqlException("Injected: the pool could not read the database.");
                }

                if (TakeDelay() is { } delay)
                {
                    await Task.Delay(delay);
                }
            }

            await context.Invoke();
        }

        private bool TakeFailure()
        {
            lock (_gate)
            {
                if (_failNext == 0)
                {
                    return false;
                }

                _failNext--;
                return true;
            }
        }

        private TimeSpan? TakeDelay()
        {
            lock (_gate)
            {
                var delay = _delayNext;
                _delayNext = null;
                return delay;
            }
        }
    }
}
