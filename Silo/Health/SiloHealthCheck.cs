using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Ainur.Silo.Health;

/// <summary>Ready when membership lists this silo as active: it has joined the cluster and takes grains.</summary>
internal sealed class SiloHealthCheck(ILocalSiloDetails local, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {local.SiloAddress} active")
            : HealthCheckResult.Unhealthy($"silo {local.SiloAddress} is {status}"));
    }
}
