namespace Ainur.Grains.Interfaces.Runtime;

/// <summary>
/// Re-executes hosted results away from the silo that ran them first. Key: <see cref="VerifierKeys.Away"/> (the silo to
/// avoid and a slot); its placement puts it on another silo than that one whenever the cluster has another.
/// </summary>
[Alias("ainur.IVerifierGrain")]
public interface IVerifierGrain : IGrainWithStringKey
{
    /// <summary>Runs the request on this verifier's silo (its local executor) and reports the outcome.</summary>
    [Alias("Reexecute")]
    Task<ExecutionReport> ReexecuteAsync(ExecutionRequest request);
}

/// <summary>The keys of verifier grains.</summary>
public static class VerifierKeys
{
    private const char Separator = '|';

    /// <summary>The verifier for re-execution number <paramref name="slot"/> of a result first run on <paramref name="silo"/>.</summary>
    public static string Away(string silo, int slot) => $"{silo}{Separator}{slot}";

    /// <summary>The silo a key avoids and its slot; null for a key not made by <see cref="Away"/>.</summary>
    public static (string Silo, int Slot)? Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf(Separator);
        return at > 0 && int.TryParse(key.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slot)
            ? (key[..at], slot)
            : null;
    }
}
