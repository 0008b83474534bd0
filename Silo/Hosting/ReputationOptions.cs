namespace Ainur.Silo.Hosting;

/// <summary>The <c>Ainur:Reputation</c> section.</summary>
public sealed class ReputationOptions
{
    /// <summary>
    /// This cluster's slot in every agent's reputation counter (<c>Ainur__Reputation__Replica</c>). Default: the
    /// cluster's ServiceId. Give every cluster that counts on its own (a region) its own id, and never change it while
    /// counts exist: a new id starts a new slot, and two clusters sharing one lose counts when they merge.
    /// </summary>
    public string? Replica { get; set; }
}
