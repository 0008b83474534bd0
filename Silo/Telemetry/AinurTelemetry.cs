using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ainur.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for every Ainur process (silo, gateway, standalone node): Orleans' and Ainur's meters plus ASP.NET
/// Core's, for the Prometheus endpoint (<c>/metrics</c>); and traces (ASP.NET Core requests, Orleans grain calls) sent
/// to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class AinurTelemetry
{
    /// <summary>The meter of Ainur's own instruments (exported as <c>ainur_*</c>; docs/metrics.md lists them).</summary>
    public const string MeterName = "Ainur";

    /// <summary>The configuration key (an environment variable) that turns trace export on; OpenTelemetry's standard one.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string OrleansMeter = "Microsoft.Orleans";

    // Every Orleans activity source: Microsoft.Orleans.Application (grain calls), .Runtime, .Storage, .Lifecycle, ...
    private const string OrleansActivitySources = "Microsoft.Orleans.*";

    /// <summary>Adds metrics, and traces where an OTLP endpoint is configured, for the service <paramref name="serviceName"/>.</summary>
    public static IServiceCollection AddAinurTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(OrleansMeter, MeterName)
                .AddAspNetCoreInstrumentation()
                // Every scrape reads the instruments afresh: Prometheus scrapes seldom, and a cached answer would show
                // a caller counters from before its own request.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        // Without a collector nothing listens, so Orleans and ASP.NET Core create no activities at all: tracing costs
        // nothing until it is wanted.
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        return services;
    }
}
