using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Ainur.Silo.Hosting;

/// <summary>Reads and validates the <c>Ainur</c> section once, when a host is being built (Orleans needs it then).</summary>
public static class AinurConfiguration
{
    /// <summary>The bound options; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static AinurOptions Read(IConfiguration configuration)
    {
        var options = new AinurOptions();
        configuration.GetSection(AinurOptions.Section).Bind(options);
        var result = new AinurOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(AinurOptions.Section, typeof(AinurOptions), result.Failures);
        }

        return options;
    }
}
