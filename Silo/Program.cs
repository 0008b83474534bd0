using Ainur.Silo.Hosting;
using Ainur.Silo.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// `Ainur.Silo migrate` applies the schema and exits; anything else runs a silo of a cluster, with /healthz, /readyz
// and /metrics on the HTTP address in `Urls`.
try
{
    var builder = WebApplication.CreateBuilder(args);
    var options = AinurConfiguration.Read(builder.Configuration);
    if (args is ["migrate", ..])
    {
        return await MigrateCommand.RunAsync(options.Postgres.ConnectionString ?? "", Console.Out, CancellationToken.None);
    }

    await StorageSetup.PrepareAsync(options, Console.Out);
    builder.UseOrleans(silo => silo.AddAinurSilo(options));
    builder.AddSiloOperations(options);
    var app = builder.Build();
    app.MapSiloOperations();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException refusal)
{
    return StartupRefusal.Report("Ainur silo", refusal, Console.Error);
}
