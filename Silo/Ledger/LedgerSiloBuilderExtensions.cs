using Ainur.Grains.Ledger;
using Ainur.Grains.Ledger.Validators;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ainur.Silo.Ledger;

/// <summary>Registers the ledger on a silo: settings, metrics, validator placement, and the keep-alive that keeps the validator group running.</summary>
public static class LedgerSiloBuilderExtensions
{
    /// <summary>
    /// Adds the ledger's services; the block store itself is registered with the rest of the storage. Only silos host
    /// validators, so only silos need the ledger's secrets: a cluster gateway (an Orleans client) is not checked for them.
    /// </summary>
    /// <exception cref="OptionsValidationException">The <c>Ainur:Ledger</c> section is unusable; every problem is listed.</exception>
    public static ISiloBuilder AddAinurLedger(this ISiloBuilder silo, AinurOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        var problems = LedgerSetup.Validate(options.Ledger, options.Mode).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(AinurOptions.Section, typeof(LedgerOptions), problems);
        }

        silo.Services.TryAddSingleton(_ => LedgerSetup.Build(
            options.Ledger,
            options.Mode,
            options.Mode == AinurMode.Standalone ? DevelopmentKeys.LoadOrCreate(options.DataDirectory, options.Ledger.Validators) : null));
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<LedgerMetrics>();
        silo.Services.AddHostedService<LedgerKeepAlive>();
        silo.Services.AddHostedService<LedgerStartupReport>();
        silo.AddPlacementDirector<ValidatorPlacementStrategy, ValidatorPlacementDirector>();
        return silo;
    }
}
