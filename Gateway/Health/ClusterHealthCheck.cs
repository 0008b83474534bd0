using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ainur.Gateway.Health;

/// <summary>Ready when the cluster answers and has at least one active silo.</summary>
internal sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var query = cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken);
            var hosts = await query.WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("cluster unreachable: " + e.GetType().Name);
        }
    }
}
