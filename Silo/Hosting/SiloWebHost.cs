using Ainur.Silo.Health;
using Ainur.Silo.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Silo.Hosting;

/// <summary>
/// The HTTP side of a silo process: <c>/healthz</c> (alive), <c>/readyz</c> (active in membership, database reachable)
/// and <c>/metrics</c> (Prometheus), on ASP.NET Core's <c>Urls</c> (default in appsettings.json).
/// </summary>
public static class SiloWebHost
{
    /// <summary>Adds the health checks and telemetry of a silo process.</summary>
    public static WebApplicationBuilder AddSiloOperations(this WebApplicationBuilder builder, AinurOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var health = builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: [HealthEndpoints.ReadyTag]);
        if (options.NeedsPostgres)
        {
            health.AddTypeActivatedCheck<PostgresHealthCheck>("postgres", null, [HealthEndpoints.ReadyTag], options.Postgres.ConnectionString!);
        }

        builder.Services.AddAinurTelemetry(builder.Configuration, "ainur-silo");
        return builder;
    }

    /// <summary>Maps the probes and the scrape endpoint.</summary>
    public static WebApplication MapSiloOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
