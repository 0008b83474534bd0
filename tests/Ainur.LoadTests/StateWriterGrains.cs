using System.Buffers.Binary;
using Ainur.Grains.Interfaces;
using Orleans.Runtime;

namespace Ainur.LoadTests;

/// <summary>What a bench grain stores: a write counter and an opaque payload of a chosen size.</summary>
[GenerateSerializer, Alias("ainur.bench.WriterState")]
public sealed class WriterState
{
    [Id(0)] public long Writes { get; set; }

    [Id(1)] public byte[] Data { get; set; } = [];
}

/// <summary>A grain that stores its state on every call; the two kinds below differ only in their store.</summary>
[Alias("ainur.bench.IStateWriterGrain")]
public interface IStateWriterGrain : IGrainWithIntegerKey
{
    /// <summary>Counts one more write, sets the payload to <paramref name="payloadBytes"/> bytes, and stores the state before answering.</summary>
    [Alias("Write")]
    Task WriteAsync(int payloadBytes);
}

/// <summary>State in the <c>agents</c> store: Orleans' ADO.NET grain storage, as the silo configures it.</summary>
[Alias("ainur.bench.IAdoNetWriterGrain")]
public interface IAdoNetWriterGrain : IStateWriterGrain;

/// <summary>State in the <c>tasks</c> store: the group-commit grain storage.</summary>
[Alias("ainur.bench.IGroupCommitWriterGrain")]
public interface IGroupCommitWriterGrain : IStateWriterGrain;

/// <summary>State in the <c>bench-serial</c> store: the group-commit storage with one batch at a time.</summary>
[Alias("ainur.bench.ISerialGroupCommitWriterGrain")]
public interface ISerialGroupCommitWriterGrain : IStateWriterGrain;

internal abstract class StateWriterGrain(IPersistentState<WriterState> state) : Grain
{
    protected async Task WriteAsync(int payloadBytes)
    {
        var next = state.State.Writes + 1;
        if (state.State.Data.Length != payloadBytes)
        {
            state.State.Data = new byte[Math.Max(payloadBytes, sizeof(long))];
        }

        // Each write changes the bytes, as a real transition would.
        BinaryPrimitives.WriteInt64LittleEndian(state.State.Data, next);
        state.State.Writes = next;
        await state.WriteStateAsync();
    }
}

internal sealed class AdoNetWriterGrain([PersistentState("writer", AinurStores.Agents)] IPersistentState<WriterState> state)
    : StateWriterGrain(state), IAdoNetWriterGrain
{
    Task IStateWriterGrain.WriteAsync(int payloadBytes) => WriteAsync(payloadBytes);
}

internal sealed class GroupCommitWriterGrain([PersistentState("writer", AinurStores.Tasks)] IPersistentState<WriterState> state)
    : StateWriterGrain(state), IGroupCommitWriterGrain
{
    Task IStateWriterGrain.WriteAsync(int payloadBytes) => WriteAsync(payloadBytes);
}

internal sealed class SerialGroupCommitWriterGrain([PersistentState("writer", StorageBench.SerialStore)] IPersistentState<WriterState> state)
    : StateWriterGrain(state), ISerialGroupCommitWriterGrain
{
    Task IStateWriterGrain.WriteAsync(int payloadBytes) => WriteAsync(payloadBytes);
}
