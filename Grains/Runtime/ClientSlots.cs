namespace Ainur.Grains.Runtime;

/// <summary>
/// Bounds how many executions of one client's tasks run at once on a silo (<see cref="WasmSettings.PerClient"/>), so
/// that a client's long runs (a looping module holds its slot up to the wall clock, and a failed attempt costs its client
/// nothing) cannot take every slot of the silo: its further executions wait behind its own, not behind everyone's.
/// A client's gate exists only while it has executions running or waiting.
/// </summary>
internal sealed class ClientSlots(int perClient)
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Waits for one of <paramref name="client"/>'s slots (none for a request outside any task); dispose to free it.</summary>
    public async Task<IDisposable> EnterAsync(string? client)
    {
        if (client is null)
        {
            return Free.Instance;
        }

        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(client, out gate!))
            {
                gate = new Gate(this, client, perClient);
                _gates[client] = gate;
            }

            gate.Users++;
        }

        try
        {
            await gate.Slots.WaitAsync();
        }
        catch
        {
            gate.Leave(entered: false);
            throw;
        }

        return gate;
    }

    /// <summary>Clients with executions running or waiting now.</summary>
    public int Clients
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    private sealed class Gate(ClientSlots owner, string client, int slots) : IDisposable
    {
        public SemaphoreSlim Slots { get; } = new(slots, slots);

        public int Users { get; set; }

        public void Dispose() => Leave(entered: true);

        public void Leave(bool entered)
        {
            if (entered)
            {
                Slots.Release();
            }

            lock (owner._gates)
            {
                if (--Users == 0)
                {
                    owner._gates.Remove(client);
                }
            }
        }
    }

    private sealed class Free : IDisposable
    {
        public static readonly Free Instance = new();

        public void Dispose()
        {
        }
    }
}
