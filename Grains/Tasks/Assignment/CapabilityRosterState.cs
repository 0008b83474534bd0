using Ainur.Grains.Interfaces.Tasks;

namespace Ainur.Grains.Tasks.Assignment;

/// <summary>The stored state of a <see cref="CapabilityRosterGrain"/>: one entry per agent offering the capability, by DID text.</summary>
[GenerateSerializer, Alias("ainur.CapabilityRosterState")]
public sealed class CapabilityRosterState
{
    /// <summary>The entries.</summary>
    [Id(0)]
    public Dictionary<string, RosterEntry> Entries { get; set; } = [];
}
