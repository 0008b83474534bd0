using System.Text.Json;
using System.Text.Json.Serialization;
using Ainur.Gateway.Apis;
using Ainur.Gateway.Authentication;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Health;
using Ainur.Gateway.Ledger;
using Ainur.Gateway.OpenApi;
using Ainur.Gateway.RateLimiting;
using Ainur.Gateway.Tasks;
using Ainur.Gateway.Telemetry;
using Ainur.Silo.Health;
using Ainur.Silo.Hosting;
using Ainur.Silo.Telemetry;
using Grpc.AspNetCore.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace Ainur.Gateway.Hosting;

/// <summary>
/// Builds the gateway: in standalone mode it co-hosts a silo (one durable process), in cluster mode it is an
/// Orleans client of the silos. Program.cs and the tests build it the same way.
/// </summary>
public static class GatewayApp
{
    /// <summary>Builds a ready-to-run gateway from command-line arguments plus optional extra configuration.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var ainur = AinurConfiguration.Read(builder.Configuration);
        if (ainur.Mode == AinurMode.Standalone)
        {
            await StorageSetup.PrepareAsync(ainur, Console.Out);
            builder.UseOrleans(silo =>
            {
                silo.AddAinurSilo(ainur);
                if (ainur.DashboardEnabled)
                {
                    silo.AddDashboard();
                }
            });
        }
        else
        {
            builder.UseOrleansClient(client => client.AddAinurClient(ainur));
        }

        AddGatewayServices(builder, ainur);
        var app = builder.Build();
        UseGateway(app, ainur);
        return app;
    }

    private static void AddGatewayServices(WebApplicationBuilder builder, AinurOptions ainur)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .Validate(o => o.SchemaCheckMilliseconds is >= 1 and <= 60_000, "Ainur:Gateway:SchemaCheckMilliseconds must be from 1 to 60000 (milliseconds).")
            .Validate(o => o.MaxRequestTargetBytes is >= 256 and <= 1024 * 1024, "Ainur:Gateway:MaxRequestTargetBytes must be from 256 to 1048576 (bytes).")
            .Validate(o => o.MaxRequestHeaderBytes is >= 1024 and <= 1024 * 1024, "Ainur:Gateway:MaxRequestHeaderBytes must be from 1024 to 1048576 (bytes).")
            .Validate(o => o.PublicAuthorities.All(PublicAuthorities.IsValidEntry),
                "Ainur:Gateway:PublicAuthorities entries must be host[:port] or http(s)://host[:port] (no path, query or user).")
            .Validate(o => o.SchemaCheckMaxSteps is >= 100 and <= 100_000_000, "Ainur:Gateway:SchemaCheckMaxSteps must be from 100 to 100000000.")
            .Validate(o => o.SchemaCheckWorkers is >= 0 and <= 256, "Ainur:Gateway:SchemaCheckWorkers must be from 0 (half the cores) to 256.")
            .Validate(o => o.SchemaCheckQueue is >= 0 and <= 100_000, "Ainur:Gateway:SchemaCheckQueue must be from 0 to 100000.")
            .ValidateOnStart();
        var limits = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            // Kestrel answers what passes its limits with an empty body; RequestHeadLimitsMiddleware answers below them.
            k.Limits.MaxRequestLineSize = RequestHeadLimitsMiddleware.KestrelCeiling * limits.MaxRequestTargetBytes;
            k.Limits.MaxRequestHeadersTotalSize = RequestHeadLimitsMiddleware.KestrelCeiling * limits.MaxRequestHeaderBytes;
        });

        services.AddSingleton(TimeProvider.System);
        services.TryAddSingleton(ainur.Wasm);
        // No catch-all routes for unknown gRPC services: they would shadow the API's two-segment paths (404 instead of 405).
        services.AddGrpc(o => o.IgnoreUnknownServices = true);
        services.AddSingleton<AinurMetrics>();
        services.AddSingleton<CallerRateLimiter>();
        services.AddSingleton<PublicAuthorities>();
        services.AddSingleton<LedgerIdentity>();
        services.AddSingleton<TransactionSubmitter>();
        services.AddSingleton<InputSchemas>();
        services.AddSingleton<SchemaCheckPool>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = FrameworkProblems.AddCode);
        services.AddExceptionHandler<ExceptionProblems>();
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddAinurOpenApi();

        var health = services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [HealthEndpoints.ReadyTag]);
        if (ainur.NeedsPostgres)
        {
            health.AddTypeActivatedCheck<PostgresHealthCheck>("postgres", null, [HealthEndpoints.ReadyTag], ainur.Postgres.ConnectionString!);
        }

        services.AddAinurTelemetry(builder.Configuration, "ainur-gateway");
    }

    /// <summary>Strict JSON: unknown members, missing members, numbers as strings and nulls where the contract has none are errors.</summary>
    private static void ConfigureJson(JsonSerializerOptions options)
    {
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    private static void UseGateway(WebApplication app, AinurOptions ainur)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestHeadLimitsMiddleware>();
        app.UseRouting();
        // The ARI over gRPC-Web too: a plain-text HTTP/1.1 port cannot negotiate HTTP/2 (native gRPC needs TLS or an HTTP/2 endpoint).
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseMiddleware<IpRateLimitMiddleware>();
        app.UseMiddleware<SignatureAuthenticationMiddleware>();

        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint();
        app.MapOpenApi();
        app.MapScalarApiReference();
        if (ainur.DashboardEnabled)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard");
        }

        app.MapAgentsApi();
        app.MapDiscoveryApi();
        app.MapReputationApi();
        app.MapLedgerApi();
        app.MapLedgerSubmitApi();
        app.MapTasksApi();
        app.MapBudgetsApi();
        app.MapTaskWorkApi();
        app.MapModulesApi();
        app.MapTaskLogsApi();
        app.MapGrpcService<Runtime.AriService>();
    }
}
