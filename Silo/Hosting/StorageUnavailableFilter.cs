using Ainur.Grains.Interfaces;

namespace Ainur.Silo.Hosting;

/// <summary>
/// Turns a grain call that failed because PostgreSQL could not serve into a <see cref="StorageUnavailableException"/>,
/// which every caller understands (the gateway answers 503), wherever it runs.
/// </summary>
internal sealed class StorageUnavailableFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (DatabaseUnavailability.Find(e) is { } cause)
        {
            throw new StorageUnavailableException($"The database is unavailable: {cause.Message}");
        }
    }
}
