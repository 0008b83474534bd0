using Ainur.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Ainur.Grains.Tests.Storage;

/// <summary>
/// The reminder table's connections go back to the pool without Npgsql's reset (a lock-paid task registers and removes
/// a reminder, and each paid a <c>DISCARD ALL</c> round trip besides, pg_stat_statements on the task benchmark) and
/// prepare the statements they repeat.
/// </summary>
public sealed class ReminderConnectionTests
{
    [Fact]
    public void ReminderTable_OfADurableSilo_SkipsTheConnectionReset_AndPreparesStatements()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());   // no ambient appsettings or environment
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ainur:Storage"] = "Postgres",
            ["Ainur:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
        });
        builder.UseOrleans(silo => silo.AddAinurSilo(builder.Configuration));
        using var host = builder.Build();   // built, never started: nothing connects

        var reminders = host.Services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value;

        var connection = new NpgsqlConnectionStringBuilder(reminders.ConnectionString);
        Assert.True(connection.NoResetOnClose);
        Assert.True(connection.MaxAutoPrepare > 0);
        Assert.Equal("127.0.0.1", connection.Host);
        Assert.Equal(1, connection.Port);
    }
}
