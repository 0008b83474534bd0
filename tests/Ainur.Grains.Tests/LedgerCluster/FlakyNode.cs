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
/// mempool, while <see cref="DropReports"/> is set, never hears of a finalized block (each report times out).
/// </summary>
internal sealed class FlakyNode(TestDatabase database, IHost host, FlakyNode.ReportDropper dropper) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public string ChainId => host.Services.GetRequiredService<LedgerSettings>().ChainId;

    public FlakyLedgerStore Store => (FlakyLedgerStore)host.Services.GetRequiredService<ILedgerStore>();

    public bool DropReports
    {
        get => dropper.Dropping;
        set => dropper.Dropping = value;
    }

    /// <summary>Starts it with <paramref name="funded"/> holding 1,000,000 at genesis.</summary>
    public static async Task<FlakyNode> StartAsync(AgentKey funded, int failEvery, CancellationToken ct)
    {
        var database = await TestDatabase.CreateAsync(ct);
        var settings = NodeSettings.Standalone(database.ConnectionString, database.Name).With(new Dictionary<string, string?>
        {
            ["Ainur:Ledger:Allocations:0:Account"] = funded.Did.Value,
            ["Ainur:Ledger:Allocations:0:Amount"] = "1000000",
        });
        var dropper = new ReportDropper();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo =>
        {
            silo.Services.AddSingleton<ILedgerStore>(services =>
                new FlakyLedgerStore(new PostgresLedgerStore(services.GetRequiredService<NpgsqlDataSource>()), failEvery));
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(dropper);
            silo.AddAinurSilo(builder.Configuration);
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        return new FlakyNode(database, host, dropper);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
        await database.DisposeAsync();
    }

    internal sealed class ReportDropper : IIncomingGrainCallFilter
    {
        private volatile bool _dropping;

        public bool Dropping
        {
            get => _dropping;
            set => _dropping = value;
        }

        public Task Invoke(IIncomingGrainCallContext context) =>
            Dropping && context.InterfaceMethod?.Name == nameof(IMempoolGrain.FinalizedAsync)
                ? throw new TimeoutException("Injected: the report of a finalized block was lost.")
                : context.Invoke();
    }
}
