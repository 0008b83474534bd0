using Ainur.Gateway.Hosting;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = await GatewayApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException refusal)
{
    return StartupRefusal.Report("Ainur gateway", refusal, Console.Error);
}
