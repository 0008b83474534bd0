using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using Ainur.Gateway.Hosting;
using Ainur.Grains.Ledger;
using Ainur.Silo.Hosting;
using Ainur.Silo.Telemetry;
using Ainur.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Ainur.Gateway.Tests.Observability;

/// <summary>docs/metrics.md against the instruments the code creates on the Ainur meter (the scrape side: <see cref="NodeScrapeTests"/>).</summary>
public sealed partial class MetricsDocTests
{
    private static readonly Assembly[] Product = [typeof(GatewayApp).Assembly, typeof(AinurOptions).Assembly, typeof(LedgerMetrics).Assembly];

    [Fact]
    public void MetricsDoc_ListsEveryInstrumentOnTheAinurMeter_AndNothingElse()
    {
        var created = Instruments().ToDictionary(i => PrometheusName(i), i => PrometheusType(i));
        var documented = MetricsDoc.Read();

        Assert.Empty(created.Keys.Except(documented.Keys).Select(n => n + " is created by the code but not in docs/metrics.md"));
        Assert.Empty(documented.Keys.Except(created.Keys).Select(n => n + " is in docs/metrics.md but no code creates it"));
        foreach (var (name, type) in created)
        {
            Assert.True(documented[name].Type == type, $"{name} is a {type}, documented as a {documented[name].Type}");
        }
    }

    [Fact]
    public void MetricsClasses_AreTheOnlyFilesThatCreateInstruments()
    {
        // The doc test finds instruments through the classes that take an IMeterFactory: an instrument created anywhere
        // else would escape it.
        var classes = MetricsClasses().Select(t => t.Name + ".cs").ToHashSet();
        var creating = new[] { "Gateway", "Grains", "Silo", "Protocol", "Grains.Interfaces" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(BuiltNode.RepositoryRoot, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(file => CreatesInstrument().IsMatch(File.ReadAllText(file)))
            .Select(Path.GetFileName)
            .ToHashSet();

        Assert.Equal(classes.Order(), creating.Order()!);
    }

    /// <summary>Every instrument on the Ainur meter that the product's metrics classes create.</summary>
    private static List<Instrument> Instruments()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var instruments = new List<Instrument>();

        // Listeners see every meter in the process: only this factory's, not those of nodes other tests run.
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == AinurTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    instruments.Add(instrument);
                }
            },
        };
        listener.Start();
        foreach (var type in MetricsClasses())
        {
            ActivatorUtilities.CreateInstance(services, type, factory);
        }

        Assert.NotEmpty(instruments);
        return instruments;
    }

    private static IEnumerable<Type> MetricsClasses() =>
        Product.SelectMany(a => a.GetTypes())
            .Where(t => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IMeterFactory))));

    /// <summary>The name OpenTelemetry's Prometheus exporter gives the instrument (without a histogram's suffixes).</summary>
    private static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        name += instrument.Unit switch
        {
            null or "" => "",
            "s" => "_seconds",
            ['{', .., '}'] => "",
            var unit => throw new InvalidOperationException($"{instrument.Name}: add the exporter's suffix for unit '{unit}' here"),
        };
        return PrometheusType(instrument) == "counter" ? name + "_total" : name;
    }

    private static string PrometheusType(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition().Name switch
    {
        "Counter`1" or "ObservableCounter`1" => "counter",
        "Histogram`1" => "histogram",
        "Gauge`1" or "ObservableGauge`1" or "UpDownCounter`1" or "ObservableUpDownCounter`1" => "gauge",
        var other => throw new InvalidOperationException($"{instrument.Name}: unknown instrument kind {other}"),
    };

    [GeneratedRegex(@"\.Create(Counter|Histogram|Gauge|UpDownCounter|ObservableCounter|ObservableGauge|ObservableUpDownCounter)\s*[<(]")]
    private static partial Regex CreatesInstrument();
}
