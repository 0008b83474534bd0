using System.Net;
using Microsoft.Extensions.Options;

namespace Ainur.Silo.Hosting;

/// <summary>Checks the whole <c>Ainur</c> section at start and names every problem with the setting that fixes it.</summary>
public sealed class AinurOptionsValidator : IValidateOptions<AinurOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, AinurOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add("Ainur:Mode must be 'Standalone' or 'Cluster'.");
        }

        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add("Ainur:Storage must be 'Postgres' or 'Memory'.");
        }

        if (options.NeedsPostgres && string.IsNullOrWhiteSpace(options.Postgres.ConnectionString))
        {
            failures.Add(options.Mode == AinurMode.Cluster
                ? "Cluster mode keeps membership in PostgreSQL: set Ainur:Postgres:ConnectionString (environment: Ainur__Postgres__ConnectionString)."
                : "Storage 'Postgres' needs Ainur:Postgres:ConnectionString (environment: Ainur__Postgres__ConnectionString), or choose Ainur:Storage=Memory, which is not durable.");
        }

        if (options.Mode == AinurMode.Cluster && options.Dashboard == true)
        {
            failures.Add("Ainur:Dashboard is for standalone (development) nodes only: the Orleans dashboard is unauthenticated and profiles every grain call.");
        }

        if (string.IsNullOrWhiteSpace(options.Cluster.ClusterId) || string.IsNullOrWhiteSpace(options.Cluster.ServiceId))
        {
            failures.Add("Ainur:Cluster:ClusterId and Ainur:Cluster:ServiceId may not be empty.");
        }

        if (options.Cluster.SiloPort is < 1 or > 65535 || options.Cluster.GatewayPort is < 0 or > 65535)
        {
            failures.Add("Ainur:Cluster:SiloPort must be 1-65535 and Ainur:Cluster:GatewayPort 0-65535.");
        }

        if (options.Cluster.ProbeTimeout <= TimeSpan.Zero || options.Cluster.MissedProbesLimit < 1)
        {
            failures.Add("Ainur:Cluster:ProbeTimeout must be positive and Ainur:Cluster:MissedProbesLimit at least 1.");
        }

        if (options.Cluster.AdvertisedAddress is { } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"Ainur:Cluster:AdvertisedAddress '{address}' is not an IP address.");
        }

        if (options.Cluster.Kubernetes && options.Mode != AinurMode.Cluster)
        {
            failures.Add("Ainur:Cluster:Kubernetes needs Ainur:Mode=Cluster: a standalone node has no cluster to host.");
        }

        if (options.Cluster.Kubernetes && options.Cluster.AdvertisedAddress is not null)
        {
            failures.Add("Leave Ainur:Cluster:AdvertisedAddress unset with Ainur:Cluster:Kubernetes: the pod's IP (POD_IP) is advertised.");
        }

        if (options.Reputation.Replica is { } replica && string.IsNullOrWhiteSpace(replica))
        {
            failures.Add("Ainur:Reputation:Replica may not be blank: leave it out to use Ainur:Cluster:ServiceId.");
        }

        failures.AddRange(options.Wasm.Validate());
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
