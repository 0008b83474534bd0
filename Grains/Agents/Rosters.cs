using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Agents;

namespace Ainur.Grains.Agents;

/// <summary>Keeps the capability rosters that assignment reads in line with an agent's registration.</summary>
internal static class Rosters
{
    /// <summary>
    /// Upserts the agent into the roster of every capability it declares and removes it from those it no longer
    /// declares. Hosted (wasm) agents take tasks too: their module runs on the node, and since their results are checked
    /// by re-execution, their capabilities count as deterministic.
    /// </summary>
    public static async Task SyncAsync(IGrainFactory grains, AgentRecord? previous, AgentRecord current)
    {
        var declared = current.Manifest.Capabilities.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var active = current.IsActive;
        var module = current.Manifest.Runtime.Kind == RuntimeKind.Wasm ? current.Manifest.Runtime.ModuleHash : null;
        foreach (var capability in current.Manifest.Capabilities)
        {
            var schemaHash = SchemaIds.Of(capability.InputSchema);
            var entry = new RosterEntry(current.Did, capability.Price, schemaHash, capability.InputSchema, capability.Deterministic || module is not null, active, module);
            await grains.GetGrain<ICapabilityRosterGrain>(capability.Id).UpsertAsync(entry);
        }

        foreach (var dropped in previous?.Manifest.Capabilities.Where(c => !declared.Contains(c.Id)) ?? [])
        {
            await grains.GetGrain<ICapabilityRosterGrain>(dropped.Id).RemoveAsync(current.Did);
        }
    }
}
