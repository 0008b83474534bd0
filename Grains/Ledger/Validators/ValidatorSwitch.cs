namespace Ainur.Grains.Ledger.Validators;

/// <summary>
/// A validator's operator switch, durable so that an offline validator stays offline when it re-activates (after a
/// move between silos, a restart, or idle collection) until the operator turns it on again.
/// </summary>
[GenerateSerializer, Alias("ainur.ValidatorSwitch")]
public sealed class ValidatorSwitch
{
    /// <summary>False when the operator switched the validator off.</summary>
    [Id(0)]
    public bool Online { get; set; } = true;
}
