using Ainur.Grains.Reputation;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ainur.Grains.Tests.Reputation;

/// <summary>The replica id a silo counts under comes from <c>Ainur:Reputation:Replica</c>, else the ServiceId.</summary>
public sealed class ReputationSettingsTests
{
    [Fact]
    public void Replica_Configured_IsUsed() =>
        Assert.Equal("eu-west", ReplicaOf(new() { ["Ainur:Reputation:Replica"] = "eu-west", ["Ainur:Cluster:ServiceId"] = "svc" }));

    [Fact]
    public void Replica_NotConfigured_IsTheServiceId() =>
        Assert.Equal("svc", ReplicaOf(new() { ["Ainur:Cluster:ServiceId"] = "svc" }));

    [Fact]
    public void Replica_Blank_IsRefusedAtStartNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ReplicaOf(new() { ["Ainur:Reputation:Replica"] = " " }));
        Assert.Contains("Ainur:Reputation:Replica", error.Message, StringComparison.Ordinal);
    }

    private static string ReplicaOf(Dictionary<string, string?> settings)
    {
        settings["Ainur:Storage"] = "Memory";
        var builder = Host.CreateEmptyApplicationBuilder(new());   // no ambient appsettings or environment
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddAinurSilo(builder.Configuration));
        using var host = builder.Build();   // built, never started
        return host.Services.GetRequiredService<ReputationSettings>().Replica;
    }
}
