using System.Net;
using Ainur.Silo.Hosting;
using Ainur.Testing.Nodes;
using Ainur.Testing.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Ainur.Grains.Tests.Cluster;

/// <summary>
/// <c>Ainur:Cluster:Kubernetes</c> turns on Orleans' Kubernetes hosting: the silo takes its name and advertised address
/// from the pod (what k8s/base/silo-deployment.yaml passes through the downward API), keeps its configured ports and
/// its membership in PostgreSQL. Hosts are built, never started: nothing here talks to Kubernetes or PostgreSQL.
/// </summary>
public sealed class KubernetesHostingTests : IDisposable
{
    // Process-wide, as in a pod; only Kubernetes hosting reads them, and only the tests of this class turn it on.
    private static readonly string[] PodVariables = [KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable, KubernetesHostingOptions.PodIPEnvironmentVariable];

    public KubernetesHostingTests()
    {
        Environment.SetEnvironmentVariable(KubernetesHostingOptions.PodNameEnvironmentVariable, "ainur-silo-7d9f-x2k4q");
        Environment.SetEnvironmentVariable(KubernetesHostingOptions.PodNamespaceEnvironmentVariable, "ainur-test");
        Environment.SetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable, "10.244.3.17");
    }

    public void Dispose()
    {
        foreach (var name in PodVariables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Silo_InKubernetes_IsNamedAfterItsPodAndAdvertisesThePodIp()
    {
        using var host = BuildSilo(new() { ["Ainur:Cluster:Kubernetes"] = "true", ["Ainur:Cluster:SiloPort"] = "11311", ["Ainur:Cluster:GatewayPort"] = "30311" });

        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal("ainur-silo-7d9f-x2k4q", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        Assert.Equal(IPAddress.Parse("10.244.3.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11311), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 30311), endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public void Silo_InKubernetes_KeepsItsClusterIdentityAndDeletesNoPods()
    {
        using var host = BuildSilo(new() { ["Ainur:Cluster:Kubernetes"] = "true", ["Ainur:Cluster:ClusterId"] = "blue", ["Ainur:Cluster:ServiceId"] = "svc" });

        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("blue", "svc"), (cluster.ClusterId, cluster.ServiceId));
        // Deleting pods would need the delete verb, which the silo's Role does not grant.
        Assert.False(host.Services.GetRequiredService<IOptions<KubernetesHostingOptions>>().Value.DeleteDefunctSiloPods);
    }

    [Fact]
    public void Silo_OutsideKubernetes_IgnoresThePodEnvironment()
    {
        using var host = BuildSilo(new() { ["Ainur:Cluster:AdvertisedAddress"] = "10.9.8.7" });

        Assert.Equal(IPAddress.Parse("10.9.8.7"), host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
        Assert.NotEqual("ainur-silo-7d9f-x2k4q", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
    }

    [Theory]
    [InlineData("Standalone", null, "Ainur:Mode=Cluster")]
    [InlineData("Cluster", "10.1.1.1", "Ainur:Cluster:AdvertisedAddress")]
    public void Kubernetes_WithAConflictingSetting_IsRefusedAtStartNamingIt(string mode, string? advertisedAddress, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => BuildSilo(new()
        {
            ["Ainur:Mode"] = mode,
            ["Ainur:Cluster:Kubernetes"] = "true",
            ["Ainur:Cluster:AdvertisedAddress"] = advertisedAddress,
        }).Dispose());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in LedgerSecrets.For(Guid.NewGuid().ToString("N")).Settings())
        {
            settings[key] = value;
        }

        settings.TryAdd("Ainur:Mode", "Cluster");
        settings["Ainur:Cluster:Tls:Directory"] = TestAuthority.ClusterSecret;
        settings["Ainur:Storage"] = "Memory";
        settings["Ainur:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1";   // membership's; never opened
        var builder = Host.CreateEmptyApplicationBuilder(new());   // no ambient appsettings or environment
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddAinurSilo(builder.Configuration));
        return builder.Build();
    }
}
